"""Slow tier: each project type installs and passes its own gates.

This runs what the generated README tells a user to run: `just install`,
`just coverage` (the test suite with the coverage threshold) and `just lint`.
"""

import os

import pytest
from conftest import copy_of, python_dir, run, tool, tool_env

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("project_type", ["mcp_server", "library", "cli_tool", "web_service"])
def test_project_installs_and_passes_its_own_gates(render, tmp_path, project_type):
    root = copy_of(render(project_type=project_type), tmp_path)
    python_version = "3.13"  # the default answer
    env = tool_env()
    env["PATH"] = os.pathsep.join([str(python_dir(python_version)), env["PATH"]])
    env["UV_PYTHON_DOWNLOADS"] = "never"
    just = tool("just")
    run([just, "install"], cwd=root, env=env)
    tests = run([just, "coverage"], cwd=root, env=env, timeout=600)
    assert " passed" in tests.stdout
    assert "Required test coverage" in tests.stdout
    run([just, "lint"], cwd=root, env=env)
    run([just, "build"], cwd=root, env=env)
    assert list((root / "dist").glob("*.whl")), "just build made no wheel"
