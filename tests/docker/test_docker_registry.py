"""Docker tier: a release pushed to a real registry (support/registry.py) and
pulled back, as a user releases with `just docker-release VERSION REGISTRY`
and deploys from the registry: the catalog and tags list it, every layer
travelled, the local tags go, a pull by tag and one by digest bring the same
image back, `just docker-verify` passes on it, and it runs healthy and
answers an MCP call; the compose stack and the chart's pod
(tests/kubernetes/test_docker_pod.py) run it from the registry too. A
registry that asks for a password refuses a push without one, or with a
wrong one, in one line from the recipe."""

from __future__ import annotations

import base64
import json

import anyio
import httpx2
import pytest
from commands import copy_of, docker_env, free_port, run, tool
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
    assert add(published_port(docker, name), token) == {"result": 5.0}


def add(port: str, token: str) -> dict:
    """What the server's add tool answers an MCP client for 2 + 3."""
    url = f"http://127.0.0.1:{port}/mcp"

    async def call() -> str:
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx2.AsyncClient(headers=headers) as client_http,
            Client(streamable_http_client(url, http_client=client_http)) as client,
        ):
            result = await client.call_tool("add", {"a": 2, "b": 3})
            return json.dumps(result.structured_content)

    return json.loads(anyio.run(call))


def test_the_compose_stack_runs_the_release_from_the_registry(released, docker):
    """As a deploy host runs it: IMAGE and IMAGE_TAG name the release, and
    `up --no-build` pulls it (its tag is not here)."""
    root, pushed, _ = released
    run([docker, "image", "rm", f"{pushed}:{VERSION}"], check=False)
    port = str(free_port())
    env = docker_env(docker, IMAGE=pushed, IMAGE_TAG=VERSION, MCP_PUBLISHED_PORT=port)
    compose = [tool("docker-compose")]
    try:
        run(
            [*compose, "up", "--detach", "--wait", "--wait-timeout", "90", "--no-build"],
            cwd=root,
            env=env,
            timeout=300,
        )
        ids = run([*compose, "ps", "--quiet", NAME], cwd=root, env=env).stdout.split()
        image = run([docker, "inspect", "--format", "{{.Config.Image}}", *ids]).stdout.strip()
        assert image == f"{pushed}:{VERSION}"
        token = run([*compose, "exec", "-T", NAME, "cat", "/app/data/mcp-token"], cwd=root, env=env)
        assert add(port, token.stdout.strip()) == {"result": 5.0}
    finally:
        run([*compose, "down", "--volumes", "--timeout", "5"], cwd=root, env=env, check=False)


USER, PASSWORD = "release-bot", "a-password-0123456789"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """A registry that asks for USER's password, over TLS."""
    with serving(tmp_path_factory.mktemp("guarded"), users={USER: PASSWORD}) as address:
        yield address


def test_a_push_without_or_with_a_wrong_password_fails_in_one_line(
    released, guarded, docker, tmp_path
):
    root, _, digest = released
    run([docker, "pull", digest], timeout=300)
    run([docker, "tag", digest, f"{NAME}:{VERSION}"])
    config = tmp_path / "docker-config"  # the user's credentials, none yet
    config.mkdir()
    env = docker_env(docker, DOCKER_CONFIG=str(config))
    target = f"{guarded}/{NAME}:{VERSION}"

    def push():
        recipe = [tool("just"), "docker-push", guarded, VERSION]
        return run(recipe, cwd=root, env=env, check=False, timeout=300)

    try:
        login = f"(log in first: {docker} login {guarded})"
        for reason, credentials in [
            ("no basic auth credentials", None),
            ("unauthorized: authentication required", f"{USER}:not-the-password"),
        ]:
            if credentials:
                auth = base64.b64encode(credentials.encode()).decode()
                (config / "config.json").write_text(
                    json.dumps({"auths": {guarded: {"auth": auth}}})
                )
            refused = push()
            assert refused.returncode == 1
            lines = refused.stderr.splitlines()
            assert lines[0] == f"docker-push: {target} was not pushed: {reason} {login}"
            assert len(lines) == 2 and "docker-push" in lines[1], "just's own line alone follows"
        run(
            [docker, "login", "--username", USER, "--password-stdin", guarded],
            env=env,
            input=PASSWORD,
        )
        pushed = push()
        assert pushed.returncode == 0, pushed.stderr
        assert pushed.stdout.strip() == f"pushed {target}"
    finally:
        run([docker, "image", "rm", target], check=False)


@pytest.fixture
def containers(docker):
    names: list[str] = []
    yield names
    remove(docker, *names)
