"""Docker tier: the MCP server as several replicas behind one service name
(compose --scale, as a Kubernetes Service spreads requests over pods).

With MCP_STATELESS_HTTP=true, which the Helm chart sets whenever more than
one pod may serve, a client that opens a new connection for every request
gets every call answered, in both protocol eras. In stateful mode a
handshake-era client's session lives in one replica, so its requests fail
where they land elsewhere: docs/kubernetes.md gives the numbers, and this
test records them without asserting them, since a newer SDK may change them.
"""

from __future__ import annotations

import pytest
from commands import copy_of, docker_env, run, tool

NAME = "chora-scale"
REPLICAS = 3
CALLS = 100
TOKEN = "scale-test-token-0123456789abcdef"
# Compose publishes the server's port on the host, which only one replica can
# take; replicas are reached on the stack's network instead.
NO_PORTS = f"services:\n  {NAME}:\n    ports: !reset []\n"
# In a second container on the stack's network: CALLS sessions, one call each,
# no keep-alive, so every HTTP request resolves the service name again and may
# land on any replica. Prints how many calls succeeded and failed.
CLIENT = """
import sys, anyio, httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

async def call(url, token, mode):
    limits = httpx2.Limits(max_keepalive_connections=0)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(headers=headers, limits=limits) as http:
        async with Client(streamable_http_client(url, http_client=http), mode=mode) as client:
            result = await client.call_tool("add", {"a": 1, "b": 2})
            return result.content[0].text == "3.0"

async def main(url, token, mode, calls):
    ok = failed = 0
    for _ in range(int(calls)):
        try:
            ok += await call(url, token, mode)
        except Exception:
            failed += 1
    print(ok, failed)

anyio.run(main, *sys.argv[1:])
"""


@pytest.fixture(scope="module")
def project(render, tmp_path_factory, docker):
    root = copy_of(
        render(project_name=NAME, include_docker=True, include_kubernetes=True),
        tmp_path_factory.mktemp("scale"),
    )
    (root / "scale.yml").write_text(NO_PORTS, encoding="utf-8")
    run([tool("just"), "docker-build"], cwd=root, env=docker_env(docker), timeout=900)
    yield root
    compose(root, docker, "down", "--volumes", "--timeout", "5", check=False)


def compose(root, docker, *args: str, check: bool = True):
    command = [tool("docker-compose"), "-f", "docker-compose.yml", "-f", "scale.yml", *args]
    return run(command, cwd=root, env=docker_env(docker), check=check, timeout=300)


def replicas(root, docker, stateless: bool) -> None:
    # The access log on: it tells which replica answered (`served`).
    settings = [f"MCP_AUTH_TOKEN={TOKEN}", f"MCP_STATELESS_HTTP={str(stateless).lower()}"]
    (root / ".env").write_text("\n".join([*settings, "MCP_ACCESS_LOG=true", ""]), encoding="utf-8")
    compose(root, docker, "up", "--detach", "--wait", "--scale", f"{NAME}={REPLICAS}")


def calls(docker, mode: str) -> tuple[int, int]:
    """(succeeded, failed) of CALLS calls, each on new connections."""
    result = run(
        [docker, "run", "--rm", "--network", f"{NAME}-network", "--entrypoint", "python"]
        + [f"{NAME}:latest", "-c", CLIENT, f"http://{NAME}:8000/mcp", TOKEN, mode, str(CALLS)],
        timeout=600,
    )
    succeeded, failed = result.stdout.split()
    return int(succeeded), int(failed)


def served(root, docker) -> list[int]:
    """How many MCP requests each replica answered, by its access log."""
    counts = []
    for container in compose(root, docker, "ps", "--quiet", NAME).stdout.split():
        logs = run([docker, "logs", container])
        counts.append((logs.stdout + logs.stderr).count("POST /mcp"))
    return counts


def test_stateless_replicas_answer_every_call_whichever_replica_gets_it(project, docker):
    replicas(project, docker, stateless=True)
    assert calls(docker, "auto") == (CALLS, 0)
    assert calls(docker, "legacy") == (CALLS, 0), "handshake-era sessions, stateless"
    counts = served(project, docker)
    assert len(counts) == REPLICAS and all(counts), f"requests per replica: {counts}"


def test_stateful_replicas_show_why_the_chart_makes_them_stateless(project, docker, capsys):
    replicas(project, docker, stateless=False)
    modern, handshake = calls(docker, "auto"), calls(docker, "legacy")
    with capsys.disabled():
        print(
            f"\nstateful x{REPLICAS}: 2026-07-28 {modern}, handshake era {handshake} (ok, failed)"
        )
    # Every call was made and counted; how many failed is the SDK's to change.
    assert sum(modern) == CALLS and sum(handshake) == CALLS
