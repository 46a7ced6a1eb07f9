"""`copier update --data include_examples=false` takes the MCP server's
examples away (the package, its tests, the line that registers it), from a
project of this release or of the previous one, and the next update does not
bring them back. The commands are the ones the README and the upgrade guide
give."""

from __future__ import annotations

from pathlib import Path

import yaml
from commands import TEMPLATE_ROOT, run
from edits import conflicted
from releases import CURRENT, PREVIOUS, tag
from template_repo import commit, copier_update, project_from

NAME = "lean-server"
PACKAGE = "lean_server"
DROP = ("--data", "include_examples=false")
GUIDE = TEMPLATE_ROOT / "docs" / "upgrading" / f"v{PREVIOUS}-to-v{CURRENT}.md"
# The previous release kept its example tools (add, greet) in server.py.
EXAMPLE_TOOL = "def add("


def example_paths(root: Path) -> list[str]:
    """What of the examples is in the project."""
    candidates = [root / "src" / PACKAGE / "examples", root / "tests" / "examples"]
    found = [str(path.relative_to(root)) for path in candidates if path.exists()]
    server = (root / "src" / PACKAGE / "server.py").read_text(encoding="utf-8")
    if "examples" in server or EXAMPLE_TOOL in server:
        found.append("server.py names the examples or holds one")
    return found


def test_the_guide_gives_the_command_run_here():
    command = "copier update --defaults " + " ".join(DROP)
    assert command in GUIDE.read_text(encoding="utf-8")


def dropped(root: Path) -> dict:
    """`copier update` to this release without the examples; the recorded answers."""
    copier_update(root, "--vcs-ref", tag(CURRENT), *DROP)
    assert conflicted(root) == []
    assert example_paths(root) == []
    assert (root / "src" / PACKAGE / "tools.py").is_file(), "the user's tools stay"
    return yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))


def test_turning_the_examples_off_takes_them_away_for_good(template_repo, tmp_path):
    """Edited or not, as the guide warns: the folder goes whole, and what was
    committed stays in the history. The next update leaves them out."""
    root = project_from(template_repo, tmp_path / NAME, tag(CURRENT), project_name=NAME)
    assert example_paths(root), "a default project starts with the examples"
    edited = f"src/{PACKAGE}/examples/tools.py"
    with (root / edited).open("a", encoding="utf-8") as module:
        module.write("\n# ours\n")
    commit(root, "our edit")
    assert dropped(root)["include_examples"] is False
    assert run(["git", "show", f"HEAD:{edited}"], cwd=root).stdout.endswith("# ours\n")
    commit(root, "without the examples")

    copier_update(root, "--vcs-ref", tag(CURRENT))
    assert example_paths(root) == []
    assert run(["git", "status", "--porcelain"], cwd=root).stdout == ""


def test_a_project_of_the_previous_release_updates_without_them(template_repo, tmp_path):
    root = project_from(template_repo, tmp_path / NAME, tag(PREVIOUS), project_name=NAME)
    assert example_paths(root), "its server.py holds the example tools"
    assert dropped(root)["include_examples"] is False


# A tool of the user's, where 1.9.1 offered a place for one: inside build_server.
OWN_TOOL = '''
    @server.tool()
    def shout(text: str) -> str:
        """Repeat the text in capitals."""
        return text.upper()
'''


def test_a_tool_of_the_users_in_server_py_is_the_one_conflict(template_repo, tmp_path):
    """1.9.1's server.py held the tools; the update gives one conflict, there,
    and the guide's way out (keep the new body, the tool into tools.py) leaves
    nothing conflicted and the machinery in kit/."""
    root = project_from(
        template_repo, tmp_path / NAME, tag(PREVIOUS), project_name=NAME, include_docker=True
    )
    server = root / "src" / PACKAGE / "server.py"
    server.write_text(
        server.read_text().replace(
            "\n    @server.tool()\n    def add(", OWN_TOOL + "\n    @server.tool()\n    def add(", 1
        )
    )
    commit(root, "our tool")
    copier_update(root, "--vcs-ref", tag(CURRENT))
    assert conflicted(root) == [f"src/{PACKAGE}/server.py"]
    assert "def shout(" in server.read_text(), "the user's tool is in the conflict"
    assert (root / "src" / PACKAGE / "kit" / "healthcheck.py").is_file()
    assert not (root / "src" / PACKAGE / "healthcheck.py").exists()

    # The guide's commands, literally.
    command = "git checkout --theirs -- src/PACKAGE/server.py"
    assert f"`{command}`" in GUIDE.read_text(encoding="utf-8")
    run(command.replace("PACKAGE", PACKAGE).split(), cwd=root)
    tools = root / "src" / PACKAGE / "tools.py"
    tools.write_text(tools.read_text().rstrip("\n") + "\n" + OWN_TOOL)
    assert "def shout(" in tools.read_text() and "def shout(" not in server.read_text()
    assert conflicted(root) == []
