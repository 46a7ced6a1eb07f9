"""Docker tier: the recipes with DOCKER=podman, which the justfile offers.
podman writes OCI images unless told otherwise, and the OCI format has no
HEALTHCHECK, so an image built with it would never report healthy. Built by
`just docker-build` with Debian's podman, the image keeps the Dockerfile's
health check; pushed by `just docker-push` to a real registry, the engine
pulls it and it becomes healthy there."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from commands import copy_of, docker_env, run, tool
from containers import remove, start, wait_for_health
from registry import serving

from benchmarks.image import base_of

NAME = "chora-podman"


@pytest.fixture(scope="module")
def podman() -> str:
    found = shutil.which("podman")
    if found is None:
        pytest.fail("podman is not installed: .ci/system-tools.sh installs it")
    return found


@pytest.fixture(scope="module")
def built(render, tmp_path_factory, docker, podman):
    """The project built by `just docker-build` with podman; its base comes
    from the engine, where the test tiers keep it."""
    root = copy_of(render(project_name=NAME, include_docker=True), tmp_path_factory.mktemp("pm"))
    dockerfile = (root / "Dockerfile").read_text(encoding="utf-8")
    run([podman, "pull", f"docker-daemon:{base_of(dockerfile)}"], timeout=300)
    # BUILDAH_LAYERS=false: podman 4.3 (Debian 12) cannot bind-mount a stage it
    # takes from its layer cache (`--mount=type=bind,from=wheel`): "couldn't find
    # .../merged/wheels on host" failed one CI run of two here. docs/docker.md says so.
    env = {**docker_env(docker), "DOCKER": podman, "BUILDAH_LAYERS": "false"}
    run([tool("just"), "docker-build"], cwd=root, env=env, timeout=900)
    yield root, env, dockerfile
    run([podman, "image", "rm", "--force", f"{NAME}:latest"], check=False)


def test_a_podman_build_keeps_the_dockerfiles_health_check(built, podman):
    _, _, dockerfile = built
    options, command = re.search(r"(?m)^HEALTHCHECK (.*) \\\n\s+CMD (\[.*\])$", dockerfile).groups()
    seconds = {key: int(value) * 10**9 for key, value in re.findall(r"--([a-z-]+)=(\d+)s", options)}
    container = run([podman, "create", f"{NAME}:latest"]).stdout.strip()
    try:
        inspect = [podman, "container", "inspect", "--format", "{{json .Config.Healthcheck}}"]
        found = json.loads(run([*inspect, container]).stdout)
    finally:
        run([podman, "rm", "--force", container], check=False)
    assert found == {
        "Test": ["CMD", *json.loads(command)],
        "Interval": seconds["interval"],
        "Timeout": seconds["timeout"],
        "StartPeriod": seconds["start-period"],
        "Retries": int(re.search(r"--retries=(\d+)", options).group(1)),
    }


def test_pushed_by_podman_the_engine_runs_it_healthy(built, docker, podman, tmp_path):
    root, env, _ = built
    (tmp_path / "registry").mkdir()
    with serving(tmp_path / "registry") as address:
        # podman trusts plain HTTP only where registries.conf says so.
        conf = tmp_path / "registries.conf"
        conf.write_text(f'[[registry]]\nlocation = "{address}"\ninsecure = true\n')
        pushing = {**env, "CONTAINERS_REGISTRIES_CONF": str(conf)}
        pushed = run([tool("just"), "docker-push", address, "latest"], cwd=root, env=pushing)
        target = f"{address}/{NAME}:latest"
        assert pushed.stdout.strip() == f"pushed {target}"
        run([docker, "pull", target], timeout=300)
    name = f"{NAME}-run"
    try:
        start(docker, name, target, "--env", "MCP_TRANSPORT=streamable-http")
        wait_for_health(docker, name, "healthy", timeout=90)
    finally:
        remove(docker, name)
        run([docker, "image", "rm", target], check=False)
        run([podman, "image", "rm", target], check=False)
