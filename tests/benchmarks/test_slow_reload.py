"""Slow tier: the reload benchmark times an edit served by the installed MCP
server's development server, and puts tools.py back. Behaviour only: the
figures and the goal are the script's business, not a test's."""

import re

from commands import benchmark
from documented import MCP_INSTALL, install_group

pytestmark = install_group(**MCP_INSTALL)

ROW = re.compile(r"^\| 1 \| 1 s \| [\d.]+ s \| [\d.]+ s \|$", re.M)


def test_an_edit_is_timed_and_the_project_is_left_as_it_was(installed):
    project = installed(**MCP_INSTALL)
    tools = project.root / "src" / "my_project" / "tools.py"
    before = tools.read_text(encoding="utf-8")
    result = benchmark(
        "reload",
        *("--project", str(project.root), "--runs", "1", "--pause", "1"),
        env=project.env,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    assert ROW.search(result.stdout), result.stdout
    assert tools.read_text(encoding="utf-8") == before
