"""Build a template git repository with two releases, for update tests and the benchmark.

    v1.9.0  this template with the files in tests/fixtures/v1.9.0/ swapped in
            (the Docker files as they were before the Docker release)
    v1.9.1  this template as it is in the work tree

Copier picks releases by PEP 440 tags, so both tags are real git tags.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
FIXTURE_V190 = Path(__file__).resolve().parent / "fixtures" / "v1.9.0"
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
    for part in TEMPLATE_PARTS:
        target = dest / part
        if target.is_dir():
            shutil.rmtree(target)
        source = TEMPLATE_ROOT / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)


def build_release_repo(dest: Path) -> Path:
    """Create the repository at dest (which must not exist) and return its absolute path."""
    dest = dest.resolve()
    dest.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=dest)

    _lay_out_current(dest)
    fixture_files = [p for p in FIXTURE_V190.rglob("*") if p.is_file()]
    for fixture in fixture_files:
        relative = fixture.relative_to(FIXTURE_V190)
        assert (dest / relative).exists(), f"fixture {relative} replaces no template file"
        shutil.copy2(fixture, dest / relative)
    git("add", "-A", cwd=dest)
    git("commit", "-qm", "chora-base v1.9.0", cwd=dest)
    git("tag", "v1.9.0", cwd=dest)

    _lay_out_current(dest)
    git("add", "-A", cwd=dest)
    git("commit", "-qm", "chora-base v1.9.1: the Docker release", cwd=dest)
    git("tag", "v1.9.1", cwd=dest)
    return dest
