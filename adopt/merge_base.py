"""The merge base of a migration: the Docker layer as the public chora-base
release generated it for a project's answers.

release-1.9.0/ re-creates those files as templates: the same
instructions, comments worded here. When the project's first commit holds a
file whose instructions equal the re-created ones, that committed file is the
base instead, so its exact comments count as generated, not as the user's.
A first commit that differs in an instruction is not trusted as the base: the
difference may be the user's own, and only a base without it keeps it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import jinja2

from adopt.answers import git

TEMPLATES = Path(__file__).resolve().parent / "release-1.9.0"
FILES = ("Dockerfile", "Dockerfile.test", ".dockerignore", "docker-compose.yml", "justfile")

_JINJA = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


def public_answers(project: Path, answers: dict) -> dict:
    """The answers as the public release saw them. It wrote Dockerfile.test
    and the pytest dependencies when include_tests was on, whether or not the
    project has a tests/ folder today."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    dev = pyproject.get("project", {}).get("optional-dependencies", {}).get("dev", [])
    production = (project / "Dockerfile").is_file()
    return {
        "test_coverage_threshold": 85,  # the public default, when tests were off here
        **answers,
        "project_slug": answers["project_name"],
        "include_tests": any(re.match(r"pytest\b", dep) for dep in dev),
        # What the project's Dockerfiles show the release made, whatever this
        # template makes of them (a library's production image: none).
        "include_docker": production or (project / "Dockerfile.test").is_file(),
        "docker_strategy": "production" if production else "ci-only",
    }


def generated_by_public_release(name: str, context: dict) -> bool:
    if not context["include_docker"]:
        return name == "justfile" and context["include_justfile"]
    if name in ("Dockerfile", "docker-compose.yml"):
        return context["docker_strategy"] == "production"
    return name != "justfile" or context["include_justfile"]


def rendered(name: str, context: dict) -> str | None:
    """The re-created file, or None when the public release made no such file."""
    if not generated_by_public_release(name, context):
        return None
    return _JINJA.get_template(f"{name}.jinja").render(context)


def instructions(text: str) -> list[str]:
    """The lines that do something: no blank lines, comments or echoed help texts."""
    kept = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not stripped.startswith("@echo"):
            kept.append(line.rstrip())
    return kept


def first_committed(project: Path, name: str) -> str | None:
    """The file as the project's first commit holds it, if it does."""
    roots = git(project, "rev-list", "--max-parents=0", "HEAD")
    if roots.returncode != 0 or not roots.stdout.split():
        return None
    shown = git(project, "show", f"{roots.stdout.split()[-1]}:{name}")
    return shown.stdout if shown.returncode == 0 else None


def merge_base(project: Path, name: str, context: dict) -> tuple[str | None, str]:
    """(base text, where it came from) for one Docker-layer file."""
    recreated = rendered(name, context)
    if recreated is None:
        return None, "the public release made no such file"
    committed = first_committed(project, name)
    if committed is not None and instructions(committed) == instructions(recreated):
        return committed, "as your first commit has it"
    return recreated, "re-created from the public release"
