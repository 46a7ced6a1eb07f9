"""Edits a user makes to a generated project, shared by the tiers that check them."""

from __future__ import annotations

import re
from pathlib import Path

from template_repo import commit

USER_README = "\n## Deployment notes\n\nOur own section, written after generation.\n"
USER_RECIPE = "\n# Our own recipe\nhello:\n    echo hello from the team\n"
USER_MODULE = '"""Our own module."""\n\nANSWER = 42\n'


def make_user_edits(root: Path, package: str) -> None:
    """What a team changes after generation: README, a module, a recipe, a compose default."""
    with (root / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(USER_README)
    (root / "src" / package / "extras.py").write_text(USER_MODULE, encoding="utf-8")
    with (root / "justfile").open("a", encoding="utf-8") as justfile:
        justfile.write(USER_RECIPE)
    compose = root / "docker-compose.yml"
    text = compose.read_text(encoding="utf-8")
    assert "LOG_LEVEL: ${LOG_LEVEL:-INFO}" in text
    compose.write_text(text.replace("${LOG_LEVEL:-INFO}", "${LOG_LEVEL:-DEBUG}"), encoding="utf-8")
    commit(root, "our edits")


FAIL_UNDER = re.compile(r"(?m)^fail_under = \d+$")


def raise_threshold_above_reach(root: Path, package: str) -> None:
    """fail_under 100 in pyproject.toml, and a module no test runs, so it cannot be met."""
    pyproject = root / "pyproject.toml"
    text, count = FAIL_UNDER.subn("fail_under = 100", pyproject.read_text(encoding="utf-8"))
    assert count == 1, "pyproject.toml must hold the threshold once"
    pyproject.write_text(text, encoding="utf-8")
    (root / "src" / package / "never_run.py").write_text("def unused():\n    return 1\n")


def coverage_verdict(output: str) -> str | None:
    """pytest-cov's closing line about the threshold ("85% reached", "100% not reached")."""
    found = re.search(r"Required test coverage of (\d+)(?:\.0+)?% (reached|not reached)", output)
    return f"{found[1]}% {found[2]}" if found else None


def total_coverage(output: str) -> str | None:
    """The TOTAL row's percentage ("100%") in pytest-cov's term-missing report."""
    found = re.search(r"^TOTAL\s.*?(\d+(?:\.\d+)?%)\s*$", output, flags=re.M)
    return found[1] if found else None


CONFLICT = re.compile(r"<<<<<<< your file\n(.*?)=======\n(.*?)>>>>>>> chora-base\n", re.S)


# How copier update marks a conflict: the project before updating, then after.
UPDATE_CONFLICT = re.compile(
    r"<<<<<<< before updating\n(.*?)=======\n(.*?)>>>>>>> after updating\n", re.S
)
REQUIREMENT = re.compile(r'\s*"([A-Za-z0-9][A-Za-z0-9._-]*)')


def requirement(line: str) -> str | None:
    """The package a pyproject.toml dependency line names; None for any other line."""
    found = REQUIREMENT.match(line)
    return found[1] if found else None


def resolve_taking_the_template_then_yours(path: Path) -> None:
    """What the upgrade guide tells a user whose own dependencies follow the
    template's last one: the template's lines, then theirs, once each."""

    def merged(conflict: re.Match) -> str:
        template = conflict[2].splitlines(keepends=True)
        taken = {requirement(line) for line in template} - {None}
        yours = [
            line
            for line in conflict[1].splitlines(keepends=True)
            if requirement(line) not in taken | {None}
        ]
        return "".join(template + yours)

    path.write_text(UPDATE_CONFLICT.sub(merged, path.read_text(encoding="utf-8")), encoding="utf-8")


def conflicted(root: Path) -> list[str]:
    """Files with conflict markers or rejected hunks, as a user's `git status` shows them."""
    hits = []
    for path in root.rglob("*"):
        if ".git" in path.parts or not path.is_file():
            continue
        if path.suffix == ".rej" or "<<<<<<< " in path.read_text(errors="replace"):
            hits.append(str(path.relative_to(root)))
    return sorted(hits)


def resolve_taking_the_template(root: Path) -> None:
    """What the upgrade guide tells a user: keep this release's side of each conflict."""
    for path in root.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="replace")
            if "<<<<<<< your file" in text:
                path.write_text(CONFLICT.sub(lambda m: m[2], text), encoding="utf-8")


RELEASE_NOTE = "- Our change, written under Unreleased.\n"


def write_release_notes(root: Path) -> None:
    """Say what changed under the CHANGELOG's Unreleased heading, as a release needs."""
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    assert text.count("## [Unreleased]\n") == 1
    changelog.write_text(text.replace("## [Unreleased]\n", f"## [Unreleased]\n\n{RELEASE_NOTE}"))
