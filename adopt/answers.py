"""Read the answers a project from the public chora-base was generated with.

Such a project has no .copier-answers.yml. What it shows instead: its
pyproject.toml (name, version, description, author, Python, license,
coverage threshold, dependencies), its src/ layout, its Docker files (which
also tell the project type: the public release gave library, command-line
tool and web service projects the same pyproject.toml), its git remote and
links. A key is absent when the project does not show it.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
_QUESTIONS = yaml.safe_load((REPO / "copier.yml").read_text(encoding="utf-8"))
# python_version offers these (its choices are rendered from this list).
PYTHON_VERSIONS = tuple(_QUESTIONS["python_versions"]["default"])
LICENSES = tuple(_QUESTIONS["license"]["choices"])
LICENSE_MARKERS = {
    "MIT License": "MIT",
    "Apache License": "Apache-2.0",
    "GNU GENERAL PUBLIC LICENSE": "GPL-3.0",
    "BSD 3-Clause": "BSD-3-Clause",
    "All rights reserved": "Proprietary",
}
# The service comment the public release wrote above the service in
# docker-compose.yml, and the CMD of its Dockerfile, per project type.
COMPOSE_MARKERS = {
    " MCP Server": "mcp_server",
    " Web Service": "web_service",
    " CLI Tool": "cli_tool",
    " (Library)": "library",
}
DOCKERFILE_MARKERS = {
    r'^CMD \[.*"--help"\]': "cli_tool",
    r'^CMD \["python"\]': "library",
    r"^EXPOSE 8000": "web_service",
}


class AdoptError(Exception):
    """The project cannot be read, or the migration cannot go on; the message says why."""


def git(project: Path, *args: str) -> subprocess.CompletedProcess:
    """A git command in the project; the caller reads its return code."""
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True)


def read_pyproject(project: Path) -> dict:
    path = project / "pyproject.toml"
    if not path.is_file():
        raise AdoptError(f"{project} has no pyproject.toml; is it a chora-base project?")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AdoptError(f"{path} is not valid TOML: {exc}") from None


def package_name(project: Path) -> str | None:
    """The one folder under src/ that holds Python code (the public release
    made it without an __init__.py)."""
    src = project / "src"
    packages = sorted(
        folder.name
        for folder in src.glob("*")
        if folder.is_dir() and not folder.name.endswith(".egg-info") and any(folder.rglob("*.py"))
    )
    return packages[0] if len(packages) == 1 else None


def python_version(requires: str) -> str | None:
    found = re.search(r">=\s*(3\.\d+)", requires)
    return found[1] if found and found[1] in PYTHON_VERSIONS else None


def project_type(project: Path, pyproject: dict) -> str | None:
    meta = pyproject.get("project", {})
    deps = " ".join(meta.get("dependencies", [])).lower()
    if re.search(r"\b(fast)?mcp\b", deps):
        return "mcp_server"
    compose = project / "docker-compose.yml"
    if compose.is_file():
        text = compose.read_text(encoding="utf-8", errors="replace")
        for marker, kind in COMPOSE_MARKERS.items():
            if re.search(rf"(?m)^\s*#.*{re.escape(marker)}\s*$", text):
                return kind
    dockerfile = project / "Dockerfile"
    if dockerfile.is_file():
        text = dockerfile.read_text(encoding="utf-8", errors="replace")
        for marker, kind in DOCKERFILE_MARKERS.items():
            if re.search(marker, text, flags=re.MULTILINE):
                return kind
    if re.search(r"\b(starlette|fastapi|uvicorn|flask)\b", deps):
        return "web_service"
    return None


def license_facts(project: Path, pyproject: dict) -> dict:
    facts = {}
    path = project / "LICENSE"
    if path.is_file():
        text = path.read_text(encoding="utf-8", errors="replace")
        facts["license"] = next((n for m, n in LICENSE_MARKERS.items() if m in text), None)
        year = re.search(r"Copyright \(c\) (\d{4})", text)
        if year:
            facts["copyright_year"] = year[1]
    declared = pyproject.get("project", {}).get("license")
    if isinstance(declared, dict):
        declared = declared.get("text")
    if not facts.get("license") and isinstance(declared, str):
        spdx = declared.split(" OR ")[0].strip().replace("-or-later", "").replace("-only", "")
        facts["license"] = spdx if spdx in LICENSES else None
    return facts


def github_username(project: Path, slug: str | None) -> str | None:
    remote = git(project, "remote", "get-url", "origin")
    found = re.search(r"github\.com[:/]([A-Za-z0-9-]+)/", remote.stdout)
    if found:
        return found[1]
    if slug:  # a link to the project's own repository in its docs
        for doc in ("README.md", "AGENTS.md"):
            path = project / doc
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                link = re.search(rf"github\.com/([A-Za-z0-9-]+)/{re.escape(slug)}\b", text)
                if link:
                    return link[1]
    return None


def coverage_threshold(pyproject: dict) -> int | None:
    value = pyproject.get("tool", {}).get("coverage", {}).get("report", {}).get("fail_under")
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    return None


def read_answers(project: Path) -> dict:
    """Every answer the project itself shows; absent keys are unknown."""
    pyproject = read_pyproject(project)
    meta = pyproject.get("project", {})
    authors = meta.get("authors") or [{}]
    name = meta.get("name", "").lower().replace("_", "-") or None
    found = {
        "project_name": name,
        "project_description": meta.get("description"),
        "project_version": meta.get("version"),
        "author_name": authors[0].get("name"),
        "author_email": authors[0].get("email"),
        "github_username": github_username(project, name),
        "package_name": package_name(project),
        "python_version": python_version(meta.get("requires-python", "")),
        "project_type": project_type(project, pyproject),
        "include_tests": (project / "tests").is_dir(),
        "include_pre_commit": (project / ".pre-commit-config.yaml").is_file(),
        "include_github_actions": (project / ".github" / "workflows").is_dir(),
        "include_justfile": (project / "justfile").is_file(),
        "include_docker": (project / "Dockerfile").is_file()
        or (project / "Dockerfile.test").is_file(),
        "test_coverage_threshold": coverage_threshold(pyproject),
        **license_facts(project, pyproject),
    }
    if found["include_docker"]:
        found["docker_strategy"] = "production" if (project / "Dockerfile").is_file() else "ci-only"
    return {key: value for key, value in found.items() if value is not None}


def for_this_template(answers: dict) -> dict:
    """The answers as this template takes them. The public release gave a
    library a production image; this one gives it the test image alone, which
    needs tests, and leaves the library's own Dockerfile as it is."""
    if answers.get("project_type") != "library" or not answers.get("include_docker"):
        return answers
    fitted = {key: value for key, value in answers.items() if key != "docker_strategy"}
    return {**fitted, "include_docker": bool(answers.get("include_tests"))}
