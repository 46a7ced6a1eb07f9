"""A generated project's `just release X.Y.Z`, in a scratch git repository:
it sets the version, heads the CHANGELOG's unreleased changes with it,
commits and tags; it refuses, in one line, what would make a bad release."""

from __future__ import annotations

import re

import pytest
from commands import copy_of, run, tool, tool_env
from template_repo import GIT_IDENTITY, commit, git

NOTE = "- Our change, written under Unreleased.\n"


@pytest.fixture
def project(render, tmp_path):
    root = copy_of(render(), tmp_path)
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text.replace("## [Unreleased]\n", f"## [Unreleased]\n\n{NOTE}"))
    git("init", "-q", "-b", "main", cwd=root)
    commit(root, "Start from chora-base")
    return root


def release(root, version: str):
    return run(
        [tool("just"), "release", version], cwd=root, env=tool_env(**GIT_IDENTITY), check=False
    )


def test_release_sets_the_version_moves_the_notes_commits_and_tags(project):
    result = release(project, "0.2.0")
    assert result.returncode == 0, result.stderr
    assert 'version = "0.2.0"' in (project / "pyproject.toml").read_text()
    changelog = (project / "CHANGELOG.md").read_text()
    section = re.search(
        r"## \[0\.2\.0\] - \d{4}-\d{2}-\d{2}\n\n(.*?)\n## \[0\.1\.0\]", changelog, re.S
    )
    assert section and section[1] == NOTE, "the unreleased notes belong to 0.2.0 now"
    assert changelog.index("## [Unreleased]") < changelog.index("## [0.2.0]")
    assert git("log", "-1", "--format=%s", cwd=project).strip() == "Release 0.2.0"
    assert git("cat-file", "-t", "v0.2.0", cwd=project).strip() == "tag"
    assert git("status", "--porcelain", cwd=project).strip() == ""


@pytest.mark.parametrize(
    ("version", "setup", "message"),
    [
        ("1.2", None, "VERSION must be X.Y.Z (got '1.2')"),
        ("0.1.0", None, "VERSION must be greater than 0.1.0"),
        ("0.0.9", None, "VERSION must be greater than 0.1.0"),
        ("0.2.0", "dirty", "the work tree has uncommitted changes"),
        ("0.2.0", "tagged", "tag v0.2.0 exists already"),
    ],
)
def test_release_refuses_with_one_line(project, version, setup, message):
    if setup == "dirty":
        (project / "README.md").write_text("edited\n")
    if setup == "tagged":
        git("tag", "v0.2.0", cwd=project)
    before = git("rev-parse", "HEAD", cwd=project)
    result = release(project, version)
    assert result.returncode != 0
    # just adds its own "recipe failed" line after the one the recipe prints.
    assert result.stderr.splitlines()[0].startswith(f"release: {message}"), result.stderr
    assert git("rev-parse", "HEAD", cwd=project) == before, "nothing committed"
