"""The repository keeps its promises to a newcomer and to CI."""

import re

from conftest import TEMPLATE_ROOT, run, tool


def readme_test_command() -> str:
    readme = (TEMPLATE_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run this repository's tests", 1)[1]
    return re.search(r"```bash\n(.+?)\n```", section, flags=re.DOTALL)[1].strip()


def test_ci_runs_exactly_the_readme_test_command():
    command = readme_test_command()
    assert "pytest" in command
    ci_lines = (TEMPLATE_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in [line.strip() for line in ci_lines]


def test_changelog_has_both_releases_in_keep_a_changelog_form():
    changelog = (TEMPLATE_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, flags=re.MULTILINE)
    assert headings[:3] == ["Unreleased", "1.9.1", "1.9.0"]
    assert "scripts/benchmark_docker.py --compare-v1.9.0" in changelog


def test_the_repository_justfile_parses():
    recipes = run([tool("just"), "--summary"], cwd=TEMPLATE_ROOT).stdout.split()
    assert {"install", "test", "test-fast", "benchmark", "docker-setup", "render"} <= set(recipes)
