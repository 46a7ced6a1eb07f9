#!/usr/bin/env python3
"""Where the generated MCP server's time goes during tool calls: a py-spy
profile, summed by package, in each protocol era.

The default MCP server, rendered and installed as benchmarks/call_cost.py does
it, is started the same way (pinned to one core, the load on the other), and
py-spy records it with --gil (only samples that hold the GIL, so idle waits
drop out) while the light client makes ROUNDS rounds of SESSIONS x CALLS
`add` calls. Printed for each era: the share of samples by the package of
the innermost frame (self time), and the share with a frame of each part of
the SDK's request path anywhere on the stack (an undercount: py-spy's stack
of a coroutine stops where its task began). docs/call-cost.md quotes it.

    python -m benchmarks.call_profile
    python -m benchmarks.call_profile --ref HEAD~1 --rounds 6

Needs uv, taskset, and the permission to trace a child process (ptrace),
which root has. py-spy is installed into a scratch virtualenv. Exits 2 when
a call fails or the profiler does not record.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.call_cost import (
    ERAS,
    Server,
    fail,
    install_ours,
    install_venv,
    load,
    ours_server,
    pin_load_to_client_core,
    started,
)
from benchmarks.image import REPO

PY_SPY = "py-spy==0.4.3"
PACKAGE = "my_project"
# The SDK's request path, by the files its frames are in.
PARTS = {
    "the session manager (streamable_http_manager.py)": ("mcp/server/streamable_http_manager.py",),
    "the 2026 request path (_streamable_http_modern.py)": (
        "mcp/server/_streamable_http_modern.py",
    ),
    "the handshake transport (streamable_http.py)": ("mcp/server/streamable_http.py",),
    "the runner and JSON-RPC dispatch": (
        "mcp/server/runner.py",
        "mcp/shared/jsonrpc_dispatcher.py",
    ),
    "pydantic (validation and models)": ("pydantic/", "pydantic_core/"),
    "sse_starlette (the event stream)": ("sse_starlette/",),
}


def frame_file(frame: str) -> str:
    """The file of one frame of py-spy's raw format: `function (path:line)`."""
    inside = frame.rsplit(" (", 1)[-1].rstrip(")")
    return inside.rsplit(":", 1)[0].split("site-packages/")[-1]


def package_of(path: str) -> str:
    """mcp's modules one by one (mcp.server.runner), anything else by its top package."""
    parts = path.removesuffix(".py").split("/")
    if parts[0] == PACKAGE:
        return "the template's own modules"
    if parts[0] == "mcp" and len(parts) > 2:
        return ".".join(parts[:3])
    return parts[0]


def summary(raw: str) -> tuple[int, Counter[str], Counter[str]]:
    """Samples, self time by package, and samples by part of the request path."""
    total, by_package, by_part = 0, Counter[str](), Counter[str]()
    for line in raw.splitlines():
        if not line.strip():
            continue
        stack, count = line.rsplit(" ", 1)
        samples = int(count)
        files = [frame_file(frame) for frame in stack.split(";")]
        total += samples
        by_package[package_of(files[-1])] += samples
        for part, prefixes in PARTS.items():
            if any(path.startswith(prefixes) for path in files):
                by_part[part] += samples
    return total, by_package, by_part


def table(heading: str, counts: Counter[str], total: int, top: int | None = None) -> str:
    lines = [f"| {heading} | share of {total} samples |", "| --- | --- |"]
    for name, samples in counts.most_common(top):
        lines.append(f"| {name} | {100 * samples / total:.1f}% |")
    return "\n".join(lines)


def profile(server: Server, era: str, py_spy: str, sessions: int, calls: int, rounds: int) -> str:
    """py-spy's raw output for `rounds` rounds of load in `era`."""
    with started(server, "stateful") as (url, pid), tempfile.TemporaryDirectory() as tmp:
        load(url, "light", era, 2, 5)  # warm up: imports, first calls
        out = Path(tmp) / "profile.txt"
        record = [py_spy, "record", "--gil", "--rate", "200", "--format", "raw"]
        recorder = subprocess.Popen(
            [*record, "--pid", str(pid), "--output", str(out), "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1)  # py-spy attaches
        for _ in range(rounds):
            load(url, "light", era, sessions, calls)
        recorder.send_signal(2)  # SIGINT: py-spy writes what it recorded
        _, errors = recorder.communicate(timeout=60)
        if not out.exists() or not out.read_text().strip():
            fail(f"profile: py-spy recorded nothing:\n{errors[-2000:]}")
        return out.read_text()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default=str(REPO), help="template path or URL")
    parser.add_argument("--ref", default="HEAD", help="git ref of the template to profile")
    parser.add_argument("--sessions", type=int, default=50, help="sessions in parallel")
    parser.add_argument("--calls", type=int, default=20, help="tool calls per session")
    parser.add_argument("--rounds", type=int, default=6, help="rounds of load recorded")
    parser.add_argument("--eras", nargs="+", choices=list(ERAS), default=list(ERAS))
    args = parser.parse_args()
    pin_load_to_client_core()
    with tempfile.TemporaryDirectory(prefix="chora-call-profile-") as tmp:
        work = Path(tmp)
        server = ours_server(
            "ours", install_ours(args.template, args.ref, work / "ours"), ("stateful",)
        )
        py_spy = str(install_venv(work / "py-spy", PY_SPY) / "py-spy")
        for era in args.eras:
            raw = profile(server, era, py_spy, args.sessions, args.calls, args.rounds)
            total, by_package, by_part = summary(raw)
            print(f"## {era} era: {args.rounds} rounds of {args.sessions} x {args.calls} calls\n")
            print(table("package of the innermost frame", by_package, total, 16), end="\n\n")
            print(table("a frame of it on the stack", by_part, total), end="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
