"""The maintainers' `just release X.Y.Z`: it tags only a version that
pyproject.toml and CHANGELOG.md both name, in a clean work tree; copier then
renders from that tag."""

from __future__ import annotations

import copier
import pytest
import yaml
from commands import run, tool, tool_env
from releases import CURRENT, tag
from template_repo import GIT_IDENTITY, git


def release(clone, version: str):
    return run(
        [tool("just"), "release", version], cwd=clone, env=tool_env(**GIT_IDENTITY), check=False
    )


def test_release_tags_the_current_version_and_copier_takes_it(clone_for_update, tmp_path):
    result = release(clone_for_update, CURRENT)
    assert result.returncode == 0, result.stderr
    assert git("cat-file", "-t", tag(CURRENT), cwd=clone_for_update).strip() == "tag"
    copier.run_copy(str(clone_for_update), tmp_path / "p", defaults=True, unsafe=False, quiet=True)
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
def test_release_refuses_with_one_line(clone_for_update, version, setup, message):
    if setup == "dirty":
        (clone_for_update / "README.md").write_text("edited\n")
    if setup == "tagged":
        assert release(clone_for_update, version).returncode == 0
    result = release(clone_for_update, version)
    assert result.returncode == 2
    # just adds its own "recipe failed" line after the one the recipe prints.
    assert result.stderr.splitlines()[0].startswith(f"release: {message}"), result.stderr


def test_release_needs_the_changelog_section(clone_for_update):
    changelog = clone_for_update / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(f"## [{CURRENT}]", "## [0.0.0]"))
    git("commit", "-qam", "drop the section", cwd=clone_for_update)
    result = release(clone_for_update, CURRENT)
    assert result.returncode == 2 and f"no '## [{CURRENT}]' section" in result.stderr
