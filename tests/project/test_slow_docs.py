"""Slow tier: the generated documentation, followed literally.

In a fresh render of each project type (and one without a justfile, and one
with Docker and Kubernetes), committed in git as the post-copy message says,
every block of its docs runs in order (support/documented.py), with someone
else's virtualenv active: the project's own .venv gets the tools, and uv.lock
appears for the user to commit.
"""

from __future__ import annotations

import pytest
from documented import install_group
from markdown import bash_block_after, command_lines
from questions import choices

CASES = [{"project_type": kind} for kind in choices("project_type")] + [
    {"include_justfile": False},
    {"include_docker": True, "include_kubernetes": True},
]


@pytest.mark.parametrize(
    "answers",
    [pytest.param(case, marks=install_group(**case)) for case in CASES],
    ids=lambda a: "-".join(f"{k}={v}" for k, v in a.items()),
)
def test_every_documented_command_runs(installed, answers):
    project = installed(**answers)
    docs = {ran.doc for ran in project.ran}
    assert "README.md" in docs, "the README's quick start ran"
    assert "AGENTS.md" in docs, "the agents' checks ran"
    assert (project.root / ".venv" / "bin" / "pytest").exists()
    assert not (project.other_venv / "bin" / "pytest").exists(), "installed into the active venv"
    assert (project.root / "uv.lock").is_file(), "the README says to commit uv.lock: none written"


@install_group(include_justfile=False)
def test_without_a_justfile_the_quick_start_ends_with_the_tests(installed):
    """The quick start installs and tests without just; it ran in the test above."""
    project = installed(include_justfile=False)
    readme = (project.root / "README.md").read_text(encoding="utf-8")
    quick_start = bash_block_after(readme, "## Quick start")
    assert quick_start in [ran.body for ran in project.ran]
    assert command_lines(quick_start)[-1] == ".venv/bin/python -m pytest"
