#!/usr/bin/env python3
"""What one MCP tool call costs the generated server, the way the cost varies.

Each server runs as a process pinned to one core (taskset), the load from
this process pinned to another: SESSIONS sessions in parallel, each making
CALLS calls of the `add` tool over streamable HTTP. For each run it reports
the server's CPU time per call (utime + stime of /proc/PID/stat: the stable
figure on a noisy machine), calls per second and the p99 latency. Servers:

  ours       the default MCP server rendered from --ref (this work tree),
             in each HTTP mode (stateful, stateless, JSON answers)
  baseline   the same from --baseline, when it is given
  ours+PKG   ours with more packages installed (--plus uvloop): a lever
             measured before it is taken
  fastmcp    FastMCP (--fastmcp, the latest on the index), the same tool
  bare       a Starlette endpoint answering the same JSON-RPC body: the floor

All four are served by the rendered project's own serving.run (uvicorn, the
same configuration), so a faster HTTP stack lowers the floor too. Clients:

  official   the MCP Python client: protocol 2026-07-28 (plain JSON posts,
             no session), and its mode="legacy" for the handshake era
             (initialize, a session, answers as server-sent events), which
             n8n and clients on older SDKs speak
  light      the same requests from plain httpx2 posts, which cost the
             client little, so the server saturates first

    python -m benchmarks.call_cost                        # this work tree
    python -m benchmarks.call_cost --baseline HEAD~1      # and the commit before
    python -m benchmarks.call_cost --sessions 50 --calls 20 --runs 3
    python -m benchmarks.call_cost --plus uvloop          # uvicorn's faster loop

Figures are the median of --runs runs. Ratios are to ours in the same era
with the same client, in the same mode (the peers: ours in the default
mode). Needs uv, taskset and the default answer's Python where uv
finds it. Exits 1 when a goal is missed: in the default mode with the light
client, server CPU per call at most 0.7x --baseline's in each era and at
most 0.6x FastMCP's in the 2026 era; memory after 200 handshake sessions
within 20% of --baseline's. Exits 2 when a call fails or a server does not
serve.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import anyio
import copier
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from benchmarks.image import REPO, TOKEN, uv_binary

MODES = {
    "stateful": {},
    "stateless": {"MCP_STATELESS_HTTP": "true"},
    "json": {"MCP_JSON_RESPONSE": "true"},
}
ERAS = {"2026": "2026-07-28", "handshake": "2025-11-25"}
CLIENTS = ("official", "light")
PEERS = ("fastmcp", "bare")
SERVER_CORE, CLIENT_CORE = 1, 0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Goals: server CPU per call in the default mode, against the
# baseline in each era and against FastMCP in the 2026 era.
MAX_OF_BASELINE = 0.7
MAX_OF_FASTMCP = 0.6
MAX_MEMORY_GROWTH = 0.2
BURST_SESSIONS = 200

# A Starlette endpoint that answers tools/call add the way the MCP server does,
# served by the project's serving.run. argv: port.
BARE = """
import sys
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from my_project.kit import serving

async def mcp(request):
    message = await request.json()
    arguments = message["params"]["arguments"]
    total = float(arguments["a"]) + float(arguments["b"])
    result = {"content": [{"type": "text", "text": str(total)}],
              "structuredContent": {"result": total}, "isError": False}
    return JSONResponse({"jsonrpc": "2.0", "id": message["id"], "result": result})

routes = [Route("/mcp", mcp, methods=["POST"]), Route("/health", serving.health)]
serving.run(Starlette(routes=routes), "127.0.0.1", int(sys.argv[1]), "INFO", access_log=False)
"""

# FastMCP with the same tool as ours (async def), served by the project's serving.run. argv: port.
FASTMCP = """
import sys
from fastmcp import FastMCP
from starlette.routing import Route
from my_project.kit import serving

peer = FastMCP("peer")

@peer.tool
async def add(a: float, b: float) -> float:
    "Add two numbers."
    return a + b

app = peer.http_app(path="/mcp")
app.router.routes.append(Route("/health", serving.health))
serving.run(app, "127.0.0.1", int(sys.argv[1]), "INFO", access_log=False)
"""


@dataclass
class Server:
    """A way to start one of the servers measured, and what it speaks. The
    generated server takes its port from MCP_SERVER_PORT, the peers' scripts
    from their argument."""

    name: str
    command: list[str]
    env: dict[str, str]
    modes: tuple[str, ...]
    clients: tuple[str, ...] = CLIENTS
    eras: tuple[str, ...] = tuple(ERAS)


@dataclass
class Run:
    server: str
    mode: str
    era: str
    client: str
    seconds: float
    cpu_s: float
    latencies: list[float]

    @property
    def calls(self) -> int:
        return len(self.latencies)

    @property
    def cpu_ms_per_call(self) -> float:
        return self.cpu_s / self.calls * 1000

    @property
    def calls_per_s(self) -> float:
        return self.calls / self.seconds

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000


def fail(message: str) -> NoReturn:
    """A run that cannot give figures: one line on stderr, exit status 2."""
    print(message, file=sys.stderr)
    raise SystemExit(2)


def uv() -> str:
    found = uv_binary()
    if found is None:
        fail("benchmark: no uv on PATH")
    return found


def install_ours(template: str, ref: str, root: Path) -> Path:
    """The default MCP server rendered at `ref`, locked and installed without its
    dev tools; the folder of its .venv/bin."""
    copier.run_copy(template, root, defaults=True, unsafe=False, quiet=True, vcs_ref=ref)
    subprocess.run([uv(), "--quiet", "lock"], cwd=root, check=True)
    subprocess.run([uv(), "--quiet", "sync", "--frozen", "--no-dev"], cwd=root, check=True)
    return root / ".venv" / "bin"


def pip_install(bin_dir: Path, *requirements: str) -> Path:
    """The requirements installed into the virtualenv of `bin_dir`; `bin_dir`."""
    python = str(bin_dir / "python")
    subprocess.run(
        [uv(), "--quiet", "pip", "install", "--python", python, *requirements], check=True
    )
    return bin_dir


def install_venv(venv: Path, *requirements: str) -> Path:
    """A new virtualenv with the requirements; the folder of its bin."""
    subprocess.run([uv(), "--quiet", "venv", str(venv)], check=True)
    return pip_install(venv / "bin", *requirements)


def ours_server(name: str, bin_dir: Path, modes: tuple[str, ...]) -> Server:
    """A rendered MCP server, from the folder of its .venv/bin, over streamable HTTP."""
    env = {"MCP_TRANSPORT": "streamable-http", "MCP_AUTH_TOKEN": TOKEN}
    return Server(name, [str(bin_dir / "my-project")], env, modes)


def pin_load_to_client_core() -> None:
    """This process (the load) on CLIENT_CORE; the servers go to SERVER_CORE by taskset."""
    if shutil.which("taskset") is None:
        fail("benchmark: no taskset (util-linux)")
    os.sched_setaffinity(0, {CLIENT_CORE})


def installed_version(bin_dir: Path, distribution: str) -> str:
    code = f"from importlib.metadata import version; print(version({distribution!r}))"
    return subprocess.run(
        [str(bin_dir / "python"), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    # Fields after the command name (which may hold spaces): utime, stime are 14, 15.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    return int(next(line.split()[1] for line in status if line.startswith("VmRSS:"))) / 1024


@contextmanager
def started(server: Server, mode: str) -> Iterator[tuple[str, int]]:
    """A server process on a free port, pinned to SERVER_CORE: its URL and pid."""
    port = free_port()
    env = {**os.environ, **server.env, **MODES[mode], "MCP_SERVER_PORT": str(port)}
    command = [*server.command, str(port)] if server.name in PEERS else server.command
    url = f"http://127.0.0.1:{port}/mcp"
    # Its log to a file: a pipe nobody reads would stop the server once full.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            ["taskset", "--cpu-list", str(SERVER_CORE), *command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            began = time.monotonic()
            while not serving(url):
                if process.poll() is not None:
                    log.seek(0)
                    fail(f"benchmark: {server.name} exited:\n{log.read()[-2000:]}")
                if time.monotonic() - began > 60:
                    fail(f"benchmark: {server.name} not serving after 60 s")
                time.sleep(0.1)
            yield url, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def serving(url: str) -> bool:
    try:
        return httpx2.get(url.replace("/mcp", "/health"), timeout=2).status_code == 200
    except httpx2.HTTPError:
        return False


Session = Callable[[str, str, int, list[float]], Awaitable[None]]
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def expected(number: int) -> str:
    return f"{number + 1:.1f}"


async def official_session(url: str, era: str, calls: int, latencies: list[float]) -> None:
    mode = "legacy" if era == "handshake" else ERAS[era]
    async with (
        httpx2.AsyncClient(headers=HEADERS, timeout=60) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,
    ):
        for number in range(calls):
            began = time.perf_counter()
            result = await client.call_tool("add", {"a": number, "b": 1})
            latencies.append(time.perf_counter() - began)
            if result.is_error or result.content[0].text != expected(number):
                raise RuntimeError(f"call {number}: {result.content}")


def answer_of(response: httpx2.Response) -> dict:
    """The JSON-RPC answer of a successful post."""
    response.raise_for_status()
    return message_of(response)


def message_of(response: httpx2.Response) -> dict:
    """The JSON-RPC message of a response: the body, or the server-sent event that holds it."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = [line[5:] for line in response.text.splitlines() if line.startswith("data:")]
        return dict(json.loads(data[-1]))
    return dict(response.json())


async def light_session(url: str, era: str, calls: int, latencies: list[float]) -> None:
    version = ERAS[era]
    headers = {
        **HEADERS,
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
    }
    meta: dict = {}
    async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
        if era == "handshake":
            hello = {"protocolVersion": version, "capabilities": {}}
            hello["clientInfo"] = {"name": "benchmark", "version": "1"}
            opened = await http.post(url, json=rpc(0, "initialize", hello))
            answer_of(opened)
            session = opened.headers.get("mcp-session-id")  # none when stateless
            if session:
                http.headers["Mcp-Session-Id"] = session
            http.headers["MCP-Protocol-Version"] = version
            await http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
        else:
            http.headers |= {"MCP-Protocol-Version": version, "Mcp-Method": "tools/call"}
            http.headers["Mcp-Name"] = "add"
            meta = {
                "_meta": {
                    "io.modelcontextprotocol/protocolVersion": version,
                    "io.modelcontextprotocol/clientInfo": {"name": "benchmark", "version": "1"},
                    "io.modelcontextprotocol/clientCapabilities": {},
                }
            }
        for number in range(calls):
            params = {"name": "add", "arguments": {"a": number, "b": 1}, **meta}
            began = time.perf_counter()
            answer = answer_of(await http.post(url, json=rpc(number + 1, "tools/call", params)))
            latencies.append(time.perf_counter() - began)
            result = answer.get("result") or {}
            if result.get("isError") or result["content"][0]["text"] != expected(number):
                raise RuntimeError(f"call {number}: {answer}")
        if "Mcp-Session-Id" in http.headers:
            await http.delete(url)


def rpc(number: int | str, method: str, params: dict) -> dict:
    return {"jsonrpc": "2.0", "id": number, "method": method, "params": params}


SESSIONS: dict[str, Session] = {"official": official_session, "light": light_session}


def load(url: str, client: str, era: str, sessions: int, calls: int) -> tuple[float, list[float]]:
    latencies: list[float] = []

    async def all_sessions() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(sessions):
                group.start_soon(SESSIONS[client], url, era, calls, latencies)

    began = time.perf_counter()
    try:
        anyio.run(all_sessions)
    except Exception as exc:  # a failed call makes every figure of the run meaningless
        while isinstance(exc, ExceptionGroup):  # the first session's failure tells
            exc = exc.exceptions[0]
        fail(f"benchmark: {client} client, {era} era, {url}: {exc!r}")
    return time.perf_counter() - began, latencies


def measure(
    servers: list[Server], sessions: int, calls: int, runs: int
) -> tuple[list[Run], dict[str, float]]:
    """Each run of each server, mode, era and client; and, for each server's
    first mode, its resident memory after a burst of BURST_SESSIONS handshake
    sessions. Every server runs from the start, idle but for the one under
    load, and each run takes them all in turn: this machine's speed drifts
    (the same server took 1.54 ms a call one day, 0.83 ms the next), and so
    moves them all alike."""
    measured: list[Run] = []
    burst_mb: dict[str, float] = {}
    with ExitStack() as stack:
        live = [
            (server, mode, *stack.enter_context(started(server, mode)))
            for server in servers
            for mode in server.modes
        ]
        cases = [
            (server, mode, url, pid, era, client)
            for server, mode, url, pid in live
            for era in server.eras
            for client in server.clients
        ]
        for _server, _mode, url, _pid, era, client in cases:
            load(url, client, era, 2, 5)  # warm up: imports, first calls
        for _ in range(runs):
            for server, mode, url, pid, era, client in cases:
                before = cpu_seconds(pid)
                seconds, latencies = load(url, client, era, sessions, calls)
                cpu = cpu_seconds(pid) - before
                measured.append(Run(server.name, mode, era, client, seconds, cpu, latencies))
        for server, mode, url, pid in live:
            if mode == server.modes[0] and "handshake" in server.eras:
                load(url, "light", "handshake", BURST_SESSIONS, 5)
                time.sleep(1)  # let finished sessions be released
                burst_mb[server.name] = resident_mb(pid)
    return measured, burst_mb


def medians(runs: list[Run]) -> dict[tuple[str, str, str, str], Run]:
    """One Run per server, mode, era and client: the median run by server CPU per call."""
    grouped: dict[tuple[str, str, str, str], list[Run]] = {}
    for run in runs:
        grouped.setdefault((run.server, run.mode, run.era, run.client), []).append(run)
    picked = {}
    for key, group in grouped.items():
        ordered = sorted(group, key=lambda r: r.cpu_ms_per_call)
        picked[key] = ordered[len(ordered) // 2]
    return picked


def table(rows: dict[tuple[str, str, str, str], Run]) -> str:
    lines = [
        "| server | mode | era | client | server CPU per call | vs ours | calls/s | vs ours "
        "| p99 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for (server, mode, era, client), r in rows.items():
        # The peers beside ours at its defaults.
        ours = rows.get(("ours", "stateful" if server in PEERS else mode, era, client))
        # A short run may measure no clock tick of CPU at all: no ratio then.
        cpu_ratio = (
            f"{r.cpu_s / ours.cpu_s * ours.calls / r.calls:.2f}x" if ours and ours.cpu_s else "n/a"
        )
        rate_ratio = f"{r.calls_per_s / ours.calls_per_s:.2f}x" if ours else "n/a"
        lines.append(
            f"| {server} | {mode} | {era} | {client} | {r.cpu_ms_per_call:.2f} ms | {cpu_ratio} "
            f"| {r.calls_per_s:.0f} | {rate_ratio} | {r.p99_ms:.0f} ms |"
        )
    return "\n".join(lines)


def goals_missed(
    rows: dict[tuple[str, str, str, str], Run], burst: dict[str, float], baseline: bool
) -> list[str]:
    missed = []

    def cpu(server: str, era: str) -> float | None:
        run = rows.get((server, "stateful", era, "light"))
        return run.cpu_ms_per_call if run else None

    for era in ERAS:
        ours, before = cpu("ours", era), cpu("baseline", era)
        if baseline and ours and before and ours > MAX_OF_BASELINE * before:
            missed.append(
                f"{era} era: {ours:.2f} ms of server CPU per call is {ours / before:.2f}x "
                f"the baseline's {before:.2f} ms (goal: at most {MAX_OF_BASELINE}x)"
            )
    ours, peer = cpu("ours", "2026"), cpu("fastmcp", "2026")
    if ours and peer and ours > MAX_OF_FASTMCP * peer:
        missed.append(
            f"2026 era: {ours:.2f} ms of server CPU per call is {ours / peer:.2f}x "
            f"FastMCP's {peer:.2f} ms (goal: at most {MAX_OF_FASTMCP}x)"
        )
    if baseline and burst.get("baseline") and burst.get("ours"):
        growth = burst["ours"] / burst["baseline"] - 1
        if abs(growth) > MAX_MEMORY_GROWTH:
            missed.append(
                f"memory after {BURST_SESSIONS} sessions: {burst['ours']:.0f} MB, "
                f"{growth:+.0%} on the baseline's {burst['baseline']:.0f} MB "
                f"(goal: within {MAX_MEMORY_GROWTH:.0%})"
            )
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default=str(REPO), help="template path or URL")
    parser.add_argument("--ref", default="HEAD", help="git ref of the template to measure")
    parser.add_argument("--baseline", help="another ref of the template, measured beside it")
    parser.add_argument("--plus", nargs="+", help="packages for an ours+PKG server beside ours")
    parser.add_argument("--fastmcp", help="FastMCP version (default: the latest)")
    parser.add_argument("--sessions", type=int, default=50, help="sessions in parallel")
    parser.add_argument("--calls", type=int, default=20, help="tool calls per session")
    parser.add_argument("--runs", type=int, default=3, help="runs per row; the median is shown")
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--peers", nargs="*", choices=PEERS, default=list(PEERS))
    args = parser.parse_args()
    pin_load_to_client_core()
    modes = tuple(args.modes)
    with tempfile.TemporaryDirectory(prefix="chora-call-cost-") as tmp:
        work = Path(tmp)
        servers = []
        if args.baseline:
            bin_dir = install_ours(args.template, args.baseline, work / "baseline")
            servers.append(ours_server("baseline", bin_dir, modes))
        ours_bin = install_ours(args.template, args.ref, work / "ours")
        servers.append(ours_server("ours", ours_bin, modes))
        if args.plus:
            plus_bin = pip_install(install_ours(args.template, args.ref, work / "plus"), *args.plus)
            servers.append(ours_server("ours+" + "+".join(args.plus), plus_bin, modes))
        # The peers run the project's serving.run: its source on their path.
        source = {"PYTHONPATH": str(work / "ours" / "src")}
        versions = [f"mcp {installed_version(ours_bin, 'mcp')}"]
        if "fastmcp" in args.peers:
            # The latest, unless a version is given.
            requirement = f"fastmcp=={args.fastmcp}" if args.fastmcp else "fastmcp"
            peer_bin = install_venv(work / "fastmcp-venv", requirement)
            versions.append(f"fastmcp {installed_version(peer_bin, 'fastmcp')}")
            script = work / "fastmcp_server.py"
            script.write_text(FASTMCP)
            servers.append(
                Server("fastmcp", [str(peer_bin / "python"), str(script)], source, ("stateful",))
            )
        if "bare" in args.peers:
            script = work / "bare_server.py"
            script.write_text(BARE)
            command = [str(ours_bin / "python"), str(script)]
            servers.append(Server("bare", command, source, ("stateful",), ("light",), ("2026",)))
        versions.append(f"uvicorn {installed_version(ours_bin, 'uvicorn')}")
        runs, burst = measure(servers, args.sessions, args.calls, args.runs)
    rows = medians(runs)
    print(
        f"{args.sessions} sessions x {args.calls} calls, median of {args.runs}; "
        + ", ".join(versions)
    )
    print(table(rows))
    for name, mb in burst.items():
        print(f"{name}: {mb:.0f} MB resident after {BURST_SESSIONS} handshake sessions")
    missed = goals_missed(rows, burst, bool(args.baseline))
    for problem in missed:
        print(f"goal missed: {problem}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
