"""The session limit under concurrency, against the real server process.

For each concurrency C, a default MCP server (MCP_MAX_SESSIONS=20) is filled
with 20 idle handshake-era sessions, then 200 more clients open one each, C at
a time. It counts the refusals by their JSON-RPC error code, and the sessions
open at the end: 20 + admitted - closed, where `closed` counts the server's
log lines for the idle sessions it closed to make room (no session ends any
other way here: no client closes one, and the idle timeout is an hour). Then
one session sends 24 calls at once (MCP_MAX_CONCURRENT_REQUESTS=16): 16
results and 8 errors, each carrying its call's id.

    .venv/bin/python -m benchmarks.sessions

Goals (exit 1 when one is missed): no refusal at any C, never more than 20
open, and 16 + 8 with every refused id matched.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx2

from benchmarks.call_cost import REPO, fail, free_port, install_ours, message_of, rpc, serving

LIMIT = 20
OPENERS = 200
CONCURRENCY = (1, 2, 4, 8, 32)
CALLS_AT_ONCE, IN_FLIGHT = 24, 16
TOKEN = "sessions-benchmark-token"
HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
    "Authorization": f"Bearer {TOKEN}",
}
HANDSHAKE = "2025-06-18"
CLOSED_LINE = "closing the least recently used idle session"


INITIALIZE = rpc(
    1,
    "initialize",
    {"protocolVersion": HANDSHAKE, "capabilities": {}, "clientInfo": {"name": "b", "version": "1"}},
)


def code_of(answer: dict) -> int | None:
    """The JSON-RPC error code of an answer; None for a result or another body."""
    error = answer.get("error")
    return error.get("code") if isinstance(error, dict) else None


async def open_session(client: httpx2.AsyncClient, url: str) -> tuple[int, dict, str | None]:
    response = await client.post(url, json=INITIALIZE, headers=HEADERS)
    return response.status_code, message_of(response), response.headers.get("mcp-session-id")


async def fill_and_open(url: str, concurrency: int) -> tuple[Counter[str], int]:
    """Refusals by code, and how many sessions were admitted after the fill."""
    refusals: Counter[str] = Counter()
    admitted = 0
    slots = asyncio.Semaphore(concurrency)
    limits = httpx2.Limits(max_connections=concurrency + 1)
    async with httpx2.AsyncClient(timeout=30, limits=limits) as client:
        for _ in range(LIMIT):
            status, answer, session = await open_session(client, url)
            if status != 200 or session is None:
                fail(f"benchmark: the fill got {status}: {answer}")

        async def opener() -> None:
            nonlocal admitted
            async with slots:
                status, answer, _ = await open_session(client, url)
            if status == 200:
                admitted += 1
            else:
                refusals[f"{status} {code_of(answer)}"] += 1

        await asyncio.gather(*(opener() for _ in range(OPENERS)))
    return refusals, admitted


async def calls_at_once(url: str) -> tuple[int, list[str], list[str]]:
    """One session, CALLS_AT_ONCE calls of `count` at once: the results, and
    the ids sent and received back on the refusals."""
    async with httpx2.AsyncClient(timeout=60) as client:
        _, _, session = await open_session(client, url)
        headers = {**HEADERS, "Mcp-Session-Id": str(session), "Mcp-Protocol-Version": HANDSHAKE}
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        await client.post(url, json=initialized, headers=headers)
        arguments = {"steps": 4, "interval_seconds": 0.5}  # 2 s: all 24 are in flight at once

        async def call(number: int) -> dict:
            body = rpc(f"call-{number}", "tools/call", {"name": "count", "arguments": arguments})
            return message_of(await client.post(url, json=body, headers=headers))

        answers = await asyncio.gather(*(call(n) for n in range(CALLS_AT_ONCE)))
    results = sum("result" in answer for answer in answers)
    refused = [a.get("id") for a in answers if code_of(a) == -32001]
    sent = [f"call-{n}" for n in range(CALLS_AT_ONCE)]
    results_ids = [a["id"] for a in answers if "result" in a]
    return results, refused, sorted(set(sent) - set(results_ids))


def run_server(bin_dir: Path, log: Path, port: int, **settings: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "MCP_TRANSPORT": "streamable-http",
        "MCP_SERVER_PORT": str(port),
        "MCP_AUTH_TOKEN": TOKEN,
        "MCP_SESSION_IDLE_TIMEOUT": "3600",
        **settings,
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(bin_dir / "my-project")], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/mcp"
    began = time.monotonic()
    while not serving(url):
        if process.poll() is not None or time.monotonic() - began > 60:
            process.kill()
            fail(f"benchmark: the server did not serve:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default=str(REPO), help="template path or URL")
    parser.add_argument("--ref", default="HEAD", help="git ref of the template to measure")
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(CONCURRENCY))
    args = parser.parse_args()
    missed = []
    with tempfile.TemporaryDirectory(prefix="chora-sessions-") as tmp:
        work = Path(tmp)
        bin_dir = install_ours(args.template, args.ref, work / "ours")
        print(f"MCP_MAX_SESSIONS={LIMIT}, filled with idle sessions, then {OPENERS} openers")
        print("  C  admitted  refused (HTTP status, JSON-RPC code)  closed  open at the end")
        for concurrency in args.concurrency:
            log, port = work / f"server-{concurrency}.log", free_port()
            process = run_server(bin_dir, log, port, MCP_MAX_SESSIONS=str(LIMIT))
            try:
                url = f"http://127.0.0.1:{port}/mcp"
                refusals, admitted = asyncio.run(fill_and_open(url, concurrency))
            finally:
                stop(process)
            closed = log.read_text().count(CLOSED_LINE)
            still_open = LIMIT + admitted - closed
            refused = ", ".join(f"{n} x {kind}" for kind, n in refusals.items()) or "none"
            print(f"{concurrency:3d}  {admitted:8d}  {refused:37s}  {closed:6d}  {still_open:15d}")
            if refusals:
                missed.append(f"C={concurrency}: {sum(refusals.values())} refused")
            if still_open > LIMIT:
                missed.append(f"C={concurrency}: {still_open} open, over {LIMIT}")
        log, port = work / "server-calls.log", free_port()
        process = run_server(bin_dir, log, port, MCP_MAX_CONCURRENT_REQUESTS=str(IN_FLIGHT))
        try:
            results, refused_ids, not_served = asyncio.run(
                calls_at_once(f"http://127.0.0.1:{port}/mcp")
            )
        finally:
            stop(process)
    print(
        f"{CALLS_AT_ONCE} calls at once in one session (at most {IN_FLIGHT}): {results} results, "
        f"{len(refused_ids)} JSON-RPC errors -32001, their ids "
        + ("those of the calls not served" if sorted(refused_ids) == not_served else "MISMATCHED")
    )
    if (results, len(refused_ids)) != (IN_FLIGHT, CALLS_AT_ONCE - IN_FLIGHT):
        missed.append(f"{results} results and {len(refused_ids)} refusals")
    if sorted(refused_ids) != not_served:
        missed.append("a refusal's id is not the id of a call that was refused")
    for problem in missed:
        print(f"goal missed: {problem}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
