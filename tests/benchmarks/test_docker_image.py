"""The benchmark script runs: two releases measured side by side.

Behaviour only: the figures and goals are the script's business, not a test's.
"""

import re

from commands import benchmark, docker_env
from releases import CURRENT, UPDATE_BASELINE, tag

ROW = re.compile(
    r"^\| (?P<label>v[\w.]+) \| (?P<image>[\d.]+) MB \| (?P<added>-?[\d.]+) MB \| [\d.]+ s "
    r"\| [\d.]+ s \| [\d.]+ \| (?P<deps>yes|no) \| (?P<context>[\d.]+) kB "
    r"\| (?P<initialize>[\d.]+ s|n/a) \| (?P<healthy>[\d.]+ s|n/a) \| (?P<telemetry>[\d.]+) MB \|$",
    re.MULTILINE,
)


def test_baseline_prints_the_before_and_after_rows(docker, template_repo):
    """The previous release copies the source before installing its dependencies;
    the current one must not, and the script must tell the two apart."""
    result = benchmark(
        "image",
        *("--template", str(template_repo)),
        *("--ref", tag(CURRENT), "--baseline", tag(UPDATE_BASELINE)),
        env=docker_env(docker),
        timeout=1200,
    )
    assert result.returncode in (0, 1), result.stderr
    rows = {m["label"]: m for m in ROW.finditer(result.stdout)}
    assert list(rows) == [tag(UPDATE_BASELINE), tag(CURRENT)], result.stdout
    assert rows[tag(UPDATE_BASELINE)]["deps"] == "yes", (
        "the pre-Docker Dockerfile reinstalls on an edit"
    )
    # stderr names what a rebuild reinstalled.
    assert rows[tag(CURRENT)]["deps"] == "no", result.stderr
    # The source and uv.lock (about 200 kB), none of the 50 MB of litter.
    assert float(rows[tag(CURRENT)]["context"]) < 1000
    # OpenTelemetry's share is measured (its goal is the script's).
    assert float(rows[tag(CURRENT)]["telemetry"]) > 0
