"""Docker tier: a release pushed to a real registry (support/registry.py) and
pulled back, as a user releases with `just docker-release VERSION REGISTRY`
and deploys from the registry: the catalog and tags list it, every layer
travelled, the local tags go, a pull by tag and one by digest bring the same
image back, `just docker-verify` passes on it, and it runs healthy and
answers an MCP call."""

from __future__ import annotations

import json

import anyio
import httpx2
import pytest
from commands import copy_of, docker_env, run, tool
from containers import published_port, remove, start, wait_for_health
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from registry import repositories, serving, stored_layers, tags

from benchmarks.load import HARDENED  # docker-compose.yml's hardening, as docker run options

NAME = "chora-release-mcp"
VERSION = "0.1.0"


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("registry")) as address:
        yield address


@pytest.fixture(scope="module")
def released(render, tmp_path_factory, docker, registry):
    """The project released into the registry, every local tag of it removed after."""
    root = copy_of(render(project_name=NAME, include_docker=True), tmp_path_factory.mktemp("rel"))
    env = docker_env(docker)
    run([tool("just"), "docker-release", VERSION, registry], cwd=root, env=env, timeout=900)
    pushed = f"{registry}/{NAME}"
    digest = run(
        [docker, "image", "inspect", "--format", "{{index .RepoDigests 0}}", pushed + ":" + VERSION]
    )
    local = [f"{NAME}:{VERSION}", f"{NAME}:latest", f"{pushed}:{VERSION}", f"{pushed}:latest"]
    run([docker, "image", "rm", *local])
    for tag in local:
        gone = run([docker, "image", "inspect", tag], check=False)
        assert gone.returncode != 0, f"{tag} is still here"
    yield root, pushed, digest.stdout.strip()
    remove(docker, f"{NAME}-pulled")
    run([docker, "image", "rm", "--force", f"{pushed}:{VERSION}", f"{NAME}:{VERSION}"], check=False)


def test_the_registry_lists_the_release_and_holds_every_layer(released, registry):
    assert NAME in repositories(registry)
    assert tags(registry, NAME) == [VERSION, "latest"]
    layers = stored_layers(registry, NAME, VERSION)
    assert layers, "the manifest names no layer"
    for digest, size, stored in layers:
        assert stored == size, f"layer {digest}: {stored} bytes stored, {size} in the manifest"


def test_a_pull_by_tag_and_by_digest_bring_back_the_same_image(released, docker):
    _, pushed, digest = released
    run([docker, "pull", f"{pushed}:{VERSION}"], timeout=300)
    run([docker, "pull", digest], timeout=300)
    ids = {
        run([docker, "image", "inspect", "--format", "{{.Id}}", ref]).stdout.strip()
        for ref in (f"{pushed}:{VERSION}", digest)
    }
    assert len(ids) == 1, ids


def test_the_pulled_image_verifies_runs_healthy_and_answers_mcp(released, docker, containers):
    root, pushed, digest = released
    run([docker, "pull", digest], timeout=300)
    # docker-verify checks the project's own name: the pulled image, tagged so.
    run([docker, "tag", digest, f"{NAME}:{VERSION}"])
    verified = run([tool("just"), "docker-verify", VERSION], cwd=root, env=docker_env(docker))
    assert f"{NAME}:{VERSION} OK" in verified.stdout
    name = f"{NAME}-pulled"
    containers.append(name)
    http = ("--env", "MCP_TRANSPORT=streamable-http", "--publish", "127.0.0.1::8000")
    start(docker, name, digest, *http, *HARDENED)
    wait_for_health(docker, name, "healthy", timeout=60)
    token = run([docker, "exec", name, "cat", "/app/data/mcp-token"]).stdout.strip()
    url = f"http://127.0.0.1:{published_port(docker, name)}/mcp"

    async def call() -> str:
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx2.AsyncClient(headers=headers) as client_http,
            Client(streamable_http_client(url, http_client=client_http)) as client,
        ):
            result = await client.call_tool("add", {"a": 2, "b": 3})
            return json.dumps(result.structured_content)

    assert json.loads(anyio.run(call)) == {"result": 5.0}


@pytest.fixture
def containers(docker):
    names: list[str] = []
    yield names
    remove(docker, *names)
