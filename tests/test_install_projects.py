"""Slow tier: each project type installs and passes its own gates.

This runs what the generated README tells a user to run: `just install`,
`just coverage` (the test suite with the coverage threshold), `just lint` and
`just build`; then checks that pyproject.toml alone sets the coverage
threshold that `just coverage` and the CI workflow enforce.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from commands import copy_of, project_env, run, tool
from edits import coverage_verdict, raise_threshold_above_reach
from questions import QUESTIONS, choices


def ci_test_command(root: Path) -> str:
    """The `run:` of the CI workflow's Test step, as GitHub would run it."""
    workflow = yaml.safe_load((root / ".github" / "workflows" / "ci.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    return next(step["run"] for step in steps if step.get("name") == "Test")


@pytest.mark.parametrize("project_type", choices("project_type"))
def test_project_installs_and_passes_its_own_gates(render, tmp_path, project_type):
    root = copy_of(render(project_type=project_type), tmp_path)
    env = project_env(QUESTIONS["python_version"]["default"])
    just = tool("just")
    run([just, "install"], cwd=root, env=env)
    tests = run([just, "coverage"], cwd=root, env=env, timeout=600)
    assert " passed" in tests.stdout
    assert coverage_verdict(tests.stdout) == "85% reached"
    run([just, "lint"], cwd=root, env=env)
    run([just, "build"], cwd=root, env=env)
    assert list((root / "dist").glob("*.whl")), "just build made no wheel"

    raise_threshold_above_reach(root, "my_project")
    refused = run([just, "coverage"], cwd=root, env=env, timeout=600, check=False)
    assert refused.returncode != 0
    assert coverage_verdict(refused.stdout) == "100% not reached"
    env["PATH"] = f"{root / '.venv' / 'bin'}:{env['PATH']}"
    in_ci = run(["bash", "-c", ci_test_command(root)], cwd=root, env=env, check=False)
    assert in_ci.returncode != 0, "CI does not read the threshold from pyproject.toml"
    assert coverage_verdict(in_ci.stdout) == "100% not reached"
