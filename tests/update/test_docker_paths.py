"""Docker tier: the upgrade guide, followed literally on 1.9.1 projects a user
would have, ends in a project whose own gates pass and whose image builds.

An MCP server with a tool of its own in server.py, Docker on and compose
edited; a library; a web service. Each runs the guide's "Update" block as
written, with the one step the guide gives by hand in between (the MCP
server's tool moved into tools.py), then `just lint`, `just test` and the
image: `just docker-build` and a healthy container (the library's image is
its test image).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from commands import TEMPLATE_ROOT, docker_env, run, tool
from containers import (
    remove,
    served_over_stdio,
    serves_only_with_its_token,
    start,
    wait_for_health,
)
from edits import USER_MODULE, USER_README, USER_RECIPE, conflicted
from markdown import bash_block_after
from releases import CURRENT, PREVIOUS, tag
from template_repo import GIT_IDENTITY, commit, project_from

GUIDE = TEMPLATE_ROOT / "docs" / "upgrading" / f"v{PREVIOUS}-to-v{CURRENT}.md"
# A tool of the user's, where 1.9.1 offered a place for one: inside build_server.
OWN_TOOL = '''
    @server.tool()
    def shout(text: str) -> str:
        """Repeat the text in capitals."""
        return text.upper()
'''
# What the guide tells an MCP server's user to run on server.py's conflict.
TAKE_THE_NEW_SERVER = "git checkout --theirs -- src/PACKAGE/server.py"
PATHS = {
    "mcp_server": {"compose": True, "own_tool": True},
    "library": {"compose": False, "own_tool": False},
    "web_service": {"compose": True, "own_tool": False},
}


def user_edits(root: Path, package: str, compose: bool, own_tool: bool) -> None:
    """README, a module, a recipe, a compose default and, in an MCP server, a tool."""
    with (root / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(USER_README)
    (root / "src" / package / "extras.py").write_text(USER_MODULE, encoding="utf-8")
    with (root / "justfile").open("a", encoding="utf-8") as justfile:
        justfile.write(USER_RECIPE)
    if compose:
        path = root / "docker-compose.yml"
        text, count = re.subn(
            r"\$\{LOG_LEVEL:-(info|INFO)\}",
            lambda m: "${LOG_LEVEL:-" + ("debug" if m[1] == "info" else "DEBUG") + "}",
            path.read_text(encoding="utf-8"),
        )
        assert count == 1, "1.9.1's compose file sets LOG_LEVEL once"
        path.write_text(text, encoding="utf-8")
    if own_tool:
        server = root / "src" / package / "server.py"
        anchor = "\n    @server.tool()\n    def add("
        text = server.read_text(encoding="utf-8")
        assert anchor in text
        server.write_text(text.replace(anchor, OWN_TOOL + anchor, 1), encoding="utf-8")
    commit(root, "our edits")


def move_the_tool_as_the_guide_says(root: Path, package: str) -> None:
    """Copy the tool out of the conflict, take the new server.py with the
    guide's command, and put the tool below register()'s docstring."""
    assert conflicted(root) == [f"src/{package}/server.py"]
    assert OWN_TOOL.strip() in (root / "src" / package / "server.py").read_text()
    assert f"`{TAKE_THE_NEW_SERVER}`" in GUIDE.read_text(encoding="utf-8")
    run(TAKE_THE_NEW_SERVER.replace("PACKAGE", package).split(), cwd=root)
    tools = root / "src" / package / "tools.py"
    text = tools.read_text(encoding="utf-8")
    assert text.rstrip().endswith('"""'), "register() ends with its docstring"
    tools.write_text(text.rstrip("\n") + "\n" + OWN_TOOL, encoding="utf-8")


def update_block() -> tuple[str, str]:
    """The guide's "Update" block: the copier command, and what follows it."""
    block = bash_block_after(GUIDE.read_text(encoding="utf-8"), "## Update")
    first, rest = block.split("\n", 1)
    assert first.startswith("copier update --defaults --vcs-ref ") and "just install" in rest
    return first, rest


@pytest.mark.parametrize("project_type", PATHS)
def test_the_guide_takes_a_previous_project_to_passing_gates_and_an_image(
    template_repo, docker, tmp_path, project_type
):
    name = "upgraded-" + project_type.replace("_", "-")
    package = name.replace("-", "_")
    root = project_from(
        template_repo,
        tmp_path / name,
        tag(PREVIOUS),
        project_name=name,
        project_type=project_type,
        include_docker=True,
    )
    user_edits(root, package, **PATHS[project_type])
    env = docker_env(docker, **GIT_IDENTITY)
    update, then = update_block()
    run(["bash", "-e", "-c", update], cwd=root, env=env, timeout=600)
    assert update.split()[-1] == tag(CURRENT)
    if PATHS[project_type]["own_tool"]:
        move_the_tool_as_the_guide_says(root, package)
    assert conflicted(root) == []
    run(["bash", "-e", "-c", then], cwd=root, env=env, timeout=600)
    assert run(["git", "status", "--porcelain"], cwd=root).stdout == "", "all committed"
    assert (root / "uv.lock").is_file()
    assert USER_README.strip() in (root / "README.md").read_text(encoding="utf-8")

    just = tool("just")
    run([just, "lint"], cwd=root, env=env, timeout=600)
    run([just, "test"], cwd=root, env=env, timeout=600)
    if project_type == "library":
        assert not (root / "Dockerfile").exists(), "the guide: a library keeps its test image"
        run([just, "docker-build-test"], cwd=root, env=env, timeout=900)
        return
    run([just, "docker-build"], cwd=root, env=env, timeout=900)
    run([just, "docker-verify"], cwd=root, env=env)
    container = f"{name}-healthy"
    try:
        # An MCP server's image serves stdio by default; HTTP is what runs on.
        serving = ("--env", "MCP_TRANSPORT=streamable-http") if project_type == "mcp_server" else ()
        start(docker, container, f"{name}:latest", "--publish", "127.0.0.1::8000", *serving)
        wait_for_health(docker, container, "healthy", timeout=60)
        if project_type == "web_service":
            serves_only_with_its_token(docker, container, package)
    finally:
        remove(docker, container)
    if project_type == "mcp_server":
        assert "shout" in served_over_stdio(docker, f"{name}:latest")[0]
