"""Docker tier: the MCP server's image under load and faults, hardened as
docker-compose.yml runs it.

Load: 50 concurrent sessions x 20 tool calls, with no error, and resident
memory after the run within 20 MB of before (benchmarks/load.py's
own load, so what the benchmark reports is what is tested here). Faults: a
server killed with SIGKILL comes back by its restart policy, healthy, with
its data and its token; a frozen one is reported unhealthy.
"""

from __future__ import annotations

import json
import time

import pytest
from commands import run
from containers import MCP_IMAGE_PROJECT, published_port, remove, start, wait_for_health

from benchmarks.load import HARDENED, MAX_MEMORY_GROWTH_MB, TOKEN, load, resident_mb

NAME = "chora-engine-load"
SERVING = ("--env", "MCP_TRANSPORT=streamable-http", "--env", f"MCP_AUTH_TOKEN={TOKEN}")
# How long kit/healthcheck.py waits for a server to answer (check()'s timeout).
CHECK_WAITS = 2


@pytest.fixture(scope="module")
def image(built) -> str:
    built(**MCP_IMAGE_PROJECT)
    return f"{MCP_IMAGE_PROJECT['project_name']}:latest"


@pytest.fixture
def server(image, docker):
    """A hardened container serving over HTTP, restarted by Docker if it dies."""
    name = f"{NAME}-server"
    remove(docker, name)
    options = ["--publish", "127.0.0.1::8000", "--restart", "unless-stopped", *HARDENED]
    start(docker, name, image, *options, *SERVING)
    wait_for_health(docker, name, "healthy", timeout=30)
    yield name
    remove(docker, name)


def test_fifty_sessions_of_twenty_calls_without_error_or_growth(server, docker):
    url = f"http://127.0.0.1:{published_port(docker, server)}/mcp"
    load(url, 1, 5)  # warm up, as the benchmark does
    before = resident_mb(server)
    _, latencies, errors = load(url, 50, 20)
    time.sleep(1)
    after = resident_mb(server)
    assert errors == []
    assert len(latencies) == 50 * 20
    assert after - before <= MAX_MEMORY_GROWTH_MB, f"{before:.0f} MB before, {after:.0f} MB after"


def state(docker: str, name: str) -> dict:
    return json.loads(run([docker, "inspect", name]).stdout)[0]["State"]


def test_a_killed_server_comes_back_healthy_with_its_data(server, docker):
    run([docker, "exec", server, "sh", "-c", "echo kept > /app/data/kept.txt"])
    pid = state(docker, server)["Pid"]
    run(["kill", "-KILL", str(pid)])
    began = time.monotonic()
    while state(docker, server)["Pid"] in (pid, 0) and time.monotonic() - began < 15:
        time.sleep(0.1)
    assert state(docker, server)["Pid"] not in (pid, 0), "no restart after SIGKILL"
    wait_for_health(docker, server, "healthy", timeout=15 - (time.monotonic() - began))
    assert run([docker, "exec", server, "cat", "/app/data/kept.txt"]).stdout.strip() == "kept"


def test_a_frozen_server_is_reported_unhealthy(server, docker):
    """SIGSTOP: the port still accepts connections, nothing answers. The
    image's retries of failed checks (each waits up to the check's own 2 s for
    an answer, then the interval) turn the container unhealthy."""
    health = run([docker, "inspect", "--format", "{{json .Config.Healthcheck}}", server])
    config = json.loads(health.stdout)
    interval, retries = config["Interval"] / 1e9, config["Retries"]
    bound = retries * (interval + CHECK_WAITS) + interval
    pid = state(docker, server)["Pid"]
    run(["kill", "-STOP", str(pid)])
    try:
        took = wait_for_health(docker, server, "unhealthy", timeout=bound + 10)
    finally:
        run(["kill", "-CONT", str(pid)])
    assert took <= bound
    wait_for_health(docker, server, "healthy", timeout=3 * interval)
