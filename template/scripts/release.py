"""The release rules, in one place for `just release` and the release workflow.

    python3 scripts/release.py bump X.Y.Z   # set the version, head the notes, commit, tag
    python3 scripts/release.py check vX.Y.Z # the tag matches; print its CHANGELOG notes

The version lives in pyproject.toml; a Helm chart's appVersion follows it.

`bump` refuses, in one line, whatever would make a bad release: a version that
is not X.Y.Z or not greater than pyproject.toml's, a dirty work tree, a tag that
exists. A step that fails (the lock, or a commit that a pre-commit hook stops)
puts back every file it touched and says so in one line. `check` is what a
pushed tag must pass before anything is published. Standard library only: it
runs before any environment is installed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

PYPROJECT = Path("pyproject.toml")
CHANGELOG = Path("CHANGELOG.md")
# Helm charts deploy the project's version as their appVersion.
CHARTS = sorted(Path("charts").glob("*/Chart.yaml"))
APP_VERSION_LINE = re.compile(r'(?m)^appVersion: "([^"]*)"$')
VERSION_LINE = re.compile(r'(?m)^version = "([^"]+)"$')
UNRELEASED = "\n## [Unreleased]\n"
LOCK = Path("uv.lock")


class Refused(Exception):
    """A release that must not happen; the message is the one line printed."""


def project_version() -> str:
    found = VERSION_LINE.search(PYPROJECT.read_text(encoding="utf-8"))
    if not found:
        raise Refused('pyproject.toml has no `version = "X.Y.Z"` line')
    return found[1]


def parse(version: str) -> tuple[int, int, int]:
    if not re.fullmatch(r"[0-9]+[.][0-9]+[.][0-9]+", version):
        raise Refused(f"VERSION must be X.Y.Z (got {version!r})")
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


def section(text: str, heading: str) -> str | None:
    """A CHANGELOG's text under `## [heading]` (a date may follow), up to the
    next such heading; None if there is no such heading."""
    found = re.search(rf"(?m)^## \[{re.escape(heading)}\]( - .*)?$", text)
    if not found:
        return None
    rest = text[found.end() :]
    following = re.search(r"(?m)^## \[", rest)
    return (rest[: following.start()] if following else rest).strip()


def notes(version: str) -> str:
    body = section(CHANGELOG.read_text(encoding="utf-8"), version)
    if body is None:
        raise Refused(f"CHANGELOG.md has no '## [{version}]' section")
    if not body:
        raise Refused(f"CHANGELOG.md's section for {version} is empty")
    return body + "\n"


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def bump(version: str) -> str:
    wanted = parse(version)
    if git("rev-parse", "--git-dir").returncode != 0:
        raise Refused("not a git work tree")
    if git("status", "--porcelain").stdout.strip():
        raise Refused("the work tree has uncommitted changes: commit them first")
    current = project_version()
    if wanted <= parse(current):
        raise Refused(f"VERSION must be greater than {current}, the version in pyproject.toml")
    if git("rev-parse", "-q", "--verify", f"refs/tags/v{version}").returncode == 0:
        raise Refused(f"tag v{version} exists already")
    changelog = CHANGELOG.read_text(encoding="utf-8")
    if UNRELEASED not in changelog:
        raise Refused("CHANGELOG.md has no '## [Unreleased]' heading")
    if not section(changelog, "Unreleased"):
        raise Refused("CHANGELOG.md has nothing under '## [Unreleased]': say what changed first")
    changed = [PYPROJECT, CHANGELOG, *CHARTS] + ([LOCK] if LOCK.exists() else [])
    try:
        write_release(version, current, changelog)
        if LOCK.exists():  # it records the project's own version
            step("uv lock", "uv", "lock", "--quiet")
        step("git add", "git", "add", *map(str, changed))
        step("git commit", "git", "commit", "--quiet", "-m", f"Release {version}")
    except (StepFailed, OSError) as failure:
        # The tree was clean: HEAD holds every file this touched, as it was.
        git("reset", "--quiet", "--", *map(str, changed))
        git("checkout", "--quiet", "--", *map(str, changed))
        raise Refused(f"{failure}; nothing changed, nothing was released") from None
    try:
        step("git tag", "git", "tag", "-a", f"v{version}", "-m", f"Release {version}")
    except StepFailed as failure:
        raise Refused(
            f"{failure}; Release {version} is committed: tag it with "
            f"git tag -a v{version} -m 'Release {version}'"
        ) from None
    return f"Tagged v{version}; publish it with: git push origin HEAD v{version}"


def write_release(version: str, current: str, changelog: str) -> None:
    """The version in pyproject.toml and the charts, the notes headed with it."""
    pyproject = PYPROJECT.read_text(encoding="utf-8")
    PYPROJECT.write_text(
        pyproject.replace(f'version = "{current}"', f'version = "{version}"', 1), encoding="utf-8"
    )
    heading = f"{UNRELEASED}\n## [{version}] - {date.today().isoformat()}\n"
    CHANGELOG.write_text(changelog.replace(UNRELEASED, heading, 1), encoding="utf-8")
    for chart in CHARTS:
        text = chart.read_text(encoding="utf-8")
        chart.write_text(APP_VERSION_LINE.sub(f'appVersion: "{version}"', text), encoding="utf-8")


class StepFailed(Exception):
    """A command of the release failed; the message says which, and its last words."""


def step(what: str, *command: str) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise StepFailed(f"{what} could not run: {exc.strerror}") from None
    if result.returncode != 0:
        said = (result.stderr.strip() or result.stdout.strip()).splitlines()
        last = f": {said[-1].strip()}" if said else ""
        raise StepFailed(f"{what} failed (exit {result.returncode}){last}")


def check(tag: str) -> str:
    version = project_version()
    if tag != f"v{version}":
        raise Refused(f"tag {tag!r} does not match pyproject.toml's version {version} (v{version})")
    release_notes = notes(version)
    for chart in CHARTS:
        found = APP_VERSION_LINE.search(chart.read_text(encoding="utf-8"))
        if not found or found[1] != version:
            raise Refused(f"{chart}'s appVersion is not {version}")
    return release_notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release", description="The release rules.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("bump", help="set VERSION, head the notes, commit, tag").add_argument(
        "version"
    )
    commands.add_parser("check", help="check TAG and print its notes").add_argument("tag")
    args = parser.parse_args(argv)
    try:
        output = bump(args.version) if args.command == "bump" else check(args.tag)
    except Refused as problem:
        print(f"release: {problem}", file=sys.stderr)
        return 1
    print(output, end="" if output.endswith("\n") else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
