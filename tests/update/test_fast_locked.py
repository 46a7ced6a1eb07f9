"""`copier update` from the previous release (releases.PREVIOUS) moves a project
to the locked workflow: uv.lock, `uv sync`, dev tools in a dependency group,
images built from the lock. The user's edits stay, an untouched project sees
no conflict, and the guide in docs/upgrading/ gives the commands run here."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml
from commands import TEMPLATE_ROOT, run, tool
from edits import (
    USER_README,
    USER_RECIPE,
    conflicted,
    make_user_edits,
    resolve_taking_the_template_then_yours,
)
from releases import CURRENT, PREVIOUS, tag
from template_repo import commit, copier_update, project_from

NAME = "locked-upgrade"
PACKAGE = "locked_upgrade"
GUIDE = TEMPLATE_ROOT / "docs" / "upgrading" / f"v{PREVIOUS}-to-v{CURRENT}.md"
UPDATE = ("--vcs-ref", tag(CURRENT))
# A runtime dependency the team added after generation.
USER_DEPENDENCY = '    "packaging>=24",\n'


def previous_project(template_repo: Path, dest: Path, **answers) -> Path:
    return project_from(template_repo, dest, tag(PREVIOUS), project_name=NAME, **answers)


def add_user_dependency(root: Path) -> None:
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    anchor = '    "uvicorn>=0.30",\n'
    assert text.count(anchor) == 1
    pyproject.write_text(text.replace(anchor, anchor + USER_DEPENDENCY), encoding="utf-8")
    commit(root, "our dependency")


@pytest.fixture(scope="module")
def updated(template_repo, tmp_path_factory) -> Path:
    root = previous_project(
        template_repo, tmp_path_factory.mktemp("locked") / NAME, include_docker=True
    )
    make_user_edits(root, PACKAGE)
    add_user_dependency(root)
    copier_update(root, *UPDATE)
    # This release gives uvicorn, the line above theirs, an upper bound: the
    # one conflict, which the guide says how to resolve.
    assert conflicted(root) == ["pyproject.toml"]
    resolve_taking_the_template_then_yours(root / "pyproject.toml")
    return root


def test_the_guide_gives_the_command_run_here():
    assert "copier update --defaults " + " ".join(UPDATE) in GUIDE.read_text(encoding="utf-8")


def test_previous_release_had_no_lock(template_repo, tmp_path):
    root = previous_project(template_repo, tmp_path / NAME, include_docker=True)
    assert "uv.lock" not in (root / "Dockerfile").read_text(encoding="utf-8")
    assert (
        "dev"
        in tomllib.loads((root / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    )


def test_update_brings_the_locked_workflow_and_keeps_every_edit(updated):
    assert conflicted(updated) == []
    pyproject = tomllib.loads((updated / "pyproject.toml").read_text(encoding="utf-8"))
    assert "optional-dependencies" not in pyproject["project"]
    assert any(dep.startswith("pytest") for dep in pyproject["dependency-groups"]["dev"])
    dependencies = pyproject["project"]["dependencies"]
    assert USER_DEPENDENCY.strip().strip(",").strip('"') in dependencies
    assert "uvicorn>=0.30,<1" in dependencies
    assert (updated / "README.md").read_text(encoding="utf-8").endswith(USER_README)
    justfile = (updated / "justfile").read_text(encoding="utf-8")
    assert justfile.endswith(USER_RECIPE)
    recipes = run([tool("just"), "--summary"], cwd=updated).stdout.split()
    assert "lock" in recipes and "hello" in recipes
    assert "uv sync --locked" in (updated / "Dockerfile").read_text(encoding="utf-8")
    assert "uv.lock" in (updated / ".dockerignore").read_text(encoding="utf-8")
    ci = yaml.safe_load((updated / ".github" / "workflows" / "ci.yml").read_text())
    runs = [step.get("run", "") for step in ci["jobs"]["check"]["steps"]]
    assert "uv sync --locked" in runs


# What this release adds to a project: the release pipeline and its guide.
NEW_FILES = [
    ".github/workflows/release.yml",
    ".github/workflows/codeql.yml",
    ".github/workflows/dependency-review.yml",
    "scripts/release.py",
    "docs/releasing.md",
    "trivy.yaml",
]


def test_untouched_project_updates_without_conflicts(template_repo, tmp_path):
    root = previous_project(template_repo, tmp_path / NAME, include_docker=True)
    assert not any((root / name).exists() for name in NEW_FILES)
    copier_update(root, *UPDATE)
    assert conflicted(root) == []
    assert [name for name in NEW_FILES if not (root / name).is_file()] == []
    recorded = yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert recorded["pypi_auth_method"] == "trusted", "the new question took its default"
    assert run(["git", "status", "--porcelain"], cwd=root).stdout.strip()
