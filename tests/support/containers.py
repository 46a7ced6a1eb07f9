"""Running and watching containers in the Docker tier."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request

import anyio
import pytest
from commands import run
from mcp import Client, StdioServerParameters

# The default MCP project with Docker, whose image the Docker-tier files that need
# nothing else share (conftest's `built`: one build per worker, cache hits after).
MCP_IMAGE_PROJECT = {"project_name": "chora-engine-mcp", "include_docker": True}


def start(docker: str, name: str, image: str, *options: str, command: tuple[str, ...] = ()) -> None:
    """`docker run --detach --name NAME [OPTIONS] IMAGE [COMMAND]`."""
    run([docker, "run", "--detach", "--name", name, *options, image, *command])


def remove(docker: str, *names: str) -> None:
    for name in names:
        subprocess.run([docker, "rm", "--force", name], capture_output=True)


def health(docker: str, container: str) -> str:
    result = run([docker, "inspect", "--format", "{{.State.Health.Status}}", container])
    return result.stdout.strip()


def wait_for_health(docker: str, container: str, wanted: str, timeout: float) -> float:
    """Seconds until the container's health status is `wanted`; fails after timeout."""
    start_time = time.monotonic()
    status = ""
    while time.monotonic() - start_time < timeout:
        status = health(docker, container)
        if status == wanted:
            return time.monotonic() - start_time
        time.sleep(0.5)
    logs = run([docker, "logs", container], check=False)
    pytest.fail(f"{container} not {wanted} after {timeout} s (is {status}): {logs.stderr[-2000:]}")


def published_port(docker: str, container: str, port: int = 8000) -> str:
    return run([docker, "port", container, f"{port}/tcp"]).stdout.strip().rsplit(":", 1)[1]


def run_with_input(docker: str, image: str, *args: str, text: str) -> subprocess.CompletedProcess:
    """`docker run --rm -i IMAGE ARGS` with text on its stdin."""
    return subprocess.run(
        [docker, "run", "--rm", "-i", image, *args],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )


def serves_only_with_its_token(docker: str, container: str, package: str) -> None:
    """A web service's container, healthy and published on 8000: 401 without a
    token, the hello with the one its token command prints, stopped in 3 s."""
    hello = f"http://127.0.0.1:{published_port(docker, container)}/hello/Ada"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(hello, timeout=5)
    assert refused.value.code == 401, "on all interfaces the service needs a token"
    printed = run([docker, "exec", container, "python", "-m", f"{package}.kit.access"])
    request = urllib.request.Request(
        hello, headers={"Authorization": f"Bearer {printed.stdout.strip()}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.load(response) == {"message": "Hello, Ada!"}
    began = time.monotonic()
    run([docker, "stop", container])
    assert time.monotonic() - began < 3


def served_over_stdio(docker: str, image: str, call: str | None = None) -> tuple[set[str], str]:
    """The tools an MCP client lists from `docker run -i IMAGE`, and the text
    the tool `call` (no arguments) answers in the same session ("" without one)."""
    params = StdioServerParameters(command=docker, args=["run", "-i", "--rm", image])

    async def session() -> tuple[set[str], str]:
        async with Client(params) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            if call is None:
                return names, ""
            said = (await client.call_tool(call, {})).content[0]
            return names, getattr(said, "text", "")

    return anyio.run(session)
