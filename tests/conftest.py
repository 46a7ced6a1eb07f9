"""Fixtures shared by the tiers, and the tiers themselves.

Each subject has a folder (tests/docker/, tests/update/, ...); a test file's
name in it says its tier, and this file turns the name into the marker that
`-m` selects on, so the two cannot disagree:

    test_fast*.py    fast     render (or copy, update) and check with real tools
    test_slow*.py    slow     install generated projects and run their own gates
    test_docker*.py  docker   build and run images on a real Docker engine

The prefixes are in support/tiers.py; the helpers are in support/.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import answer_space
import documented
import pytest
from commands import (
    IN_CI,
    copy_of,
    docker_binary,
    docker_env,
    helm,
    node_bin,
    project_env,
    run,
    tool,
)
from questions import QUESTIONS, check_answer_keys
from schedule import longest_first
from template_repo import build_template_repo, commit, git, plain_clone
from tiers import tier_marker

# Before the hypothesis plugin loads the profile --hypothesis-profile names.
answer_space.register_profiles()


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects, and before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marker = tier_marker(item.path.name)
        if marker:
            item.add_marker(marker)
        # Under `-n 2 --dist loadgroup` (.ci/run), a file's tests stay on one worker,
        # so its module-scoped setup (a built image, a checkov run) happens once;
        # tests that share a session-scoped install name their group themselves.
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(
                pytest.mark.xdist_group(str(item.path.relative_to(item.config.rootpath)))
            )
    items[:] = longest_first(items, group_of)


def group_of(item: pytest.Item) -> str:
    """The pytest-xdist group of a test (set above, or by the test itself)."""
    marker = item.get_closest_marker("xdist_group")
    assert marker is not None
    return str(marker.args[0] if marker.args else marker.kwargs["name"])


_TEST_TIME: dict[str, list[float]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each tier's test time (setup, call, teardown), from every worker."""
    tier = tier_marker(Path(report.nodeid.split("::")[0]).name) or "fast"
    spent = _TEST_TIME.setdefault(tier, [0, 0.0])
    spent[0] += report.when == "call"
    spent[1] += report.duration


def pytest_terminal_summary(terminalreporter) -> None:
    """One line per tier: how many tests ran and the time they took, added up
    over the workers (so, under -n 2, up to twice the wall time)."""
    if _TEST_TIME:
        terminalreporter.section("test time per tier")
        for tier, (count, seconds) in sorted(_TEST_TIME.items()):
            terminalreporter.line(f"{tier:>6}: {int(count):4d} tests, {seconds:7.1f} s")


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


@dataclass(frozen=True)
class Installed:
    """A generated project, committed in git and installed by following its docs."""

    root: Path
    env: dict[str, str]
    ran: list[documented.Ran]
    other_venv: Path


@pytest.fixture(scope="session")
def installed(render, tmp_path_factory) -> Callable[..., Installed]:
    """Install each set of answers once per session, the way its docs say.

    The render is committed in git, as the post-copy message says, and every
    block of its docs runs in order (documented.follow), with someone else's
    virtualenv active, so each slow-tier check that needs an installed project
    shares the one install. Tests that use the same answers run on one
    pytest-xdist worker: mark them documented.install_group(**answers).
    """
    cache: dict[tuple, Installed] = {}

    def _installed(**answers) -> Installed:
        key = tuple(sorted(answers.items()))
        if key not in cache:
            work = tmp_path_factory.mktemp("installed")
            root = copy_of(render(**answers), work)
            git("init", "-q", "-b", "main", cwd=root)
            commit(root, "Start from chora-base")
            env = project_env(QUESTIONS["python_version"]["default"])
            # The MCP README runs the Inspector, which needs a newer Node than the
            # machine may have; the Kubernetes guide's checks run helm.
            env["PATH"] = os.pathsep.join([node_bin(), os.path.dirname(helm()), env["PATH"]])
            other = work / "someone-elses-venv"
            run([tool("uv"), "venv", str(other)], env=env)
            env["VIRTUAL_ENV"] = str(other)
            cache[key] = Installed(root, env, documented.follow(root, env), other)
        return cache[key]

    return _installed


@pytest.fixture(scope="session")
def built(render, tmp_path_factory, docker) -> Callable[..., Path]:
    """Build each set of answers' image once per session with `just docker-build`,
    in a private copy of the render, tagged `<project_name>:latest`; return that
    copy. Tests must not write into it: a test that edits works on copy_of(...)."""
    cache: dict[tuple, Path] = {}

    def _built(**answers) -> Path:
        key = tuple(sorted(answers.items()))
        if key not in cache:
            root = copy_of(render(**answers), tmp_path_factory.mktemp("built"))
            run([tool("just"), "docker-build"], cwd=root, env=docker_env(docker), timeout=900)
            cache[key] = root
        return cache[key]

    return _built


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory) -> Path:
    """A template git repository with two tagged releases: UPDATE_BASELINE and CURRENT."""
    return build_template_repo(tmp_path_factory.mktemp("template-repo") / "chora-base")


@pytest.fixture(scope="session")
def clone(tmp_path_factory) -> Path:
    """A plain clone of this repository, as a user makes one (no tags)."""
    return plain_clone(tmp_path_factory.mktemp("clone") / "chora-base")


@pytest.fixture
def clone_for_update(tmp_path) -> Path:
    """A private plain clone, for a test that commits a newer template into it."""
    return plain_clone(tmp_path / "chora-base")


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
        message = f"no Docker engine answers {binary} info (start one: .ci/docker-engine.sh)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return binary
