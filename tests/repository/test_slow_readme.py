"""Slow tier: this repository's README, followed literally by a newcomer.

Its "Start a project" block runs as written, in a plain clone of this
repository, with uv installing copier from the package index into a tool
folder of the test's own (the block's first line), then rendering a project.
"""

import yaml
from commands import TEMPLATE_ROOT, run, tool_env
from markdown import bash_block_after
from template_repo import plain_clone

README = (TEMPLATE_ROOT / "README.md").read_text(encoding="utf-8")


def test_start_a_project_runs_as_written(tmp_path):
    block = bash_block_after(README, "## Start a project")
    assert block.splitlines()[0].startswith("uv tool install"), "copier comes from uv"
    clone = plain_clone(tmp_path / "chora-base")
    tools = tmp_path / "uv-tools"
    env = tool_env(UV_TOOL_DIR=str(tools), UV_TOOL_BIN_DIR=str(tools / "bin"))
    env["PATH"] = f"{tools / 'bin'}:{env['PATH']}"  # where the block's copier lands
    run(["bash", "-e", "-c", block], cwd=clone, env=env, timeout=600)
    assert (tools / "bin" / "copier").exists(), "the README's copier was not the one used"
    answers = yaml.safe_load((tmp_path / "my-project" / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(clone)
    assert answers["project_type"] == "mcp_server"
