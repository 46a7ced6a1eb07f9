"""A generated project's GitHub workflows as the tests read them: parsed YAML,
and the shell of a named step, to run it here as the runner would."""

from __future__ import annotations

from pathlib import Path

import yaml


def load_workflow(root: Path, name: str) -> dict:
    return yaml.safe_load((root / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def step_runs(root: Path, name: str, job: str) -> dict[str, str]:
    """The `run:` of each named step of one job."""
    steps = load_workflow(root, name)["jobs"][job]["steps"]
    return {step["name"]: step["run"] for step in steps if "run" in step and "name" in step}


# The step, in the release workflow and before the Docker workflow's push, that
# runs scripts/release.py check on the pushed tag.
RELEASE_CHECK = "The tag is the project's version, and CHANGELOG.md has its notes"
