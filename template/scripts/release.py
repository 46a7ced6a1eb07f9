"""The release rules, in one place for `just release` and the release workflow.

    python3 scripts/release.py bump X.Y.Z   # set the version, head the notes, commit, tag
    python3 scripts/release.py check vX.Y.Z # the tag matches; print its CHANGELOG notes
    python3 scripts/release.py registry vX.Y.Z BUNDLE  # server.json with the bundle's entry

The version lives in pyproject.toml; a Helm chart's appVersion, an MCP
server's registry entry (server.json: its version, the PyPI package's, the
image's tag) and its bundle's manifest.json follow it.

`bump` refuses, in one line, whatever would make a bad release: a version that
is not X.Y.Z or not greater than pyproject.toml's, a dirty work tree, a tag that
exists. A step that fails (the lock, or a commit that a pre-commit hook stops)
puts back every file it touched and says so in one line. `check` is what a
pushed tag must pass before anything is published. Standard library only: it
runs before any environment is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
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
# An MCP server's entry in the MCP Registry, and its MCPB bundle's manifest.
SERVER_JSON = Path("server.json")
BUNDLE_MANIFEST = Path("manifest.json")
VERSIONED = [path for path in (SERVER_JSON, BUNDLE_MANIFEST) if path.exists()]


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
    changed = [PYPROJECT, CHANGELOG, *CHARTS, *VERSIONED] + ([LOCK] if LOCK.exists() else [])
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
    for path in VERSIONED:
        write_json(path, with_version(read_json(path), version))


def read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise Refused(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Refused(f"{path} is not a JSON object")
    return data


def write_json(path: Path, data: dict[str, object]) -> None:
    # The layout the template writes, so that a release changes the versions alone.
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def packages(entry: dict[str, object]) -> list[dict[str, object]]:
    listed = entry.get("packages")
    if not isinstance(listed, list):
        return []
    return [package for package in listed if isinstance(package, dict)]


def image_tag(package: dict[str, object]) -> str:
    return str(package.get("identifier", "")).rpartition(":")[2]


def with_version(entry: dict[str, object], version: str) -> dict[str, object]:
    """server.json or manifest.json at `version`: its own, each package's, the image's tag."""
    entry["version"] = version
    for package in packages(entry):
        if package.get("registryType") == "oci":
            image = str(package["identifier"]).rpartition(":")[0]
            package["identifier"] = f"{image}:{version}"
        elif "version" in package:
            package["version"] = version
    return entry


def out_of_step(version: str) -> list[str]:
    """What in server.json and manifest.json does not say `version`."""
    problems = []
    for path in VERSIONED:
        entry = read_json(path)
        if entry.get("version") != version:
            problems.append(f"{path}'s version is {entry.get('version')!r}")
        for package in packages(entry):
            kind = package.get("registryType")
            if kind == "oci" and image_tag(package) != version:
                problems.append(f"{path}'s image is {package.get('identifier')!r}")
            elif kind != "oci" and package.get("version", version) != version:
                problems.append(f"{path}'s {kind} package is {package.get('version')!r}")
    return problems


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
    problems = out_of_step(version)
    if problems:
        raise Refused(f"{'; '.join(problems)}: not {version}, pyproject.toml's version")
    return release_notes


def registry(tag: str, bundle: Path) -> str:
    """server.json as the MCP Registry gets it for `tag`: the bundle attached to
    the GitHub release added as an mcpb package, with its SHA-256."""
    check(tag)
    if not SERVER_JSON.exists():
        raise Refused("server.json is missing: this project has no registry entry")
    try:
        digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    except OSError as exc:
        raise Refused(f"cannot read the bundle {bundle}: {exc.strerror}") from None
    entry = read_json(SERVER_JSON)
    repository = entry.get("repository")
    url = repository.get("url") if isinstance(repository, dict) else None
    if not url:
        raise Refused("server.json has no repository url, where the bundle is downloaded from")
    listed = [package for package in packages(entry) if package.get("registryType") != "mcpb"]
    listed.append(
        {
            "registryType": "mcpb",
            "identifier": f"{url}/releases/download/{tag}/{bundle.name}",
            "fileSha256": digest,
            "transport": {"type": "stdio"},
        }
    )
    entry["packages"] = listed
    write_json(SERVER_JSON, entry)
    return f"server.json lists {bundle.name} (sha256 {digest})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release", description="The release rules.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("bump", help="set VERSION, head the notes, commit, tag").add_argument(
        "version"
    )
    commands.add_parser("check", help="check TAG and print its notes").add_argument("tag")
    entry = commands.add_parser("registry", help="add the bundle of TAG to server.json")
    entry.add_argument("tag")
    entry.add_argument("bundle", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "bump":
            output = bump(args.version)
        elif args.command == "check":
            output = check(args.tag)
        else:
            output = registry(args.tag, args.bundle)
    except Refused as problem:
        print(f"release: {problem}", file=sys.stderr)
        return 1
    print(output, end="" if output.endswith("\n") else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
