"""Docker tier: a project made for a Python newer than this machine's installs
from its lock on that Python and passes its own suite and `just lint` there.

The host tiers run generated projects on the machine's interpreters (3.11 to
3.13); the newer choices run in their stand-in bases (python:3.14-slim and
python:3.15-slim, from Debian forky: .ci/standin-base-image.sh). The lock is
made there too, as `just lock` makes it on a machine that has the version.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from commands import copy_of, docker_env, run, tool
from edits import total_coverage
from questions import newer_pythons

# A default MCP server (its test image alone) and a library. The command-line
# tool and the web service pass the same way on both versions (add them to
# PROJECTS with {"docker_strategy": "ci-only"} to see it); each case costs 10
# to 40 s of CI's time, so they are left out of it.
PROJECTS = {"mcp_server": {"docker_strategy": "ci-only"}, "library": {}}
CASES = [(project_type, version) for version in newer_pythons() for project_type in PROJECTS]


@pytest.mark.parametrize(("project_type", "version"), CASES)
def test_a_project_for_a_newer_python_passes_its_gates_there(
    render, tmp_path, docker, project_type, version
):
    name = f"chora-py{version.replace('.', '')}-{project_type.replace('_', '-')}"
    answers = {"project_type": project_type, "python_version": version, **PROJECTS[project_type]}
    root = copy_of(render(project_name=name, include_docker=True, **answers), tmp_path)
    base = f"python:{version}-slim"
    cache = Path(os.environ.get("UV_CACHE_DIR", Path.home() / ".cache" / "uv"))
    cache.mkdir(parents=True, exist_ok=True)
    # `just lock`, on a machine whose Python is this one.
    run(
        [
            docker,
            "run",
            "--rm",
            "--volume",
            f"{root}:/work",
            "--workdir",
            "/work",
            "--volume",
            f"{tool('uv')}:/usr/local/bin/uv:ro",
            "--volume",
            f"{cache}:/root/.cache/uv",
            "--env",
            "UV_PYTHON_DOWNLOADS=never",
            "--env",
            "UV_SYSTEM_CERTS=1",
            base,
            "uv",
            "lock",
        ],
        timeout=600,
    )
    assert (root / "uv.lock").is_file()
    image = f"{name}-test"
    # The command Dockerfile.test's header gives.
    run(
        [docker, "build", "--file", "Dockerfile.test", "--tag", image, "."],
        cwd=root,
        env=docker_env(docker),
        timeout=900,
    )
    python = run([docker, "run", "--rm", image, "python", "--version"])
    assert python.stdout.startswith(f"Python {version}."), python.stdout
    package = name.replace("-", "_")
    suite = run([docker, "run", "--rm", image, "python", "-m", "pytest", f"--cov={package}"])
    assert total_coverage(suite.stdout) == "100%", suite.stdout
    # `just lint` as written, with the image's environment for .venv, over the
    # whole project (scripts/ too), which it may read and never write.
    lint = run(
        [
            docker,
            "run",
            "--rm",
            "--volume",
            f"{root}:/work:ro",
            "--workdir",
            "/work",
            "--volume",
            f"{tool('just')}:/usr/local/bin/just:ro",
            "--env",
            "RUFF_NO_CACHE=true",
            "--env",
            "MYPY_CACHE_DIR=/tmp/mypy",
            image,
            "just",
            "venv=/opt/venv",
            "lint",
        ],
        timeout=600,
    )
    assert "Success: no issues found" in lint.stdout, lint.stdout
