"""Slow tier: the MCP server's examples are a leaf. Without them, whether
left out at `copier copy` or deleted by hand, the server starts, lists no
tools and passes its own gates (`just lint`, `just coverage`); the README's
first tool and its test then go in where it says, lint clean and pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from commands import copy_of, own_gates, project_env, run, tool
from edits import coverage_verdict, total_coverage
from example_server import stdio_tool_names
from questions import QUESTIONS

PACKAGE = "my_project"


def listed_tools(root: Path) -> list[str]:
    """The tools the installed command lists to a client that starts it over stdio."""
    return stdio_tool_names(str(root / ".venv" / "bin" / "my-project"))


def readme_snippets(root: Path) -> tuple[str, str]:
    """The README's first tool and its test, as a reader copies them."""
    section = (root / "README.md").read_text(encoding="utf-8").split("## Your first tool", 1)[1]
    section = section.split("\n## ", 1)[0]
    tool_code, test_code = re.findall(r"```python\n(.+?\n)```", section, flags=re.S)
    return tool_code, test_code


def installed_copy(render, tmp_path: Path, **answers) -> tuple[Path, dict[str, str]]:
    """A private copy of a render, installed with `just install`, and its environment."""
    root = copy_of(render(**answers), tmp_path)
    env = project_env(QUESTIONS["python_version"]["default"])
    run([tool("just"), "install"], cwd=root, env=env, timeout=600)
    return root, env


# Each test installs a copy of its own, so they need not share a worker.
@pytest.mark.xdist_group("examples-left-out")
def test_without_examples_the_server_passes_its_gates_and_takes_the_first_tool(render, tmp_path):
    root, env = installed_copy(render, tmp_path, include_examples=False)
    assert not (root / "src" / PACKAGE / "examples").exists()
    coverage = own_gates(root, env)
    assert (coverage_verdict(coverage), total_coverage(coverage)) == ("85% reached", "100%")
    assert listed_tools(root) == []

    tool_code, test_code = readme_snippets(root)
    tools = root / "src" / PACKAGE / "tools.py"
    tools.write_text(tools.read_text(encoding="utf-8") + "\n" + tool_code, encoding="utf-8")
    tests = root / "tests" / "test_tools.py"
    tests.write_text(tests.read_text(encoding="utf-8") + "\n\n" + test_code, encoding="utf-8")
    run([tool("just"), "format"], cwd=root, env=env)
    run([tool("just"), "lint"], cwd=root, env=env, timeout=600)
    ran = run([tool("just"), "test", "tests/test_tools.py", "-v"], cwd=root, env=env).stdout
    assert "test_shout PASSED" in ran and "test_every_tool_says_what_it_does" in ran
    assert listed_tools(root) == ["shout"]


def drop_examples(root: Path) -> None:
    """What the README says: the package, and the two lines of server.py naming it."""
    (root / "src" / PACKAGE / "examples").rename(root / "deleted-examples")
    server = root / "src" / PACKAGE / "server.py"
    lines = server.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "examples" not in line]
    assert len(lines) - len(kept) == 2, "the README says two lines"
    server.write_text("".join(kept), encoding="utf-8")


@pytest.mark.xdist_group("examples-deleted")
def test_deleting_the_examples_leaves_a_server_that_passes_its_gates(render, tmp_path):
    root, env = installed_copy(render, tmp_path)
    drop_examples(root)
    coverage = own_gates(root, env)
    assert "tests/examples" not in coverage, "the examples' tests ran without the examples"
    assert (coverage_verdict(coverage), total_coverage(coverage)) == ("85% reached", "100%")
    assert listed_tools(root) == []
