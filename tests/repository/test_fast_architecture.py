"""Fast tier: docs/architecture.md says what the repository and a generated
project hold; each table it keeps is checked against the files and copier.yml."""

from __future__ import annotations

import re

import pytest
from commands import TEMPLATE_ROOT
from questions import COMPUTED
from tiers import TIER_MARKERS

ARCHITECTURE = (TEMPLATE_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
SUPPORT = TEMPLATE_ROOT / "tests" / "support"


def table_after(heading: str, start: str) -> list[list[str]]:
    """The rows (cells, stripped) of the first table from the line holding `start`
    on, in the section headed `heading`; header and rule left out."""
    section = ARCHITECTURE.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    at = section.index(start)
    lines = section[section.rfind("\n", 0, at) + 1 :].splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[first:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[2:]


def names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_the_computed_values_table_is_copier_ymls():
    rows = table_after("Where a question flows", "The computed values today:")
    assert [names(row[0])[0] for row in rows] == COMPUTED


def test_the_tier_table_gives_the_tiers_prefixes():
    rows = table_after("Tests and tiers", "so the name and `-m` cannot disagree:")
    assert [names(row[0])[0] for row in rows] == [f"{prefix}*.py" for prefix in TIER_MARKERS]


def test_the_subject_table_lists_every_test_folder():
    rows = table_after("Tests and tiers", "| subject |")
    listed = [names(row[0])[0] for row in rows]
    folders = {
        f"tests/{path.parent.name}/" for path in (TEMPLATE_ROOT / "tests").glob("*/test_*.py")
    }
    assert sorted(listed) == sorted(folders)


def test_the_helper_table_lists_every_helper_module():
    rows = table_after("Tests and tiers", "Helpers are modules in `tests/support/`")
    listed = {name for row in rows for name in names(row[0])}
    assert listed == {path.name for path in SUPPORT.glob("*.py")}


def test_the_migration_table_names_files_that_exist():
    rows = table_after("Migrating projects of the public release", "Its pieces, one job each:")
    for row in rows:
        for name in names(row[0]):
            assert (TEMPLATE_ROOT / name).exists(), name
    assert {names(row[0])[0] for row in rows} >= {
        f"adopt/{path.name}"
        for path in (TEMPLATE_ROOT / "adopt").glob("*.py")
        if path.stem[0] != "_"
    }


def module_name(path) -> str:
    return re.sub(r"\{%.*?%\}", "", path.name).removesuffix(".jinja")


@pytest.fixture(scope="module")
def mcp_modules() -> set[str]:
    """The modules a generated MCP server has, from the template's file names:
    the package's own, the machinery's as `kit/NAME` (less the image's health
    check and the web service's own), the examples as `examples/`."""
    package = next((TEMPLATE_ROOT / "template" / "src").iterdir())
    found = set()
    for path in package.iterdir():
        if path.is_dir() and "mcp_examples" in path.name:
            found.add(f"{module_name(path)}/")
        elif path.is_dir() and module_name(path) == "kit":
            found |= {
                f"kit/{module_name(module)}"
                for module in path.iterdir()
                if "image_serves_http" not in module.name and "'web_service'" not in module.name
            }
        elif path.name.startswith("{% if project_type == 'mcp_server' %}"):
            found.add(module_name(path))
    return found


def test_the_mcp_server_table_lists_every_module_of_the_server(mcp_modules):
    rows = table_after("The generated MCP server", "| module | job |")
    listed = {name for row in rows for name in names(row[0])}
    assert listed == mcp_modules


def test_every_repository_path_it_names_exists():
    """(docs/ paths there are a generated project's.)"""
    for path in re.findall(r"`((?:tests|adopt|benchmarks|\.ci)/[^`*<> ]*)`", ARCHITECTURE):
        assert (TEMPLATE_ROOT / path).exists(), path
