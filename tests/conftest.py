"""Shared fixtures: rendering the template and finding the real tools.

Every render goes through `render`, which refuses answer keys that are not
questions in copier.yml (copier would silently ignore them, and the test would
check a project nobody asked for).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def load_copier_config() -> dict:
    return yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text(encoding="utf-8"))


QUESTIONS = {key: value for key, value in load_copier_config().items() if not key.startswith("_")}


def check_answer_keys(answers: dict) -> None:
    unknown = sorted(set(answers) - set(QUESTIONS))
    if unknown:
        pytest.fail(f"answers for questions copier.yml does not ask: {', '.join(unknown)}")


def tool(name: str) -> str:
    """Path of a command-line tool: the test environment's own first, then PATH.

    A missing tool fails the test: each one is a declared test dependency.
    """
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; install the test dependencies (README.md)")
    return found


def tool_env(**extra: str) -> dict[str, str]:
    """Environment whose PATH finds the test environment's tools first."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(extra)
    return env


def run(
    cmd: list[str], cwd: Path | None = None, check: bool = True, **kwargs
) -> subprocess.CompletedProcess:
    """Run a command; unless check=False, fail the test with its output if it fails."""
    kwargs.setdefault("env", tool_env())
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, cmd))} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


def copy_of(project: Path, parent: Path) -> Path:
    """A private copy of a rendered project, for tests that build, install or edit it."""
    destination = parent / project.name
    shutil.copytree(project, destination)
    return destination


@pytest.fixture(scope="session")
def render(copie_session) -> Callable[..., Path]:
    """Render the template once per distinct set of answers in this session.

    The renders are shared: a test that writes into a project (installs it,
    builds it, edits it) must work on copy_of(render(...), tmp_path).
    """
    cache: dict[tuple, Path] = {}

    def _render(**answers) -> Path:
        check_answer_keys(answers)
        key = tuple(sorted(answers.items()))
        if key not in cache:
            result = copie_session.copy(extra_answers=answers)
            if result.exception is not None:
                raise result.exception
            cache[key] = result.project_dir
        return cache[key]

    return _render


def python_dir(version: str) -> Path:
    """Folder holding a working `pythonX.Y`, so a generated project can make its .venv.

    Looks on PATH, then in pyenv's versions folder (whose shims only answer for
    the selected version).
    """
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        probe = subprocess.run([str(candidate), "--version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return Path(candidate).parent
    pytest.fail(f"Python {version} is not installed; the generated project needs it")


def docker_binary() -> str:
    """The Docker client: $DOCKER if set (CI sets the BuildKit-capable one), else docker."""
    return os.environ.get("DOCKER") or shutil.which("docker") or "docker"


@pytest.fixture(scope="session")
def docker() -> str:
    """A Docker client whose engine answers; skip without one, but never in CI."""
    binary = docker_binary()
    try:
        probe = subprocess.run([binary, "info"], capture_output=True, text=True, timeout=30)
        answered = probe.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        answered = False
    if not answered:
        message = f"no Docker engine answers {binary} info (start one: scripts/docker-engine.sh)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return binary


def docker_env(docker: str, **extra: str) -> dict[str, str]:
    """Environment for `just` recipes and compose that use this client with BuildKit."""
    return tool_env(DOCKER=docker, DOCKER_BUILDKIT="1", **extra)
