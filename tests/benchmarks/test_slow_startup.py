"""Slow tier: the startup benchmark installs both serving types and times their
refusal of a bad setting. Behaviour only: the figures and the goal are the
script's business, not a test's."""

import re

from commands import benchmark, project_env
from questions import QUESTIONS

ROW = re.compile(r"^\| (mcp_server|web_service) \| \S+=\S+ \| 1 \| [\d.]+ s \| [\d.]+ s \|$", re.M)


def test_both_serving_types_are_measured():
    result = benchmark(
        "startup",
        *("--runs", "1"),
        env=project_env(QUESTIONS["python_version"]["default"]),
        timeout=900,
    )
    assert result.returncode in (0, 1), result.stderr
    assert [m[1] for m in ROW.finditer(result.stdout)] == ["mcp_server", "web_service"]
