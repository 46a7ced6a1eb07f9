"""Slow tier: drawn answer sets install and pass their own gates.

Drawn as the fast tier draws them (support/answer_space.py), with the
justfile and the tests that are the gates: `just install`, `just lint`
(ruff, mypy strict) and `just coverage` at whatever threshold was drawn,
which a new project meets whatever it is, since every line of it is tested.
Under the "ci" profile, the same draw on every run (the explore profile installs 12).
The Python is one of the machine's; the newer choices install in the Docker tier.
"""

from __future__ import annotations

from answer_space import answer_sets, installs, render_plainly, seeded
from commands import own_gates, project_env, run, tool
from edits import coverage_verdict, total_coverage
from hypothesis import given, settings
from hypothesis import strategies as st
from questions import choices, effective, newer_pythons

# Installed here on the machine's interpreters; the newer choices install in
# their images (tests/docker/test_docker_pythons.py).
ON_THE_HOST = [v for v in choices("python_version") if v not in newer_pythons()]


@seeded
@settings(max_examples=installs())
@given(
    answers=st.sampled_from(ON_THE_HOST).flatmap(
        lambda version: answer_sets(
            include_justfile=True, include_tests=True, python_version=version
        )
    )
)
def test_drawn_projects_install_and_pass_their_own_gates(answers, tmp_path_factory):
    values = effective(**answers)
    root = render_plainly(answers, tmp_path_factory.mktemp("drawn"))
    env = project_env(values["python_version"])
    run([tool("just"), "install"], cwd=root, env=env, timeout=600)
    coverage = own_gates(root, env)
    threshold = values["test_coverage_threshold"]
    # pytest-cov says nothing of a threshold of 0, which checks nothing.
    assert coverage_verdict(coverage) == (f"{threshold}% reached" if threshold else None)
    assert total_coverage(coverage) == "100%"
