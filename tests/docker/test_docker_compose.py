"""Docker tier: the generated compose stack, run as a user runs it.

The image is built first (`just docker-build`, BuildKit); then compose only
starts it. Skips without a Docker engine, except in CI.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from commands import copy_of, docker_env, run, tool, until
from example_server import TOOLS
from n8n import N8n, shipped_with_credential, tool_results, workflow_against
from questions import effective

NAME = "chora-stack"
NETWORK = f"{NAME}-network"
# An MCP client that runs in a second container on the stack's network, with
# the bearer token `just mcp-token` prints.
CLIENT = """
import sys, anyio, httpx2
from mcp import Client
from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

async def session(client):
    tools = await client.list_tools()
    greeting = await client.call_tool("greet", {"name": "compose"})
    print(",".join(sorted(t.name for t in tools.tools)), greeting.content[0].text, sep="|")

async def main(url, transport, token):
    headers = {"Authorization": f"Bearer {token}"}
    if transport == "sse":
        async with sse_client(url, headers=headers) as (read, write):
            async with ClientSession(read, write) as client:
                await client.initialize()
                await session(client)
    else:
        async with httpx2.AsyncClient(headers=headers) as http:
            async with Client(streamable_http_client(url, http_client=http)) as client:
                await session(client)

anyio.run(main, *sys.argv[1:])
"""
# Stands where n8n stands (n8n's image cannot be pulled here): same
# depends_on, network and MCP_ENDPOINT_URL; it lists the tools once, then
# waits. It reads the generated token from the data volume, where n8n would
# keep it in its credentials.
N8N_STANDIN = """
services:
  n8n:
    image: chora-stack:latest
    entrypoint: ["python", "-c"]
    command:
      - |
        import os, time, anyio, httpx2
        from mcp import Client
        from mcp.client.streamable_http import streamable_http_client
        async def probe():
            token = open("/app/data/mcp-token").read().strip()
            async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
                url = os.environ["MCP_ENDPOINT_URL"]
                async with Client(streamable_http_client(url, http_client=http)) as client:
                    tools = await client.list_tools()
            print("n8n-standin reached", os.environ["MCP_ENDPOINT_URL"],
                  sorted(t.name for t in tools.tools), flush=True)
        anyio.run(probe)
        open("/tmp/ready", "w").close()
        time.sleep(3600)
    healthcheck:
      test: ["CMD", "python", "-c", "import os; os.stat('/tmp/ready')"]
      interval: 1s
      start_period: 30s
    volumes: !override
      - data:/app/data:ro
"""


class Stack:
    def __init__(self, root: Path, docker: str):
        self.root = root
        self.docker = docker
        self.env = docker_env(docker)
        self.compose = [tool("docker-compose")]

    def __call__(self, *args: str, check: bool = True, timeout: float = 300):
        return run(
            [*self.compose, *args], cwd=self.root, env=self.env, check=check, timeout=timeout
        )

    def client(
        self, transport: str = "streamable-http", token: str | None = None
    ) -> tuple[list[str], str]:
        path = "sse" if transport == "sse" else "mcp"
        result = run(
            [
                self.docker,
                "run",
                "--rm",
                "--network",
                NETWORK,
                "--entrypoint",
                "python",
                f"{NAME}:latest",
                "-c",
                CLIENT,
                f"http://{NAME}:8000/{path}",
                transport,
                token or self.token(),
            ],
            timeout=120,
        )
        tools, greeting = result.stdout.strip().splitlines()[-1].split("|")
        return tools.split(","), greeting

    def token(self) -> str:
        """The bearer token the server accepts, as `just mcp-token` prints it."""
        return self.just("mcp-token").stdout.strip()

    def just(self, *recipe: str):
        """A justfile recipe, with COMPOSE naming the Compose CLI installed here."""
        env = {**self.env, "COMPOSE": self.compose[0]}
        return run([tool("just"), *recipe], cwd=self.root, env=env, timeout=600)

    def volumes(self) -> set[str]:
        listed = run([self.docker, "volume", "ls", "--quiet", "--filter", f"name={NAME}-"])
        return set(listed.stdout.split())

    def exec(self, *command: str, check: bool = True):
        return self("exec", "-T", NAME, *command, check=check)

    def container(self, service: str, *profile: str) -> dict:
        ids = self(*profile, "ps", "--all", "--quiet", service).stdout.split()
        assert ids, f"no container for {service}"
        return json.loads(run([self.docker, "inspect", ids[0]]).stdout)[0]


@pytest.fixture(scope="module")
def stack(render, tmp_path_factory, docker):
    root = copy_of(render(project_name=NAME, include_docker=True), tmp_path_factory.mktemp("stack"))
    run([tool("just"), "docker-build"], cwd=root, env=docker_env(docker), timeout=900)
    stack = Stack(root, docker)
    yield stack
    stack("--profile", "*", "down", "--volumes", "--remove-orphans", "--timeout", "5", check=False)


def up(stack: Stack, *args: str):
    return stack(*args, "up", "--detach", "--wait", "--wait-timeout", "90")


def test_up_without_env_is_healthy_hardened_and_serves_by_service_name(stack):
    assert not (stack.root / ".env").exists()
    stack.just("docker-compose-up")
    container = stack.container(NAME)
    assert container["State"]["Health"]["Status"] == "healthy"
    host = container["HostConfig"]
    assert host["ReadonlyRootfs"] is True and host["CapDrop"] == ["ALL"]
    assert "no-new-privileges:true" in host["SecurityOpt"]
    assert host["PidsLimit"] == 128 and host["Memory"] == 512 * 1024 * 1024
    assert host["LogConfig"] == {
        "Type": "json-file",
        "Config": {"max-file": "3", "max-size": "10m"},
    }
    assert [b["HostIp"] for b in host["PortBindings"]["8000/tcp"]] == ["127.0.0.1"]
    tools, greeting = stack.client()
    assert tools == TOOLS
    assert greeting == "Hello, compose!"
    without_token = "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/mcp', b'{}')"
    refused = stack.exec("python", "-c", without_token, check=False)
    assert "HTTP Error 401" in refused.stderr


def started_at(stack) -> str:
    started: str = stack.container(NAME)["State"]["StartedAt"]
    return started


def greeting_becomes(stack, wanted: str, timeout: float = 20) -> None:
    until(
        lambda: True if stack.client()[1] == wanted else None,
        timeout,
        lambda: f"still {stack.client()[1]!r}",
        interval=0.5,
    )


def test_config_tier_is_read_only_and_applies_without_a_restart(stack):
    """Edited on the host, the settings file is served by the running
    container (reload.py), which is not restarted."""
    up(stack)
    refused = stack.exec("touch", "/app/config/new-file", check=False)
    assert refused.returncode != 0 and "Read-only file system" in refused.stderr
    settings = stack.root / "config" / "settings.toml"
    original = settings.read_text()
    before = started_at(stack)
    settings.write_text(original.replace('greeting = "Hello"', 'greeting = "Howdy"'))
    try:
        greeting_becomes(stack, "Howdy, compose!")
        assert started_at(stack) == before, "the container restarted"
        logs = stack("logs", NAME).stdout
        assert "reloaded: greeting" in logs
    finally:
        settings.write_text(original)
        greeting_becomes(stack, "Hello, compose!")


def test_ephemeral_survives_restart_and_persistent_survives_down(stack):
    up(stack)
    stack.exec("sh", "-c", "echo session > /app/ephemeral/session.txt")
    stack.exec("sh", "-c", "echo kept > /app/data/kept.txt")
    stack("restart")
    up(stack)
    assert stack.exec("cat", "/app/ephemeral/session.txt").stdout.strip() == "session"
    token = stack.token()
    stack("down", "--timeout", "5")
    up(stack)
    assert stack.exec("cat", "/app/data/kept.txt").stdout.strip() == "kept"
    assert stack.token() == token, "the generated token lives in the persistent tier"
    log = stack.exec("cat", "/app/data/logs/server.log").stdout
    assert "starting (streamable-http)" in log, "the server logs to the persistent tier"


def test_n8n_position_waits_for_healthy_server_and_reaches_it(stack):
    (stack.root / "n8n-standin.yml").write_text(N8N_STANDIN)
    files = ["-f", "docker-compose.yml", "-f", "n8n-standin.yml"]
    stack(*files, "--profile", "n8n", "down", "--timeout", "5")
    up(stack, *files, "--profile", "n8n")
    server = stack.container(NAME)
    standin = stack(*files, "--profile", "n8n", "ps", "--quiet", "n8n").stdout.split()[0]
    standin_state = json.loads(run([stack.docker, "inspect", standin]).stdout)[0]["State"]
    first_healthy = min(
        entry["End"] for entry in server["State"]["Health"]["Log"] if entry["ExitCode"] == 0
    )
    # RFC 3339 stamps of one clock: compare the seconds part as text.
    assert standin_state["StartedAt"][:19] >= first_healthy[:19]
    logs = run([stack.docker, "logs", standin]).stdout
    assert f"n8n-standin reached http://{NAME}:8000/mcp {TOOLS}" in logs
    stack(*files, "--profile", "n8n", "down", "--timeout", "5")


def test_a_real_n8n_calls_the_stack_with_its_generated_token(stack, tmp_path):
    """n8n itself (the image cannot be pulled here: from npm, on the host, at the
    version compose pins) runs the shipped workflow against the published port."""
    up(stack)
    token = stack.token()
    shipped, credential = shipped_with_credential(stack.root, token, "127.0.0.1")
    client = N8n(tmp_path / "n8n-home")
    client.load("credentials", [credential])
    url = "http://127.0.0.1:8000/mcp"
    client.load("workflow", [workflow_against(shipped, "stack", url, "httpStreamable")])
    execution = client.execute("stack")
    assert execution.succeeded, f"exit {execution.status}: " + execution.output[-3000:]
    results = tool_results(execution)
    assert results["add"] == 5 and str(results["greet"]).endswith(", n8n!"), results
    assert token not in execution.output, "the token stays in n8n's encrypted credentials"


def test_sse_when_selected(stack):
    (stack.root / ".env").write_text("MCP_TRANSPORT=sse\n")
    try:
        up(stack)
        tools, greeting = stack.client("sse")
        assert tools == TOOLS and greeting == "Hello, compose!"
    finally:
        (stack.root / ".env").unlink()
        up(stack)


def test_down_takes_under_5_s(stack):
    up(stack)
    start = time.monotonic()
    stack("down")
    elapsed = time.monotonic() - start
    assert elapsed < 5, f"docker compose down took {elapsed:.1f} s"


def test_bad_configuration_fails_fast_with_one_line(stack):
    (stack.root / ".env").write_text("MCP_TRANSPORT=bogus\n")
    try:
        start = time.monotonic()
        result = stack("up", "--detach", "--wait", "--wait-timeout", "60", check=False)
        assert result.returncode != 0
        assert time.monotonic() - start < 60, "compose hung on a server that cannot start"
        logs = stack("logs", "--no-log-prefix", NAME).stdout.strip().splitlines()
        assert logs and all("MCP_TRANSPORT must be one of" in line for line in logs)
    finally:
        (stack.root / ".env").unlink()
        stack("down", "--timeout", "5", check=False)


def test_stop_clean_and_clean_all_recipes(stack):
    up(stack)
    assert {f"{NAME}-ephemeral", f"{NAME}-data"} <= stack.volumes()
    logs = stack.just("docker-logs")
    assert "starting" in logs.stdout or "Uvicorn running" in logs.stdout
    stack.just("docker-stop")
    assert stack.container(NAME)["State"]["Running"] is False
    stack.just("docker-clean")
    assert f"{NAME}-ephemeral" not in stack.volumes()
    assert f"{NAME}-data" in stack.volumes(), "docker-clean must keep the persistent tier"
    stack.just("docker-clean-all")
    assert not stack.volumes() & {f"{NAME}-data", f"{NAME}-ephemeral"}
    images = run([stack.docker, "image", "ls", "--quiet", "--filter", f"reference={NAME}"])
    assert images.stdout.strip() == "", "docker-clean-all leaves no project image"


def test_dev_profile_serves_an_edited_tool_without_a_rebuild(stack):
    """`just docker-dev`: the development service serves ./src, hardened like
    the stack, under the stack's name; an edit under src/ is served after
    compose watch restarts it, from the same image."""
    stack("down", "--timeout", "5")
    dev, profile = f"{NAME}-dev", ("--profile", "dev")
    package = effective(project_name=NAME)["package_name"]
    module = stack.root / "src" / package / "examples" / "tools.py"
    original = module.read_text(encoding="utf-8")
    output = stack.root / "docker-dev.log"
    log = output.open("w")
    watch = subprocess.Popen(
        [tool("just"), "docker-dev"],
        cwd=stack.root,
        env={**stack.env, "COMPOSE": stack.compose[0]},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def healthy_since(before: str | None) -> str | None:
        """The dev container's start time, once it is healthy and not before."""
        if watch.poll() is not None:
            pytest.fail(f"docker-dev exited {watch.returncode}: {output.read_text()}")
        ids = stack(*profile, "ps", "--quiet", dev, check=False).stdout.split()
        if not ids:
            return None
        state = json.loads(run([stack.docker, "inspect", ids[0]]).stdout)[0]["State"]
        if state.get("Health", {}).get("Status") != "healthy" or state["StartedAt"] == before:
            return None
        started: str = state["StartedAt"]
        return started

    try:
        first = until(lambda: healthy_since(None), 120, lambda: "the dev service is not healthy")
        container = stack.container(dev, *profile)
        image = container["Image"]
        assert container["HostConfig"]["ReadonlyRootfs"] is True
        (mount,) = [m for m in container["Mounts"] if m["Destination"] == "/app/src"]
        assert mount["RW"] is False
        access = ("python", "-m", f"{package}.kit.access")
        token = stack(*profile, "exec", "-T", dev, *access).stdout.strip()
        assert stack.client(token=token)[1] == "Hello, compose!"

        module.write_text(original.replace('{name}!"', '{name}!!"'), encoding="utf-8")
        until(lambda: healthy_since(first), 60, lambda: "the dev service was not restarted")
        assert stack.client(token=token)[1] == "Hello, compose!!"
        assert stack.container(dev, *profile)["Image"] == image, "the image was rebuilt"
    finally:
        module.write_text(original, encoding="utf-8")
        if watch.poll() is None:
            os.killpg(watch.pid, signal.SIGINT)
            try:
                watch.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(watch.pid, signal.SIGKILL)
        log.close()
        stack(*profile, "down", "--timeout", "5", check=False)
