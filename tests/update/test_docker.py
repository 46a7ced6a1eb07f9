"""Docker tier: a project updated from an older release builds a healthy image,
from the lock that `just docker-build` writes."""

from __future__ import annotations

import pytest
from commands import docker_env, run, tool
from containers import remove, start, wait_for_health
from edits import make_user_edits
from releases import CURRENT, UPDATE_BASELINE, tag
from template_repo import copier_update, project_from

NAME = "upgraded-image"


# From PREVIOUS, the guide's whole path runs in test_docker_paths.py.
@pytest.mark.parametrize("release", [UPDATE_BASELINE])
def test_image_from_an_updated_project_is_healthy(template_repo, docker, tmp_path, release):
    root = project_from(
        template_repo, tmp_path / NAME, tag(release), project_name=NAME, include_docker=True
    )
    make_user_edits(root, NAME.replace("-", "_"))
    copier_update(root, "--vcs-ref", tag(CURRENT))
    assert not (root / "uv.lock").exists()
    run([tool("just"), "docker-build"], cwd=root, env=docker_env(docker), timeout=900)
    assert (root / "uv.lock").is_file(), "just docker-build wrote no lock"
    run([tool("just"), "docker-verify"], cwd=root, env=docker_env(docker))
    name = f"{NAME}-updated"
    try:
        start(docker, name, f"{NAME}:latest", "--env", "MCP_TRANSPORT=streamable-http")
        wait_for_health(docker, name, "healthy", timeout=30)
    finally:
        remove(docker, name)
