"""Slow tier: `just conformance` in the installed MCP project runs the pinned
official MCP conformance suite (npm, under Node.js 22 from npm) against
tests/conformance_server.py, the project's own program with the suite's
reference features: every scenario passes. A server that lacks one of those
features fails, naming the scenario."""

from __future__ import annotations

import re

from commands import run, tool
from documented import MCP_INSTALL, install_group
from questions import effective

pytestmark = install_group(**MCP_INSTALL)

SUMMARY = re.compile(r"^conformance: (\d+) checks passed, (\d+) failed, in (\d+) scenarios$", re.M)
# The server scenarios of the suite copier.yml pins (`conformance list --server`).
SCENARIOS = 32


def test_every_scenario_passes_and_a_missing_feature_is_named(installed):
    project = installed(**MCP_INSTALL)
    assert effective()["mcp_conformance"].endswith("@0.1.16"), "SCENARIOS counts that release"
    passed = run([tool("just"), "conformance"], cwd=project.root, env=project.env, timeout=900)
    found = SUMMARY.search(passed.stdout)
    assert found, passed.stdout
    assert (int(found[2]), int(found[3])) == (0, SCENARIOS), passed.stdout
    assert int(found[1]) >= SCENARIOS

    fixture = project.root / "tests" / "conformance_server.py"
    original = fixture.read_text(encoding="utf-8")
    try:
        fixture.write_text(original.replace("def test_simple_text", "def renamed_text"))
        failed = run(
            [tool("just"), "conformance"],
            cwd=project.root,
            env=project.env,
            check=False,
            timeout=900,
        )
    finally:
        fixture.write_text(original, encoding="utf-8")
    assert failed.returncode != 0
    found = SUMMARY.search(failed.stdout)
    assert found and int(found[2]) >= 1, failed.stdout
    assert "✗ tools-call-simple-text" in failed.stdout.splitlines(), failed.stdout
