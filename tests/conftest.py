"""Fixtures shared by the tiers, and the tiers themselves.

A test file's name says its tier, and this file turns the name into the
marker that `-m` selects on, so the two cannot disagree:

    test_render_*.py   fast     render (or copy, update) and check with real tools
    test_install_*.py  slow     install generated projects and run their own gates
    test_engine_*.py   docker   build and run images on a real Docker engine

The prefixes are in tiers.py; helpers live in commands.py (running tools)
and questions.py (copier.yml).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from commands import IN_CI, docker_binary
from questions import check_answer_keys
from template_repo import build_template_repo, plain_clone
from tiers import tier_marker


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marker = tier_marker(item.path.name)
        if marker:
            item.add_marker(marker)


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
        message = f"no Docker engine answers {binary} info (start one: scripts/docker-engine.sh)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return binary
