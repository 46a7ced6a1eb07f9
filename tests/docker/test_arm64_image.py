"""arm64 tier: the generated MCP server's image built for linux/arm64 and run
under qemu, as a user without buildx builds a second architecture
(docs/docker.md): its architecture, `uname -m`, health in stdio mode and over
HTTP, and an MCP call. The base is the arm64 stand-in
(`.ci/standin-base-image.sh 3.13 arm64`); .ci/run runs this tier when the
machine has it, or with CI_ARM64=1, which makes it."""

from __future__ import annotations

import json
import os
import time

import anyio
import httpx2
import pytest
from commands import copy_of, docker_env, run, tool
from containers import published_port, remove, start, wait_for_health
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

NAME = "chora-arm64-mcp"
PLATFORM = ("--platform", "linux/arm64")
# The stand-in's tag; where the engine pulls the real base (GitHub's runner,
# .github/workflows/arm64.yml), ARM64_BASE_TAG=3.13-slim.
BASE_TAG = os.environ.get("ARM64_BASE_TAG", "3.13-slim-arm64")
# Python starts about 20 times slower under emulation: a first start takes
# about 20 s, and the image's HEALTHCHECK allows 60 s for it.
HEALTHY_WITHIN = 120


@pytest.fixture(scope="module")
def image(render, tmp_path_factory, docker):
    root = copy_of(render(project_name=NAME, include_docker=True), tmp_path_factory.mktemp("a"))
    env = docker_env(docker)
    run([tool("just"), "lock"], cwd=root, env=env, timeout=300)
    tag = f"{NAME}:arm64"
    build = [docker, "build", *PLATFORM, "--build-arg", f"BASE_TAG={BASE_TAG}", "--tag", tag, "."]
    run(build, cwd=root, env=env, timeout=1800)
    yield tag
    run([docker, "image", "rm", "--force", tag], check=False)


@pytest.fixture
def containers(docker):
    names: list[str] = []
    yield names
    remove(docker, *names)


def test_the_image_is_arm64_and_runs_as_aarch64(image, docker):
    assert (
        run([docker, "image", "inspect", "--format", "{{.Architecture}}", image]).stdout.strip()
        == "arm64"
    )
    machine = run([docker, "run", "--rm", *PLATFORM, "--entrypoint", "uname", image, "-m"])
    assert machine.stdout.strip() == "aarch64"


def test_it_turns_healthy_in_stdio_mode(image, docker, containers):
    name = f"{NAME}-stdio"
    containers.append(name)
    began = time.monotonic()
    start(docker, name, image, *PLATFORM, "--interactive")
    wait_for_health(docker, name, "healthy", timeout=HEALTHY_WITHIN)
    print(f"arm64 stdio: healthy {time.monotonic() - began:.1f} s after docker run")


def test_it_turns_healthy_over_http_and_answers_an_mcp_call(image, docker, containers):
    name = f"{NAME}-http"
    containers.append(name)
    began = time.monotonic()
    http = ("--env", "MCP_TRANSPORT=streamable-http", "--publish", "127.0.0.1::8000")
    start(docker, name, image, *PLATFORM, *http)
    wait_for_health(docker, name, "healthy", timeout=HEALTHY_WITHIN)
    print(f"arm64 HTTP: healthy {time.monotonic() - began:.1f} s after docker run")
    token = run([docker, "exec", name, "cat", "/app/data/mcp-token"]).stdout.strip()
    url = f"http://127.0.0.1:{published_port(docker, name)}/mcp"

    async def call() -> str:
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=60) as client_http,
            Client(streamable_http_client(url, http_client=client_http)) as client,
        ):
            result = await client.call_tool("add", {"a": 2, "b": 3})
            return json.dumps(result.structured_content)

    assert json.loads(anyio.run(call)) == {"result": 5.0}
