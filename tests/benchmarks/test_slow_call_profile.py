"""Slow tier: the call profile records the generated server in both protocol
eras and sums the samples by package and by part of the SDK's request path.
Behaviour only: the shares are the script's business, not a test's."""

import re

from commands import benchmark, project_env
from questions import QUESTIONS

ERA = re.compile(r"^## (\w+) era: 2 rounds of 10 x 20 calls$", re.M)
TOTAL = re.compile(r"^\| [^|]+ \| share of (\d+) samples \|$", re.M)
SHARE = re.compile(r"^\| (?P<name>[^|]+) \| (?P<share>[\d.]+)% \|$", re.M)


def test_both_eras_are_profiled_and_summed():
    result = benchmark(
        "call_profile",
        *("--sessions", "10", "--calls", "20", "--rounds", "2"),
        env=project_env(QUESTIONS["python_version"]["default"]),
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert ERA.findall(result.stdout) == ["2026", "handshake"], result.stdout
    for era_text in result.stdout.split("## ")[1:]:
        # Both tables count the same samples; every call goes through the
        # session manager. Which packages a small run samples is chance.
        totals = TOTAL.findall(era_text)
        assert len(totals) == 2 and totals[0] == totals[1] and int(totals[0]) > 0, era_text
        shares = {m["name"]: float(m["share"]) for m in SHARE.finditer(era_text)}
        assert all(0 < share <= 100 for share in shares.values()), era_text
        assert any(name.startswith("the session manager") for name in shares), era_text
