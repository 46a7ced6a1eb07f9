#!/usr/bin/env python3
"""Load on the generated MCP server's image: sessions in parallel, each making
tool calls, against the container as docker-compose.yml hardens it.

For each HTTP mode (stateful streamable HTTP, stateless, JSON answers, and
stateful with OpenTelemetry on, exporting traces and metrics over OTLP/HTTP
to a receiver in this process) and each number of concurrent sessions it
prints calls per second, the p50 and p99 latency of a call, the errors (and
which of them were the server's refusals, by JSON-RPC code), and
the server's resident memory before and after the run.

    python -m benchmarks.load                      # this work tree
    python -m benchmarks.load --sessions 1 50 --calls 20
    python -m benchmarks.load --image my-mcp:latest  # an image you built

Without --image it renders the default MCP server with Docker from this
repository (--template, --ref to choose another), writes its uv.lock and
builds the image. Needs a Docker engine with BuildKit, the
python:<version>-slim base image and uv. $DOCKER picks the client.
Exits 1 when a goal is missed: no error in any run; memory after a run
within 20 MB of before; p99 at the largest session count at most 500 ms in
the fastest mode and with tracing on; with tracing on, calls per second at
the largest session count within 15% of the same mode without.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from benchmarks.image import DOCKER, REPO, TOKEN, docker, lock_if_needed, render
from benchmarks.otlp import bridge_gateway, receiver

PROJECT = "load-mcp"
MODES = {
    "stateful": {},
    "stateless": {"MCP_STATELESS_HTTP": "true"},
    "json": {"MCP_JSON_RESPONSE": "true"},
    # OTEL_EXPORTER_OTLP_ENDPOINT (the receiver's) is added when it runs.
    "traced": {"OTEL_METRIC_EXPORT_INTERVAL": "5000"},
}
# The mode "traced" is compared with: the same server without telemetry.
UNTRACED = "stateful"
MAX_TRACING_COST = 0.15
# docker-compose.yml's hardening of the server, and its data volume.
HARDENED = [
    "--read-only",
    "--tmpfs",
    "/tmp",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges:true",
    "--volume",
    "/app/data",
]
MAX_MEMORY_GROWTH_MB = 20
MAX_P99_S = 0.5


@dataclass
class Run:
    mode: str
    sessions: int
    calls: int
    seconds: float
    latencies: list[float]
    errors: int
    rss_before_mb: float
    rss_after_mb: float
    # The errors that were the server's refusals, by JSON-RPC code (-32001: too
    # many requests in a session, -32002: every session busy).
    refusals: Counter[int] = field(default_factory=Counter)

    @property
    def calls_per_s(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def build_image(template: str, ref: str, workdir: Path) -> str:
    root = workdir / PROJECT
    render(template, ref, root, project_name=PROJECT)
    lock_if_needed(root)
    tag = f"{PROJECT}:load"
    docker("build", "--tag", tag, str(root))
    return tag


def resident_mb(container: str) -> float:
    status = docker("exec", container, "cat", "/proc/1/status")
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(kilobytes) / 1024


def wait_until_serving(url: str, timeout: float = 60) -> None:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        try:
            with httpx2.Client() as http:
                if http.get(url.replace("/mcp", "/health"), timeout=2).status_code == 200:
                    return
        except httpx2.HTTPError:
            pass
        time.sleep(0.1)
    sys.exit(f"benchmark: {url} not serving after {timeout} s")


def refusal_code(exc: BaseException) -> int | None:
    """The JSON-RPC code of a refusal the server made (an MCPError the client
    matched to its request, maybe inside the task group's exception group)."""
    if isinstance(exc, MCPError):
        return exc.error.code
    if isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        return refusal_code(exc.exceptions[0])
    return None


async def one_session(url: str, calls: int, latencies: list[float], errors: list[str]) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        async with (
            httpx2.AsyncClient(headers=headers, timeout=30) as http,
            Client(streamable_http_client(url, http_client=http)) as client,
        ):
            for number in range(calls):
                began = time.perf_counter()
                result = await client.call_tool("add", {"a": number, "b": 1})
                latencies.append(time.perf_counter() - began)
                if result.is_error or result.content[0].text != f"{number + 1:.1f}":
                    errors.append(f"call {number}: {result.content}")
    except Exception as exc:  # every failure, whatever its kind, is a counted error
        code = refusal_code(exc)
        errors.append(f"refused {code}" if code else f"session: {type(exc).__name__}: {exc}")


def load(url: str, sessions: int, calls: int) -> tuple[float, list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []

    async def all_sessions() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(sessions):
                group.start_soon(one_session, url, calls, latencies, errors)

    began = time.perf_counter()
    anyio.run(all_sessions)
    return time.perf_counter() - began, latencies, errors


def measure(image: str, mode: str, session_counts: list[int], calls: int) -> list[Run]:
    if mode != "traced":
        return measure_with(image, mode, session_counts, calls, {})
    with receiver(bridge_gateway(DOCKER)) as (endpoint, received):
        runs = measure_with(
            image, mode, session_counts, calls, {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}
        )
    if not received.span_names():
        sys.exit("benchmark: tracing was on, but no span reached the receiver")
    return runs


def measure_with(
    image: str, mode: str, session_counts: list[int], calls: int, extra: dict[str, str]
) -> list[Run]:
    name = f"{PROJECT}-{mode}"
    subprocess.run([DOCKER, "rm", "--force", "--volumes", name], capture_output=True)
    env = ["--env", "MCP_TRANSPORT=streamable-http", "--env", f"MCP_AUTH_TOKEN={TOKEN}"]
    for key, value in (MODES[mode] | extra).items():
        env += ["--env", f"{key}={value}"]
    docker(
        "run", "--detach", "--name", name, "--publish", "127.0.0.1::8000", *HARDENED, *env, image
    )
    try:
        port = docker("port", name, "8000/tcp").split()[0].rsplit(":", 1)[1]
        url = f"http://127.0.0.1:{port}/mcp"
        wait_until_serving(url)
        load(url, 1, 5)  # warm up: imports, first session
        runs = []
        for sessions in session_counts:
            before = resident_mb(name)
            seconds, latencies, errors = load(url, sessions, calls)
            time.sleep(1)  # let finished sessions be released
            runs.append(
                Run(
                    mode,
                    sessions,
                    calls,
                    seconds,
                    latencies,
                    len(errors),
                    before,
                    resident_mb(name),
                    Counter(int(e.split()[1]) for e in errors if e.startswith("refused ")),
                )
            )
            for error in errors[:3]:
                print(f"{mode} x{sessions}: {error}", file=sys.stderr)
        return runs
    finally:
        subprocess.run([DOCKER, "rm", "--force", "--volumes", name], capture_output=True)


def table(runs: list[Run]) -> str:
    lines = [
        "| mode | sessions x calls | calls/s | p50 | p99 | errors | of them refusals "
        "| memory before | after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        refused = ", ".join(f"{n} x {code}" for code, n in sorted(r.refusals.items())) or "none"
        lines.append(
            f"| {r.mode} | {r.sessions} x {r.calls} | {r.calls_per_s:.0f} "
            f"| {r.percentile(0.5) * 1000:.0f} ms | {r.percentile(0.99) * 1000:.0f} ms "
            f"| {r.errors} | {refused} | {r.rss_before_mb:.0f} MB | {r.rss_after_mb:.0f} MB |"
        )
    return "\n".join(lines)


def goals_missed(runs: list[Run]) -> list[str]:
    missed = [f"{r.mode} x{r.sessions}: {r.errors} errors" for r in runs if r.errors]
    missed += [
        f"{r.mode} x{r.sessions}: memory grew {r.rss_after_mb - r.rss_before_mb:.0f} MB"
        for r in runs
        if r.rss_after_mb - r.rss_before_mb > MAX_MEMORY_GROWTH_MB
    ]
    largest = max(r.sessions for r in runs)
    best = min(r.percentile(0.99) for r in runs if r.sessions == largest)
    if best > MAX_P99_S:
        missed.append(f"p99 at {largest} sessions is {best * 1000:.0f} ms in the fastest mode")
    at_largest = {r.mode: r for r in runs if r.sessions == largest}
    if "traced" in at_largest:
        traced = at_largest["traced"]
        if traced.percentile(0.99) > MAX_P99_S:
            p99 = traced.percentile(0.99) * 1000
            missed.append(f"p99 at {largest} sessions is {p99:.0f} ms with tracing on")
        if UNTRACED in at_largest:
            cost = 1 - traced.calls_per_s / at_largest[UNTRACED].calls_per_s
            if cost > MAX_TRACING_COST:
                missed.append(
                    f"tracing costs {cost:.0%} of the calls per second at {largest} sessions "
                    f"(goal: at most {MAX_TRACING_COST:.0%})"
                )
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", help="an MCP server image to measure (default: build one)")
    parser.add_argument("--template", default=str(REPO), help="template path or URL")
    parser.add_argument("--ref", default="HEAD", help="git ref of the template")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--calls", type=int, default=20, help="tool calls per session")
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    args = parser.parse_args()
    if shutil.which(DOCKER) is None and not Path(DOCKER).exists():
        sys.exit(f"benchmark: no Docker client {DOCKER}")
    with tempfile.TemporaryDirectory(prefix="chora-load-") as tmp:
        image = args.image or build_image(args.template, args.ref, Path(tmp))
        runs = [
            run for mode in args.modes for run in measure(image, mode, args.sessions, args.calls)
        ]
    print(table(runs))
    missed = goals_missed(runs)
    for problem in missed:
        print(f"goal missed: {problem}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    os.environ.setdefault("DOCKER_BUILDKIT", "1")
    sys.exit(main())
