"""Docker tier: the production image holds exactly what uv.lock pins.

The locked runtime set (the lock without the dev group, markers evaluated for
the image's own Python and platform) equals the distributions installed in
the image; a second build from the same commit that takes no layer from the
build cache installs the same versions; a build without uv.lock stops with one line.
"""

from __future__ import annotations

import json
import re

import pytest
from commands import copy_of, docker_env, run, tool
from containers import MCP_IMAGE_PROJECT
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from benchmarks.image import base_arguments, base_of, cold_base

NAME = MCP_IMAGE_PROJECT["project_name"]
PACKAGE = NAME.replace("-", "_")
# What the image reports about itself: the marker environment and its distributions.
PROBE = """
import json, os, platform, sys
from importlib.metadata import distributions
environment = {
    "implementation_name": sys.implementation.name,
    "implementation_version": platform.python_version(),
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_python_implementation": platform.python_implementation(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}
installed = {d.metadata["Name"]: d.version for d in distributions()}
print(json.dumps({"environment": environment, "installed": installed}))
"""
LOCKED_LINE = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?: ; (?P<marker>.+))?$")


@pytest.fixture(scope="module")
def project(built):
    return built(**MCP_IMAGE_PROJECT)


def image_report(docker: str, image: str) -> dict:
    result = run([docker, "run", "--rm", "--entrypoint", "python", image, "-c", PROBE])
    return json.loads(result.stdout)


def locked_runtime(root, environment: dict, env: dict[str, str]) -> dict[str, str]:
    """uv.lock's runtime packages (no dev group, not the project) that apply here."""
    exported = run(
        [tool("uv"), "export", "--locked", "--no-dev", "--no-emit-project", "--no-hashes"]
        + ["--no-annotate", "--no-header"],
        cwd=root,
        env=env,
    ).stdout
    locked = {}
    for line in exported.splitlines():
        found = LOCKED_LINE.match(line.strip())
        assert found, f"unexpected line in uv export: {line!r}"
        if found["marker"] is None or Marker(found["marker"]).evaluate(environment):
            locked[canonicalize_name(found["name"])] = found["version"]
    return locked


def installed_besides_the_project(report: dict) -> dict[str, str]:
    installed = {canonicalize_name(k): v for k, v in report["installed"].items()}
    assert installed.pop(canonicalize_name(NAME)) == "0.1.0"
    return installed


def test_image_holds_exactly_the_locked_versions(project, docker):
    report = image_report(docker, f"{NAME}:latest")
    locked = locked_runtime(project, report["environment"], docker_env(docker))
    assert "mcp" in locked and "pytest" not in locked
    assert installed_besides_the_project(report) == locked


def test_a_cold_rebuild_of_the_same_commit_installs_the_same_versions(project, docker):
    first = image_report(docker, f"{NAME}:latest")["installed"]
    # No cached layer matches a build from a base of its own (not --no-cache:
    # cold_base says why).
    base = cold_base(base_of((project / "Dockerfile").read_text(encoding="utf-8")))
    try:
        build = [docker, "build", *base_arguments(project / "Dockerfile", base)]
        rebuilt = run(
            [*build, "--progress=plain", "--tag", f"{NAME}:again", "."],
            cwd=project,
            env=docker_env(docker),
            timeout=900,
        )
    finally:
        run([docker, "image", "rm", base], check=False)
    assert " CACHED" not in rebuilt.stderr, "a layer came from the cache"
    assert image_report(docker, f"{NAME}:again")["installed"] == first


def test_a_build_without_the_lock_stops_with_one_line(project, docker, tmp_path):
    root = copy_of(project, tmp_path)
    (root / "uv.lock").unlink()
    result = run(
        [docker, "build", "--progress=plain", "--tag", f"{NAME}:unlocked", "."],
        cwd=root,
        env=docker_env(docker),
        check=False,
        timeout=900,
    )
    assert result.returncode != 0
    said = [line for line in result.stderr.splitlines() if re.match(r"#\d+ [\d.]+ uv\.lock", line)]
    assert [line.split(" ", 2)[2] for line in said] == [
        "uv.lock is missing: run 'just lock' and commit it"
    ]
