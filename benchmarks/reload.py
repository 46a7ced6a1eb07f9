#!/usr/bin/env python3
"""Measure how soon the development server serves an edited tool.

It renders the MCP server (other answers at their defaults) and installs it
with `uv sync`, or takes a project installed already (--project). It starts
the development server the way `just dev` does (scripts/dev.py, streamable
HTTP), then RUNS times adds a tool to tools.py and times the save until a
client lists that tool, PAUSE seconds after the previous edit was served (as
someone edits: the development server readies its next start meanwhile; 0
times saves in a row). It reports the median and the slowest run, and puts
tools.py back as it was.

    python -m benchmarks.reload                  # 5 edits, 5 s apart
    python -m benchmarks.reload --runs 10 --pause 0 --project PATH

Needs uv and the project's Python (the default answer) where uv finds it.
Exits 1 when the median misses the goal (2 s), 2 when an edit is not served
within 30 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import anyio
import copier
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

REPO = Path(__file__).resolve().parent.parent
GOAL_S = 2.0
GIVE_UP_S = 30.0
PACKAGE = "my_project"
TOOL = '''

    @server.tool()
    def edited_{n}(text: str) -> str:
        """Edit {n} of the benchmark."""
        return text
'''


def installed(workdir: Path, ref: str) -> Path:
    """The MCP server rendered with the default answers and installed by uv."""
    root = workdir / "project"
    copier.run_copy(str(REPO), root, defaults=True, unsafe=False, quiet=True, vcs_ref=ref)
    subprocess.run(["uv", "sync", "--quiet"], cwd=root, check=True)
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tool_names(url: str) -> set[str]:
    """What the server lists now; empty while it does not answer."""

    async def listed() -> set[str]:
        async with Client(streamable_http_client(url)) as client:
            return {tool.name for tool in (await client.list_tools()).tools}

    try:
        return anyio.run(listed)
    except Exception:  # restarting
        return set()


def seconds_until(check: Callable[[], bool], started: float) -> float:
    """Seconds from `started` until check() holds, asking every 20 ms."""
    while time.perf_counter() - started < GIVE_UP_S:
        if check():
            return time.perf_counter() - started
        time.sleep(0.02)
    sys.exit(f"benchmark: not served within {GIVE_UP_S:.0f} s")


def timed_edits(root: Path, runs: int, pause: float) -> list[float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    python = str(root / ".venv" / "bin" / "python")
    env = {**os.environ, "MCP_TRANSPORT": "streamable-http", "MCP_SERVER_PORT": str(port)}
    module = root / "src" / PACKAGE / "tools.py"
    original = module.read_text(encoding="utf-8")
    server = subprocess.Popen(
        [python, "scripts/dev.py", "src", python, "-m", PACKAGE],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    times = []
    try:

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(url.replace("/mcp", "/health"), timeout=1):
                    return True
            except OSError:
                return False

        seconds_until(healthy, time.perf_counter())
        text = original
        for n in range(runs):
            time.sleep(pause)
            text += TOOL.format(n=n)
            saved = time.perf_counter()
            module.write_text(text, encoding="utf-8")
            name = f"edited_{n}"
            times.append(seconds_until(lambda name=name: name in tool_names(url), saved))
    finally:
        module.write_text(original, encoding="utf-8")
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=15)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="edits to time (default 5)")
    parser.add_argument("--ref", default="HEAD", help="git ref of this repository to render")
    parser.add_argument("--pause", type=float, default=5.0, help="seconds between edits (5)")
    parser.add_argument("--project", type=Path, help="an installed MCP server project to use")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chora-reload-") as tmp:
        root = args.project or installed(Path(tmp), args.ref)
        times = timed_edits(root, args.runs, args.pause)
    median = statistics.median(times)
    print("| edits | pause | median save to served | slowest |")
    print("| --- | --- | --- | --- |")
    print(f"| {args.runs} | {args.pause:g} s | {median:.2f} s | {max(times):.2f} s |")
    if median > GOAL_S:
        print(f"goal missed: median {median:.2f} s (goal: at most {GOAL_S} s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
