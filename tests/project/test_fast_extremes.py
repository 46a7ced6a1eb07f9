"""Fast tier: answers at the edges of what the validators accept render
projects whose files their own tools accept: the longest name copier.yml
allows, and free text with quotes, backslashes, non-ASCII letters, emoji and
the special characters of YAML, TOML, Jinja, just and shell. Every project
type, the serving ones with the image and the chart."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from commands import helm, run, tool
from questions import QUESTIONS, choices

LIMIT = int(re.search(r"length > (\d+)", QUESTIONS["project_name"]["validator"])[1])
LONGEST = ("abcdefghij-" * 5)[:LIMIT]
TEXT = (
    "Ship 🚀 fast — \"quoted\" 'single' back\\slash ünïcödé ß 漢字: {{ not_jinja }} "
    "{% raw %} ${HOME} $(id) `tick` #hash [list] {map} &anchor *alias | > % @ ~"
)
AUTHOR = 'Seán "Ace" O\'Brien \\ 🎸'
SERVING = ("mcp_server", "web_service")


def answers(kind: str) -> dict:
    given = {"project_name": LONGEST, "project_type": kind}
    given |= {"project_description": TEXT, "author_name": AUTHOR}
    if kind in SERVING:
        given |= {"include_docker": True, "include_kubernetes": True}
    return given


@pytest.fixture(scope="module", params=choices("project_type"))
def project(request, render) -> Path:
    return render(**answers(request.param))


def test_the_longest_name_fits_the_limit():
    assert len(LONGEST) == LIMIT and not LONGEST.endswith("-")
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", LONGEST)


def test_every_data_file_parses_and_keeps_the_text(project):
    for path in project.rglob("*.toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))
    for path in [*project.rglob("*.yml"), *project.rglob("*.yaml")]:
        if "templates" not in path.parts:  # Helm's Go templates: helm reads them below
            yaml.safe_load(path.read_text(encoding="utf-8"))
    for path in project.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == TEXT
    assert pyproject["project"]["authors"][0]["name"] == AUTHOR
    for chart in project.glob("charts/*/Chart.yaml"):
        assert yaml.safe_load(chart.read_text(encoding="utf-8"))["description"] == TEXT


def test_ruff_finds_nothing_and_changes_nothing(project):
    run([tool("ruff"), "check", "--no-cache", "."], cwd=project)
    run([tool("ruff"), "format", "--check", "--no-cache", "."], cwd=project)


def test_just_reads_the_justfile(project):
    run([tool("just"), "--summary"], cwd=project)


@pytest.mark.parametrize("kind", SERVING)
def test_the_chart_lints_and_renders(render, kind):
    (chart,) = render(**answers(kind)).glob("charts/*")
    run([helm(), "lint", "--strict", str(chart)])
    run([helm(), "template", "release", str(chart)])
