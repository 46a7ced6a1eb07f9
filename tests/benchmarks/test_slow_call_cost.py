"""Slow tier: the call-cost benchmark measures the generated server in both
protocol eras with both clients, FastMCP and the bare stack beside it, each
call checked. Behaviour only: the figures and the goals are the script's
business, not a test's."""

import re

from commands import benchmark, project_env
from questions import QUESTIONS

ROW = re.compile(
    r"^\| (?P<server>\w+) \| (?P<mode>\w+) \| (?P<era>\w+) \| (?P<client>\w+) "
    r"\| [\d.]+ ms \| (?:[\d.]+x|n/a) \| \d+ \| (?:[\d.]+x|n/a) \| \d+ ms \|$",
    re.M,
)
MEMORY = re.compile(r"^(\w+): \d+ MB resident after 200 handshake sessions$", re.M)


def test_ours_fastmcp_and_the_bare_stack_are_measured_in_both_eras():
    result = benchmark(
        "call_cost",
        *("--modes", "stateful", "--sessions", "2", "--calls", "3", "--runs", "1"),
        # The FastMCP the figures in CHANGELOG.md were measured with, not the latest.
        *("--fastmcp", "4.2.3"),
        env=project_env(QUESTIONS["python_version"]["default"]),
        timeout=900,
    )
    assert result.returncode in (0, 1), result.stderr
    rows = {(m["server"], m["era"], m["client"]) for m in ROW.finditer(result.stdout)}
    both = {(era, client) for era in ("2026", "handshake") for client in ("official", "light")}
    assert rows == {("ours", *each) for each in both} | {("fastmcp", *each) for each in both} | {
        ("bare", "2026", "light")
    }, result.stdout
    assert MEMORY.findall(result.stdout) == ["ours", "fastmcp"], result.stdout
