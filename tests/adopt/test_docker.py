"""Docker tier: a public chora-base project with tests of its own, migrated by
python -m adopt from a plain clone and taken through the guide's step 5 as
written, builds an image that runs healthy; the MCP server answers an MCP
client with the project's own tools, and after step 6 passes `just lint`
and `just test`."""

from __future__ import annotations

import pytest
from commands import TEMPLATE_ROOT, docker_env, run
from containers import remove, run_with_input, served_over_stdio, start, wait_for_health
from edits import conflicted, resolve_taking_the_template
from markdown import bash_block_after
from public_projects import add_user_tests, adopt, make_user_edits, public_project
from questions import choices
from releases import CURRENT, PUBLIC
from template_repo import GIT_IDENTITY, commit

GUIDE = (TEMPLATE_ROOT / "docs" / "upgrading" / f"v{PUBLIC}-to-v{CURRENT}.md").read_text(
    encoding="utf-8"
)


# Step 6 (this release's tools, lint, tests) runs on one type: the others
# pass it the same way, and it costs CI half a minute each.
CHECKED = "mcp_server"


# A library gets no production image here (test_fast.py: its own Dockerfile is left).
@pytest.mark.parametrize("project_type", [t for t in choices("project_type") if t != "library"])
def test_migrated_project_builds_and_runs(clone, docker, tmp_path, project_type):
    name = "adopted-" + project_type.replace("_", "-")
    root = public_project(tmp_path / name, project_type)
    make_user_edits(root)
    add_user_tests(root)
    assert adopt(clone, root, "--defaults").returncode == 0
    resolve_taking_the_template(root)
    assert conflicted(root) == []
    commit(root, "Migrate to chora-base")
    env = docker_env(docker, **GIT_IDENTITY)
    # Steps 5 and 6 as the guide writes them.
    image = run(["bash", "-e", "-c", bash_block_after(GUIDE, "## 5.")], cwd=root, env=env)
    assert f"{name}:latest OK: {name.replace('-', '_')} 0.3.0 uid 1000" in image.stdout
    if project_type == CHECKED:
        checks = bash_block_after(GUIDE, "## 6.")
        checked = run(["bash", "-e", "-c", checks], cwd=root, env=env, timeout=900)
        assert "Success: no issues found" in checked.stdout and " 1 passed" in checked.stdout
        assert run(["git", "status", "--porcelain"], cwd=root).stdout == "", "all committed"
    if project_type in ("mcp_server", "web_service"):  # the serving types run on
        try:
            start(docker, name, f"{name}:latest", "--interactive")
            wait_for_health(docker, name, "healthy", timeout=60)
        finally:
            remove(docker, name)
    if project_type == "mcp_server":
        tools, said = served_over_stdio(docker, f"{name}:latest", call="hello_world")
        assert tools == {"example_tool", "hello_world"}
        assert said == f"Hello from {name}!", said
    elif project_type == "cli_tool":
        result = run_with_input(docker, f"{name}:latest", "stats", text="a b\n")
        assert result.stdout.split() == ["1", "2", "4", "-"], result.stderr
