"""`copier update` from an older release of this template to the current one keeps
every user edit (the older one: releases.UPDATE_BASELINE, Docker files from
before the Docker layer).

Real git repositories and the real copier CLI, with the commands that the
upgrade guide (docs/upgrading/) gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from commands import TEMPLATE_ROOT, run, tool
from edits import USER_MODULE, USER_README, USER_RECIPE, conflicted, make_user_edits
from questions import QUESTIONS
from releases import CURRENT, PUBLIC, UPDATE_BASELINE, tag
from template_repo import commit, copier_update, project_from

NAME = "upgrade-me"
PACKAGE = "upgrade_me"
DOCKER_FILES = ("Dockerfile", "Dockerfile.test", ".dockerignore", "docker-compose.yml", "justfile")
UPGRADE_DOC = TEMPLATE_ROOT / "docs" / "upgrading" / f"v{PUBLIC}-to-v{CURRENT}.md"
UPDATE = ("--vcs-ref", tag(CURRENT))
ADD_DOCKER = ("--vcs-ref", tag(CURRENT), "--data", "include_docker=true")
# python -m adopt as the guide gives it; tests/adopt/test_fast.py runs each form.
ADOPT_COMMANDS = ("--dry-run", "--defaults --data github_username=acme")


def previous_project(template_repo: Path, dest: Path, **answers) -> Path:
    return project_from(template_repo, dest, tag(UPDATE_BASELINE), project_name=NAME, **answers)


def test_the_upgrade_doc_gives_the_commands_these_tests_run():
    doc = UPGRADE_DOC.read_text(encoding="utf-8")
    for args in (UPDATE, ADD_DOCKER):
        assert "copier update --defaults " + " ".join(args) in doc
    for command in ADOPT_COMMANDS:
        assert f".venv/bin/python -m adopt ../my-project {command}".rstrip() in doc


def answers(root: Path) -> dict:
    return yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def updated(template_repo, tmp_path_factory) -> Path:
    root = previous_project(
        template_repo, tmp_path_factory.mktemp("update") / NAME, include_docker=True
    )
    make_user_edits(root, PACKAGE)
    copier_update(root, *UPDATE)
    return root


def test_previous_release_is_the_old_docker_setup(template_repo, tmp_path):
    root = previous_project(template_repo, tmp_path / NAME, include_docker=True)
    assert "pip install --no-cache-dir -e ." in (root / "Dockerfile").read_text()
    assert "docker-release" not in (root / "justfile").read_text()
    assert answers(root)["_commit"] == tag(UPDATE_BASELINE)


def test_docker_files_carry_the_current_patterns(updated):
    dockerfile = (updated / "Dockerfile").read_text()
    assert "AS builder" in dockerfile and "uv sync --locked --no-dev" in dockerfile
    assert "USER 1000:1000" in dockerfile and f"{PACKAGE}.kit.healthcheck" in dockerfile
    assert " -e ." not in dockerfile
    assert "--mount=type=cache" in (updated / "Dockerfile.test").read_text()
    assert "**/__pycache__" in (updated / ".dockerignore").read_text()
    compose = yaml.safe_load((updated / "docker-compose.yml").read_text())
    assert "version" not in compose
    assert compose["networks"][NAME]["name"] == f"{NAME}-network"
    recipes = run([tool("just"), "--summary"], cwd=updated).stdout.split()
    assert {"docker-release", "docker-verify", "docker-build-multi", "hello"} <= set(recipes)


def test_every_user_edit_survives(updated):
    assert (updated / "README.md").read_text().endswith(USER_README)
    assert (updated / "src" / PACKAGE / "extras.py").read_text() == USER_MODULE
    assert (updated / "justfile").read_text().endswith(USER_RECIPE)
    assert "LOG_LEVEL: ${LOG_LEVEL:-DEBUG}" in (updated / "docker-compose.yml").read_text()


def test_no_conflicts_and_answers_record_the_current_release(updated):
    assert conflicted(updated) == []
    recorded = answers(updated)
    assert recorded["_commit"] == tag(CURRENT)
    assert recorded["include_docker"] is True


def test_computed_values_stay_out_of_the_answers_file(updated):
    computed = {name for name, spec in QUESTIONS.items() if spec.get("when") is False}
    assert computed and not computed & set(answers(updated))


def test_updated_files_pass_their_tools(updated):
    result = run([tool("hadolint"), "--failure-threshold", "style", "Dockerfile"], cwd=updated)
    assert result.stdout.strip() == ""
    run([tool("just"), "--summary"], cwd=updated)
    run([tool("docker-compose"), "config", "--quiet"], cwd=updated)


def test_overlapping_edit_is_shown_as_a_conflict(template_repo, tmp_path):
    root = previous_project(template_repo, tmp_path / NAME, include_docker=True)
    dockerfile = root / "Dockerfile"
    ours = 'RUN pip install --no-cache-dir -e ".[server]"'
    dockerfile.write_text(
        dockerfile.read_text().replace("RUN pip install --no-cache-dir -e .", ours)
    )
    commit(root, "install our extra")
    copier_update(root, *UPDATE)
    text = dockerfile.read_text()
    assert "<<<<<<< " in text and ">>>>>>> " in text
    assert ours in text, "the user's line was lost"
    assert conflicted(root) == ["Dockerfile"]


def test_without_docker_no_docker_file_appears_until_asked(template_repo, tmp_path):
    root = previous_project(template_repo, tmp_path / NAME, include_docker=False)
    copier_update(root, *UPDATE)
    present = [name for name in DOCKER_FILES[:-1] if (root / name).exists()]
    assert present == [] and answers(root)["_commit"] == tag(CURRENT)
    commit(root, f"update to {CURRENT}")
    copier_update(root, *ADD_DOCKER)
    assert all((root / name).exists() for name in DOCKER_FILES)
    assert answers(root)["include_docker"] is True
    assert conflicted(root) == []


def test_previous_answers_stay_valid(template_repo, tmp_path):
    root = previous_project(template_repo, tmp_path / NAME, include_docker=True)
    old = {key for key in answers(root) if not key.startswith("_")}
    assert old <= set(QUESTIONS), f"{CURRENT} dropped or renamed {sorted(old - set(QUESTIONS))}"
    no_default = [name for name, spec in QUESTIONS.items() if "default" not in spec]
    assert no_default == [], "new questions need defaults so --defaults needs no input"
