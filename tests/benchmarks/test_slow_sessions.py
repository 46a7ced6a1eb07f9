"""Slow tier: the session limit against the real server process
(benchmarks/sessions.py). Up to the limit's number of openers at once, none
is refused, by design: at most that many sessions are being opened, so an
idle one is always there to close. Beyond it (32 at once) the count depends
on timing, so only the limit itself is held to; the benchmark reports the rest."""

import re

from commands import benchmark, tool_env

from benchmarks.sessions import LIMIT, OPENERS

ROW = re.compile(r"^ *(\d+) +(\d+) +(.+?) +(\d+) +(\d+)$", re.M)


def test_openers_at_once_never_pass_the_limit_and_none_is_refused_up_to_it():
    result = benchmark("sessions", env=tool_env(), timeout=600)
    assert result.returncode in (0, 1), result.stderr
    rows = {int(c): (int(a), refused, int(o)) for c, a, refused, _, o in ROW.findall(result.stdout)}
    assert sorted(rows) == [1, 2, 4, 8, 32], result.stdout
    for concurrency, (admitted, refused, still_open) in rows.items():
        assert still_open <= LIMIT, f"C={concurrency}: {still_open} open"
        if concurrency <= LIMIT:
            assert (admitted, refused) == (OPENERS, "none"), f"C={concurrency}: {refused}"
    assert (
        "24 calls at once in one session (at most 16): 16 results, 8 JSON-RPC errors -32001, "
        "their ids those of the calls not served"
    ) in result.stdout
