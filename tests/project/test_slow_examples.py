"""Slow tier: the MCP server's examples are a leaf. Left out at `copier copy`,
the server starts and lists no tools, and the README's first tool and its
test go in where it says, lint clean (`just lint`), pass, and show in the
documentation site's reference (`just docs-build`). Deleted by hand
as the README says, they leave the same code and tests, which lint clean and
list no tools."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from commands import copy_of, project_env, run, tool
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
def test_without_examples_the_server_takes_the_first_tool_lint_clean(render, tmp_path):
    root, env = installed_copy(render, tmp_path, include_examples=False)
    assert not (root / "src" / PACKAGE / "examples").exists()
    assert listed_tools(root) == []
    # The suite without the first tool passes at 100% on CI's steps (test_slow.py's
    # matrix test) and ruff is clean on the render (the fast tier): here the lint,
    # and the first tool's test, with the first tool in.
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
    # The documentation site's reference has it, from the server, with no doc edit.
    run([tool("just"), "docs-build"], cwd=root, env=env, timeout=600)
    reference = (root / "site" / "reference" / "index.html").read_text(encoding="utf-8")
    assert 'id="shout"' in reference and "Repeat the text in capitals." in reference
    assert reference.count("<p>None.</p>") == 2, "no resources and no prompts, said so"


def drop_examples(root: Path) -> None:
    """What the README says: the package, and the two lines of server.py naming it."""
    (root / "src" / PACKAGE / "examples").rename(root / "deleted-examples")
    server = root / "src" / PACKAGE / "server.py"
    lines = server.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "examples" not in line]
    assert len(lines) - len(kept) == 2, "the README says two lines"
    server.write_text("".join(kept), encoding="utf-8")


def files_under(root: Path, folder: str) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.mark.xdist_group("examples-deleted")
def test_deleting_the_examples_leaves_the_server_rendered_without_them(render, tmp_path):
    """What the README's deletion leaves is the code and tests a render without
    the examples has, which pass their gates above, except for what lets the
    deletion work: tests/examples/, which pytest then leaves out (its conftest
    says so), and the examples' warning filter. So here the lint and what
    pytest collects, not the whole suite once more."""
    root, env = installed_copy(render, tmp_path)
    drop_examples(root)
    left_out = render(include_examples=False)
    assert files_under(root, "src") == files_under(left_out, "src")
    tests, expected = files_under(root, "tests"), files_under(left_out, "tests")
    examples_tests = {name for name in tests if name.startswith("tests/examples/")}
    assert examples_tests, "the examples' tests are gone with the package"
    assert set(tests) - examples_tests == set(expected)
    differ = {name for name in expected if tests[name] != expected[name]}
    assert differ == {"tests/conftest.py"}, differ
    run([tool("just"), "lint"], cwd=root, env=env, timeout=600)
    collected = run([tool("just"), "test", "--collect-only", "-q"], cwd=root, env=env).stdout
    test_ids = [line for line in collected.splitlines() if "::" in line]
    assert test_ids and not [each for each in test_ids if "tests/examples" in each]
    assert {each.split("::")[0] for each in test_ids} == {
        name for name in expected if name.rpartition("/")[2].startswith("test_")
    }
    assert listed_tools(root) == []
