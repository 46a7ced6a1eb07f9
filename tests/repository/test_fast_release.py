"""The maintainers' `just release X.Y.Z`: it tags only a version that
pyproject.toml and CHANGELOG.md both name, in a clean work tree; copier then
renders from that tag."""

from __future__ import annotations

from datetime import date

import copier
import pytest
import yaml
from commands import run, tool, tool_env
from releases import CURRENT, tag
from template_repo import GIT_IDENTITY, git


@pytest.fixture
def releasable(clone_for_update):
    """A clone as a maintainer has it just before `just release CURRENT`: the
    CHANGELOG's Unreleased section headed by CURRENT (until then it is Unreleased)."""
    changelog = clone_for_update / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    if f"## [{CURRENT}]" not in text:
        heading = f"## [Unreleased]\n\n## [{CURRENT}] - {date.today().isoformat()}"
        changelog.write_text(text.replace("## [Unreleased]", heading, 1), encoding="utf-8")
        git("commit", "-qam", f"CHANGELOG: {CURRENT}", cwd=clone_for_update)
    return clone_for_update


def release(clone, version: str):
    return run(
        [tool("just"), "release", version], cwd=clone, env=tool_env(**GIT_IDENTITY), check=False
    )


def test_release_tags_the_current_version_and_copier_takes_it(releasable, tmp_path):
    result = release(releasable, CURRENT)
    assert result.returncode == 0, result.stderr
    assert git("cat-file", "-t", tag(CURRENT), cwd=releasable).strip() == "tag"
    copier.run_copy(str(releasable), tmp_path / "p", defaults=True, unsafe=False, quiet=True)
    answers = yaml.safe_load((tmp_path / "p" / ".copier-answers.yml").read_text())
    assert answers["_commit"] == tag(CURRENT)


@pytest.mark.parametrize(
    ("version", "setup", "message"),
    [
        ("1.9", None, "VERSION must be X.Y.Z (got '1.9')"),
        ("99.0.0", None, "pyproject.toml says"),
        (CURRENT, "dirty", "the work tree has uncommitted changes"),
        (CURRENT, "tagged", f"tag {tag(CURRENT)} exists already"),
    ],
)
def test_release_refuses_with_one_line(releasable, version, setup, message):
    if setup == "dirty":
        (releasable / "README.md").write_text("edited\n")
    if setup == "tagged":
        assert release(releasable, version).returncode == 0
    result = release(releasable, version)
    assert result.returncode == 2
    # just adds its own "recipe failed" line after the one the recipe prints.
    assert result.stderr.splitlines()[0].startswith(f"release: {message}"), result.stderr


def test_release_needs_the_changelog_section(releasable):
    changelog = releasable / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(f"## [{CURRENT}]", "## [0.0.0]"))
    git("commit", "-qam", "drop the section", cwd=releasable)
    result = release(releasable, CURRENT)
    assert result.returncode == 2 and f"no '## [{CURRENT}]' section" in result.stderr
