"""A generated project's GitHub workflows as the tests read them: parsed YAML,
the shell of a named step, to run it here as the runner would, and what
zizmor finds in them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from commands import run, tool


def load_workflow(root: Path, name: str) -> dict:
    return yaml.safe_load((root / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def step_runs(root: Path, name: str, job: str) -> dict[str, str]:
    """The `run:` of each named step of one job."""
    steps = load_workflow(root, name)["jobs"][job]["steps"]
    return {step["name"]: step["run"] for step in steps if "run" in step and "name" in step}


# The step, in the release workflow and before the Docker workflow's push, that
# runs scripts/release.py check on the pushed tag.
RELEASE_CHECK = "The tag is the project's version, and CHANGELOG.md has its notes"


def zizmor_findings(root: Path) -> tuple[list[tuple[str, str]], int]:
    """zizmor's findings in the project, offline, as (ident, severity), and its exit status."""
    result = run([tool("zizmor"), "--offline", "--format", "json", "."], cwd=root, check=False)
    findings = [(f["ident"], f["determinations"]["severity"]) for f in json.loads(result.stdout)]
    return findings, result.returncode


def zizmor_findings_allowed(pypi_auth_method: str) -> list[tuple[str, str]]:
    """The one finding an answer asks for: an API token to publish to PyPI,
    which zizmor (informational) says trusted publishing would replace."""
    return [("use-trusted-publishing", "Informational")] if pypi_auth_method == "token" else []
