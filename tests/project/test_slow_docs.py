"""Slow tier: the generated documentation, followed literally.

In a fresh render of each project type (the MCP server with Docker and
Kubernetes, and once more without a justfile or examples), committed in git as the
post-copy message says, every block of its docs runs in order
(support/documented.py), with someone else's virtualenv active: the
project's own .venv gets the tools, and uv.lock appears for the user to
commit.
"""

from __future__ import annotations

import pytest
from documented import MCP_INSTALL, install_group
from markdown import bash_block_after, command_lines
from questions import choices

# The MCP server without a justfile (and without the examples, whose docs the
# install above runs: a combination of answers no other install has).
WITHOUT_JUSTFILE = {"include_justfile": False, "include_examples": False}
# Each type once (the MCP server as the slow tier installs it, Docker and
# chart included), and the MCP server without a justfile.
CASES = [
    MCP_INSTALL if kind == "mcp_server" else {"project_type": kind}
    for kind in choices("project_type")
] + [WITHOUT_JUSTFILE]


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


@install_group(**WITHOUT_JUSTFILE)
def test_without_a_justfile_the_quick_start_installs_then_tests(installed):
    """The quick start installs with uv, which ran above, then tests with
    pytest: the same suite AGENTS.md's check ran, with coverage."""
    project = installed(**WITHOUT_JUSTFILE)
    readme = (project.root / "README.md").read_text(encoding="utf-8")
    install = bash_block_after(readme, "## Quick start")
    assert command_lines(install) == ["uv sync"]
    assert install in [ran.body for ran in project.ran]
    tests = bash_block_after(readme.split(install, 1)[1], "the suite runs in the check")
    assert command_lines(tests) == [".venv/bin/python -m pytest"]
    checked = [ran for ran in project.ran if ran.doc == "AGENTS.md"]
    assert any(".venv/bin/python -m pytest --cov=" in ran.body for ran in checked)
    assert any(" passed" in ran.stdout for ran in checked)
