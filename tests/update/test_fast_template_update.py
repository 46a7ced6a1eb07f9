"""The generated Template update workflow's update step, run here as the
runner would (bash, GITHUB_OUTPUT, RUNNER_TEMP) on a project of the previous
release: it commits `copier update --defaults` and `uv lock` on top, and
names the branch and title its next step pushes and opens a pull request
with; a title that starts with "Conflicts:" lists the files with markers.
The push and the pull request need GitHub."""

from __future__ import annotations

from pathlib import Path

import pytest
from commands import run, tool_env
from edits import conflicted
from releases import CURRENT, PREVIOUS, tag
from template_repo import GIT_IDENTITY, commit, git, project_from
from workflows import step_runs

NAME = "kept-up"
UPDATE_STEP = "Update from the template, and the lock with it"


def update_step(root: Path, tmp_path: Path) -> tuple[dict[str, str], str]:
    """Run the step; its outputs and the pull request's body."""
    (tmp_path / "runner").mkdir()
    outputs = tmp_path / "outputs"
    outputs.touch()
    command = step_runs(root, "template-update.yml", "update")[UPDATE_STEP]
    env = tool_env(GITHUB_OUTPUT=str(outputs), RUNNER_TEMP=str(tmp_path / "runner"), **GIT_IDENTITY)
    run(["bash", "-e", "-c", command], cwd=root, env=env, timeout=600)
    said = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    body = tmp_path / "runner" / "body.md"
    return said, body.read_text() if body.exists() else ""


@pytest.fixture
def project(template_repo, tmp_path, render):
    """A project of the previous release, with this release's workflow file
    (the one a project has once it is on this release) committed in it."""
    root = project_from(template_repo, tmp_path / NAME, tag(PREVIOUS), project_name=NAME)
    workflow = render(project_name=NAME) / ".github" / "workflows" / "template-update.yml"
    (root / ".github" / "workflows" / "template-update.yml").write_text(workflow.read_text())
    commit(root, "the Template update workflow")
    return root


def test_the_update_lands_in_one_commit_named_for_the_release(project, tmp_path):
    before = git("rev-parse", "HEAD", cwd=project).strip()
    said, body = update_step(project, tmp_path)
    title = f"Template update to {tag(CURRENT)}"
    assert said == {"branch": f"template-update/{tag(CURRENT)}", "title": title}
    assert git("log", "-1", "--format=%s", cwd=project).strip() == title
    assert git("rev-parse", "HEAD~1", cwd=project).strip() == before
    assert git("status", "--porcelain", cwd=project) == "", "the update and the lock, committed"
    assert (project / "uv.lock").is_file() and (project / "server.json").is_file()
    assert "copier update --defaults" in body and "`uv lock` followed." in body
    assert conflicted(project) == []


def test_a_conflict_is_named_in_the_title_and_the_body(project, tmp_path):
    # A dependency of theirs after uvicorn's line, which this release bounds.
    pyproject = project / "pyproject.toml"
    anchor = '    "uvicorn>=0.30",\n'
    assert pyproject.read_text().count(anchor) == 1
    pyproject.write_text(pyproject.read_text().replace(anchor, anchor + '    "packaging>=24",\n'))
    commit(project, "our dependency")
    said, body = update_step(project, tmp_path)
    assert said["title"] == f"Conflicts: Template update to {tag(CURRENT)}"
    assert conflicted(project) == ["pyproject.toml"]
    assert "- pyproject.toml" in body.splitlines() and "then run `uv lock`" in body
    assert git("status", "--porcelain", cwd=project) == "", "markers committed for the PR"


def test_nothing_to_do_leaves_no_commit_and_no_branch(template_repo, tmp_path, render):
    root = project_from(template_repo, tmp_path / NAME, tag(CURRENT), project_name=NAME)
    before = git("rev-parse", "HEAD", cwd=root).strip()
    said, body = update_step(root, tmp_path)
    assert said == {} and body == ""
    assert git("rev-parse", "HEAD", cwd=root).strip() == before
