"""Slow tier: this repository's README, followed literally by a newcomer.

Its "Start a project" block runs as written, in a plain clone of this
repository, with uv installing copier from the package index into a tool
folder of the test's own (the block's first line), then rendering a project.
The block at its top runs as written on a machine that has only Python and
git: a PATH holding those two and the system's own commands, with no uv,
copier or just.
"""

import os
import shutil
import sys
from pathlib import Path

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


def test_the_top_commands_need_only_python_and_git(tmp_path):
    block = bash_block_after(README, "# chora-base")
    clone = plain_clone(tmp_path / "chora-base")
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python3").symlink_to(Path(sys.executable).resolve())
    (bare / "git").symlink_to(shutil.which("git") or "git")
    # The interpreter and git first, then the system's own commands (sh,
    # coreutils), which hold no uv, uvx, copier or just.
    path = os.pathsep.join([str(bare), "/usr/bin", "/bin"])
    missing = ("uv", "uvx", "copier", "just")
    assert [shutil.which(name, path=path) for name in missing] == [None] * len(missing)
    env = {**os.environ, "PATH": path}
    env.pop("VIRTUAL_ENV", None)
    # The block's test command as written; here on one file of the fast tier,
    # since this run is itself inside the repository's tests.
    env["PYTEST_ADDOPTS"] = "-p no:cacheprovider tests/repository/test_fast_changelog.py"
    result = run(["/bin/bash", "-e", "-c", block], cwd=clone, env=env, timeout=900)
    assert (clone / ".tools" / "bin" / "uv").is_file(), "the first line brought no uv"
    assert " passed" in result.stdout and " failed" not in result.stdout, result.stdout
    answers = yaml.safe_load((tmp_path / "my-project" / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(clone)
