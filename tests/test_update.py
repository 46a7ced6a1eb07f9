"""`copier update` from v1.9.0 to v1.9.1 keeps every user edit.

Real git repositories and the real copier CLI, with the commands that
docs/upgrading/v1.9.0-to-v1.9.1.md gives.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import copier
import pytest
import yaml
from conftest import QUESTIONS, copy_of, docker_env, run, tool, tool_env
from containers import remove, start, wait_for_health
from release_repo import GIT_IDENTITY, build_release_repo, git

NAME = "upgrade-me"
PACKAGE = "upgrade_me"
DOCKER_FILES = ("Dockerfile", "Dockerfile.test", ".dockerignore", "docker-compose.yml", "justfile")
USER_README = "\n## Deployment notes\n\nOur own section, written after generation.\n"
USER_RECIPE = "\n# Our own recipe\nhello:\n    echo hello from the team\n"


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> Path:
    return build_release_repo(tmp_path_factory.mktemp("releases") / "chora-base")


def copy_v190(releases: Path, dest: Path, **answers) -> Path:
    copier.run_copy(
        str(releases),
        dest,
        data={"project_name": NAME, **answers},
        defaults=True,
        unsafe=False,
        quiet=True,
        vcs_ref="v1.9.0",
    )
    git("init", "-q", "-b", "main", cwd=dest)
    commit(dest, "generated from chora-base v1.9.0")
    return dest


def commit(root: Path, message: str) -> None:
    git("add", "-A", cwd=root)
    git("commit", "-qm", message, cwd=root)


UPGRADE_DOC = Path(__file__).resolve().parent.parent / "docs/upgrading/v1.9.0-to-v1.9.1.md"
UPDATE = ("--vcs-ref", "v1.9.1")
ADD_DOCKER = ("--vcs-ref", "v1.9.1", "--data", "include_docker=true")


def test_the_upgrade_doc_gives_the_commands_these_tests_run():
    doc = UPGRADE_DOC.read_text(encoding="utf-8")
    for args in (UPDATE, ADD_DOCKER):
        assert "copier update --defaults " + " ".join(args) in doc
    assert "python scripts/adopt_v190.py ../my-project" in doc


def copier_update(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The documented command, run as a user runs it."""
    return run(
        [tool("copier"), "update", "--defaults", *args],
        cwd=root,
        env=tool_env(**GIT_IDENTITY),
    )


def answers(root: Path) -> dict:
    return yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))


def conflicted(root: Path) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if ".git" in path.parts or not path.is_file():
            continue
        if path.suffix == ".rej" or "<<<<<<< " in path.read_text(
            encoding="utf-8", errors="replace"
        ):
            hits.append(str(path.relative_to(root)))
    return hits


def edit_like_a_user(root: Path) -> None:
    with (root / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(USER_README)
    (root / "src" / PACKAGE / "extras.py").write_text('"""Our own module."""\n\nANSWER = 42\n')
    with (root / "justfile").open("a", encoding="utf-8") as justfile:
        justfile.write(USER_RECIPE)
    compose = root / "docker-compose.yml"
    text = compose.read_text(encoding="utf-8")
    assert "LOG_LEVEL: ${LOG_LEVEL:-INFO}" in text
    compose.write_text(text.replace("${LOG_LEVEL:-INFO}", "${LOG_LEVEL:-DEBUG}"))
    commit(root, "our edits")


@pytest.fixture(scope="module")
def updated(releases, tmp_path_factory) -> Path:
    root = copy_v190(releases, tmp_path_factory.mktemp("update") / NAME, include_docker=True)
    edit_like_a_user(root)
    copier_update(root, *UPDATE)
    return root


def test_v190_baseline_is_the_old_docker_setup(releases, tmp_path):
    root = copy_v190(releases, tmp_path / NAME, include_docker=True)
    assert "pip install --no-cache-dir -e ." in (root / "Dockerfile").read_text()
    assert "docker-release" not in (root / "justfile").read_text()
    assert answers(root)["_commit"] == "v1.9.0"


def test_docker_files_carry_the_v191_patterns(updated):
    dockerfile = (updated / "Dockerfile").read_text()
    assert "AS builder" in dockerfile and "pip wheel" in dockerfile
    assert "USER 1000:1000" in dockerfile and f"{PACKAGE}.healthcheck" in dockerfile
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
    assert (updated / "src" / PACKAGE / "extras.py").read_text().endswith("ANSWER = 42\n")
    assert (updated / "justfile").read_text().endswith(USER_RECIPE)
    assert "LOG_LEVEL: ${LOG_LEVEL:-DEBUG}" in (updated / "docker-compose.yml").read_text()


def test_no_conflicts_and_answers_record_v191(updated):
    assert conflicted(updated) == []
    recorded = answers(updated)
    assert recorded["_commit"] == "v1.9.1"
    assert recorded["include_docker"] is True


def test_updated_files_pass_their_tools(updated):
    result = run([tool("hadolint"), "--failure-threshold", "style", "Dockerfile"], cwd=updated)
    assert result.stdout.strip() == ""
    run([tool("just"), "--summary"], cwd=updated)
    run([tool("docker-compose"), "config", "--quiet"], cwd=updated)


def test_overlapping_edit_is_shown_as_a_conflict(releases, tmp_path):
    root = copy_v190(releases, tmp_path / NAME, include_docker=True)
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


def test_without_docker_no_docker_file_appears_until_asked(releases, tmp_path):
    root = copy_v190(releases, tmp_path / NAME, include_docker=False)
    copier_update(root, *UPDATE)
    present = [name for name in DOCKER_FILES[:-1] if (root / name).exists()]
    assert present == [] and answers(root)["_commit"] == "v1.9.1"
    commit(root, "update to v1.9.1")
    copier_update(root, *ADD_DOCKER)
    assert all((root / name).exists() for name in DOCKER_FILES)
    assert answers(root)["include_docker"] is True
    assert conflicted(root) == []


def test_v190_answers_stay_valid(releases, tmp_path):
    root = copy_v190(releases, tmp_path / NAME, include_docker=True)
    old = {key for key in answers(root) if not key.startswith("_")}
    assert old <= set(QUESTIONS), f"v1.9.1 dropped or renamed {sorted(old - set(QUESTIONS))}"
    no_default = [name for name, spec in QUESTIONS.items() if "default" not in spec]
    assert no_default == [], "new questions need defaults so --defaults needs no input"


@pytest.mark.docker
def test_image_from_the_updated_project_is_healthy(updated, docker, tmp_path):
    root = copy_of(updated, tmp_path)
    run([tool("just"), "docker-build"], cwd=root, env=docker_env(docker), timeout=900)
    run([tool("just"), "docker-verify"], cwd=root, env=docker_env(docker))
    name = f"{NAME}-updated"
    try:
        start(docker, name, f"{NAME}:latest", "--env", "MCP_TRANSPORT=streamable-http")
        wait_for_health(docker, name, "healthy", timeout=30)
    finally:
        remove(docker, name)
