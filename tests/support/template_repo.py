"""A template git repository with three tagged releases, and projects made
from it, for the update tests.

    UPDATE_BASELINE  this template with tests/fixtures/pre-docker-template/
                     laid over it (the Docker files as they were before the
                     Docker layer); it never shipped
    PREVIOUS         the last release, read from this repository's history
    CURRENT          this template as it is in the work tree

Copier picks releases by PEP 440 tags, so both are real git tags.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import copier
from commands import TEMPLATE_ROOT, run, tool, tool_env
from releases import CURRENT, PREVIOUS, PREVIOUS_COMMIT, UPDATE_BASELINE, tag

PRE_DOCKER_TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "pre-docker-template"
TEMPLATE_PARTS = ("copier.yml", "template", "licenses")
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "chora-base tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "chora-base tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_IDENTITY},
        check=True,
    )
    return result.stdout


def _lay_out_current(dest: Path) -> None:
    _clear(dest)
    for part in TEMPLATE_PARTS:
        source, target = TEMPLATE_ROOT / part, dest / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)


def _clear(dest: Path) -> None:
    for part in TEMPLATE_PARTS:
        target = dest / part
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def _lay_out_previous(dest: Path) -> None:
    """The template parts as PREVIOUS_COMMIT holds them."""
    present = subprocess.run(
        ["git", "cat-file", "-e", f"{PREVIOUS_COMMIT}^{{commit}}"], cwd=TEMPLATE_ROOT
    )
    assert present.returncode == 0, (
        f"release {PREVIOUS} (commit {PREVIOUS_COMMIT}) is not in this clone's history: "
        "clone with full history (git fetch --unshallow)"
    )
    _clear(dest)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", PREVIOUS_COMMIT, *TEMPLATE_PARTS],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def build_template_repo(dest: Path) -> Path:
    """Create the repository at dest (which must not exist) and return its absolute path."""
    dest = dest.resolve()
    dest.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=dest)

    _lay_out_current(dest)
    overlay = [p for p in PRE_DOCKER_TEMPLATE.rglob("*") if p.is_file()]
    for old_file in overlay:
        relative = old_file.relative_to(PRE_DOCKER_TEMPLATE)
        assert (dest / relative).exists(), f"{relative} replaces no template file"
        shutil.copy2(old_file, dest / relative)
    git("add", "-A", cwd=dest)
    git("commit", "-qm", f"chora-base {UPDATE_BASELINE}", cwd=dest)
    git("tag", tag(UPDATE_BASELINE), cwd=dest)

    _lay_out_previous(dest)
    git("add", "-A", cwd=dest)
    git("commit", "-qm", f"chora-base {PREVIOUS}", cwd=dest)
    git("tag", tag(PREVIOUS), cwd=dest)

    _lay_out_current(dest)
    git("add", "-A", cwd=dest)
    git("commit", "-qm", f"chora-base {CURRENT}", cwd=dest)
    git("tag", tag(CURRENT), cwd=dest)
    return dest


def commit(root: Path, message: str) -> None:
    git("add", "-A", cwd=root)
    git("commit", "-qm", message, cwd=root)


def project_from(repo: Path, dest: Path, ref: str, **answers) -> Path:
    """A project generated from repo at ref with these answers, committed in its own git."""
    copier.run_copy(
        str(repo), dest, data=answers, defaults=True, unsafe=False, quiet=True, vcs_ref=ref
    )
    git("init", "-q", "-b", "main", cwd=dest)
    commit(dest, f"generated from chora-base {ref}")
    return dest


def copier_update(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`copier update --defaults ARGS` with the copier CLI, as a user runs it."""
    return run(
        [tool("copier"), "update", "--defaults", *args],
        cwd=root,
        env=tool_env(**GIT_IDENTITY),
    )


def plain_clone(dest: Path) -> Path:
    """`git clone --no-tags` of this repository, as a user makes one, with the
    work tree's uncommitted changes committed on top (none in CI)."""
    dest = dest.resolve()
    subprocess.run(
        ["git", "clone", "--quiet", "--no-tags", str(TEMPLATE_ROOT), str(dest)], check=True
    )
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for relative in filter(None, listed):
        source = TEMPLATE_ROOT / relative
        if source.is_file():
            (dest / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / relative)
    for relative in git("ls-files", cwd=dest).splitlines():
        if not (TEMPLATE_ROOT / relative).exists():
            (dest / relative).unlink()
    if git("status", "--porcelain", cwd=dest).strip():
        commit(dest, "Work tree of the repository under test")
    return dest
