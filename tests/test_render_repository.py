"""Fast tier: the repository keeps its promises to a newcomer and to CI."""

import re
import sys

from commands import TEMPLATE_ROOT, run, tool
from markdown import bash_block_after
from releases import PREVIOUS, PUBLIC
from tiers import TIER_MARKERS

README = (TEMPLATE_ROOT / "README.md").read_text(encoding="utf-8")
CHANGELOG = (TEMPLATE_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def readme_test_command() -> str:
    return bash_block_after(README, "## Run this repository's tests").strip()


def test_ci_runs_exactly_the_readme_test_command():
    command = readme_test_command()
    assert "pytest" in command
    ci_lines = (TEMPLATE_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in [line.strip() for line in ci_lines]


def test_changelog_has_its_releases_in_keep_a_changelog_form():
    headings = re.findall(r"^## \[([^\]]+)\]", CHANGELOG, flags=re.MULTILINE)
    assert headings[:3] == ["Unreleased", PREVIOUS, PUBLIC]


def test_quoted_benchmark_commands_use_options_the_script_has():
    script = TEMPLATE_ROOT / "scripts" / "benchmark_docker.py"
    accepted = set(re.findall(r"--[a-z][a-z0-9-]*", run([sys.executable, script, "--help"]).stdout))
    current = README + CHANGELOG.split(f"## [{PREVIOUS}]", 1)[0]
    commands = re.findall(r"benchmark_docker\.py([^`\n]*)", current)
    assert commands, "README no longer shows how to run the benchmark"
    used = {option for command in commands for option in re.findall(r"--[a-z][a-z0-9-]*", command)}
    assert used <= accepted


def test_readme_tier_table_names_every_test_file():
    for prefix in TIER_MARKERS:
        assert f"`tests/{prefix}*.py`" in README
    for test_file in sorted((TEMPLATE_ROOT / "tests").glob("test_*.py")):
        assert test_file.name.startswith(tuple(TIER_MARKERS)), test_file.name


def test_the_repository_justfile_parses():
    recipes = run([tool("just"), "--summary"], cwd=TEMPLATE_ROOT).stdout.split()
    assert {"install", "test", "test-fast", "benchmark", "docker-setup", "render"} <= set(recipes)


def test_the_update_example_works_for_a_project_without_docker():
    block = bash_block_after(README, "## Keep a project up to date")
    assert "copier update" in block
    assert "docker" not in block, "not every project has the Docker recipes"
