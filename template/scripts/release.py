"""The release rules, in one place for `just release` and the release workflow.

    python3 scripts/release.py bump X.Y.Z   # set the version, head the notes, commit, tag
    python3 scripts/release.py check vX.Y.Z # the tag matches; print its CHANGELOG notes

The version lives in pyproject.toml; a Helm chart's appVersion follows it.

`bump` refuses, in one line, whatever would make a bad release: a version that
is not X.Y.Z or not greater than pyproject.toml's, a dirty work tree, a tag that
exists. `check` is what a pushed tag must pass before anything is published.
Standard library only: it runs before any environment is installed.
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
    pyproject = PYPROJECT.read_text(encoding="utf-8")
    PYPROJECT.write_text(
        pyproject.replace(f'version = "{current}"', f'version = "{version}"', 1), encoding="utf-8"
    )
    heading = f"{UNRELEASED}\n## [{version}] - {date.today().isoformat()}\n"
    CHANGELOG.write_text(changelog.replace(UNRELEASED, heading, 1), encoding="utf-8")
    changed = [str(PYPROJECT), str(CHANGELOG)]
    for chart in CHARTS:
        text = chart.read_text(encoding="utf-8")
        chart.write_text(APP_VERSION_LINE.sub(f'appVersion: "{version}"', text), encoding="utf-8")
        changed.append(str(chart))
    if Path("uv.lock").exists():  # it records the project's own version
        subprocess.run(["uv", "lock", "--quiet"], check=True)
        changed.append("uv.lock")
    subprocess.run(["git", "add", *changed], check=True)
    subprocess.run(["git", "commit", "--quiet", "-m", f"Release {version}"], check=True)
    subprocess.run(["git", "tag", "-a", f"v{version}", "-m", f"Release {version}"], check=True)
    return f"Tagged v{version}; publish it with: git push origin HEAD v{version}"


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
