"""Fast tier: every answer set copier.yml accepts renders a project whose files
their own tools accept.

Hypothesis draws the answers (support/answer_space.py: from copier.yml's
choices, types and validators), for each project type; each draw is rendered
with plain `copier.run_copy`, as `copier copy` does without --trust, and checked
with each format's own parser and linter. Beside the draws, the answers at the
edges: the longest name copier.yml allows and free text with every kind of
special character, with everything a serving project can include.

CI runs the "ci" profile: a fixed seed, so a failure there reproduces here.
A larger search on demand (any failure lands in .hypothesis/, and the next
run tries it first):

    pytest tests/project/test_fast_answer_space.py --hypothesis-profile=explore
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from answer_space import answer_sets, render_plainly, seeded
from commands import helm, run, tool
from distribution import DESCRIPTION_LIMIT, check_the_distribution_files
from hypothesis import given
from hypothesis import strategies as st
from questions import QUESTIONS, choices, effective
from workflows import zizmor_findings, zizmor_findings_allowed

LIMIT = int(re.search(r"length > (\d+)", QUESTIONS["project_name"]["validator"])[1])
LONGEST = ("abcdefghij-" * 5)[:LIMIT]
TEXT = (
    "Ship 🚀 fast — \"quoted\" 'single' back\\slash ünïcödé ß 漢字: {{ not_jinja }} "
    "{% raw %} ${HOME} $(id) `tick` #hash [list] {map} &anchor *alias | > % @ ~"
)
AUTHOR = 'Seán "Ace" O\'Brien \\ 🎸'
# An MCP server's description is at most the MCP Registry's limit: the same
# kinds of character, fewer words, and exactly that long.
DENSE = "🚀—\"q\" 'q' \\ üß漢: {{ x }} {% raw %} ${HOME} $(id) `t` #h [l] {m} &a *b | > % @ ~ "
MCP_TEXT = (DENSE * 2)[:DESCRIPTION_LIMIT]
KINDS = choices("project_type")


def edge_answers(kind: str) -> dict:
    given = {"project_name": LONGEST, "project_type": kind}
    text = MCP_TEXT if kind == "mcp_server" else TEXT
    given |= {"project_description": text, "author_name": AUTHOR}
    if effective(project_type=kind)["serves_http"]:
        given |= {"include_docker": True, "include_kubernetes": True}
    return given


def check_with_each_formats_tools(root: Path, answers: dict) -> None:
    values = effective(**answers)
    check_data_files_keep_the_text(root, values)
    run([tool("ruff"), "check", "--no-cache", "."], cwd=root)
    run([tool("ruff"), "format", "--check", "--no-cache", "."], cwd=root)
    if values["include_justfile"]:
        run([tool("just"), "--summary"], cwd=root)
    for dockerfile in sorted(root.glob("Dockerfile*")):
        run([tool("hadolint"), "--failure-threshold", "style", dockerfile.name], cwd=root)
    if values["image_serves_http"]:  # the compose stack
        run([tool("docker-compose"), "config", "--quiet"], cwd=root)
    for chart in sorted(root.glob("charts/*")):
        run([helm(), "lint", "--strict", str(chart)])
        run([helm(), "template", "release", str(chart)])
    if values["include_github_actions"]:
        check_the_workflows(root, values)
    if values["project_type"] == "mcp_server":
        check_the_distribution_files(root, values)


def check_data_files_keep_the_text(root: Path, values: dict) -> None:
    for path in root.rglob("*.toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))
    for path in [*root.rglob("*.yml"), *root.rglob("*.yaml")]:
        if "templates" not in path.parts:  # Helm's Go templates: helm reads them
            yaml.safe_load(path.read_text(encoding="utf-8"))
    for path in root.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == values["project_slug"]
    assert pyproject["project"]["description"] == values["project_description"]
    assert pyproject["project"]["authors"][0]["name"] == values["author_name"]
    for chart in root.glob("charts/*/Chart.yaml"):
        described = yaml.safe_load(chart.read_text(encoding="utf-8"))["description"]
        assert described == values["project_description"]
    recorded = yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))
    for question in ("project_name", "project_description", "author_name"):
        assert recorded[question] == values[question], question


def check_the_workflows(root: Path, values: dict) -> None:
    github = root / ".github"
    workflows = sorted(str(path) for path in (github / "workflows").glob("*.yml"))
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows])
    # dependabot.yml takes no answer: tests/project/test_fast.py checks its one form.
    findings, status = zizmor_findings(root)
    assert findings == zizmor_findings_allowed(values["pypi_auth_method"]), findings
    assert findings or status == 0


def test_the_mcp_description_is_at_the_registrys_limit():
    assert len(MCP_TEXT) == DESCRIPTION_LIMIT < len(TEXT)


def test_the_longest_name_fits_the_limit():
    assert len(LONGEST) == LIMIT and not LONGEST.endswith("-")
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", LONGEST)


@pytest.mark.parametrize("kind", KINDS)
def test_answers_at_the_edges_render_a_project_its_tools_accept(kind, tmp_path):
    answers = edge_answers(kind)
    check_with_each_formats_tools(render_plainly(answers, tmp_path), answers)


@pytest.mark.parametrize(
    "kind",
    # One group per type, so that both workers draw.
    [pytest.param(k, marks=pytest.mark.xdist_group(f"answer-space:{k}")) for k in KINDS],
)
@seeded
@given(data=st.data())
def test_drawn_answers_render_a_project_its_tools_accept(kind, data, tmp_path_factory):
    answers = data.draw(answer_sets(project_type=kind), label="answers")
    root = render_plainly(answers, tmp_path_factory.mktemp("drawn"))
    check_with_each_formats_tools(root, answers)
