"""The documentation site (include_docs), checked by MkDocs itself: each
type's mkdocs.yml loads with its plugins and hook; the library, CLI tool and
web service sites build strictly from the rendered source (their reference
reads the code without importing it; the MCP server's, which asks the
server, is built in the slow tier); with the question off, nothing of it is
there."""

from __future__ import annotations

import json
import sys
import tomllib

import pytest
import yaml
from commands import copy_of, run, tool
from docs_site import REFERENCE, reference_anchors
from questions import choices

OLDEST = choices("python_version")[0]


# MkDocs's own reading of a config, run where the project is (this repository's
# tests/support/markdown.py would stand in for the Markdown package here).
LOAD = """
import json
from mkdocs.config import load_config
config = load_config("mkdocs.yml")
hooks = [hook.__name__ for hook in config["hooks"].values()]
plugins = list(config["plugins"])
print(json.dumps({"site_url": config["site_url"], "plugins": plugins, "hooks": hooks}))
"""


@pytest.mark.parametrize("project_type", choices("project_type"))
def test_the_config_loads_with_its_plugins_and_hook(render, project_type):
    root = render(project_type=project_type)
    config = json.loads(run([sys.executable, "-c", LOAD], cwd=root).stdout)
    assert config["site_url"] == "https://your-username.github.io/my-project/"
    assert {"material/search", "llmstxt"} <= set(config["plugins"])
    assert ("mkdocstrings" in config["plugins"]) == (project_type != "mcp_server")
    assert config["hooks"] == ["scripts/docs_site.py"]


# Docker and the chart add their pages (docs/docker.md, docs/kubernetes.md).
PAGES = {"include_docker": True, "include_kubernetes": True}


@pytest.mark.parametrize("project_type", [kind for kind in REFERENCE if kind != "mcp_server"])
@pytest.mark.parametrize("pages", [{}, PAGES], ids=["plain", "docker-and-chart"])
def test_the_site_builds_strictly_with_the_codes_reference(render, project_type, pages, tmp_path):
    # On the oldest Python, which this repository's own interpreter reads: the
    # reference parses the code with it (the slow tier builds the default's).
    answers = {"project_type": project_type, "python_version": OLDEST, **pages}
    root = copy_of(render(**answers), tmp_path)
    site = tmp_path / "site"
    run([tool("mkdocs"), "build", "--strict", "--site-dir", str(site)], cwd=root)
    reference = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert set(REFERENCE[project_type]) <= reference_anchors(reference)
    # The home page is the README; llms.txt indexes the pages for agents.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="documentation">' in home and "just install" in home
    llms = (site / "llms.txt").read_text(encoding="utf-8")
    assert "https://your-username.github.io/my-project/reference/index.md" in llms


@pytest.mark.parametrize("project_type", choices("project_type"))
def test_the_sites_tools_stay_out_of_the_default_install(render, project_type):
    """`uv sync` (`just install`) takes the dev group alone: uv's default, unchanged."""
    pyproject = tomllib.loads((render(project_type=project_type) / "pyproject.toml").read_text())
    groups = pyproject["dependency-groups"]
    assert any(tool.startswith("mkdocs>=1.6,<2") for tool in groups["docs"])
    assert not [tool for tool in groups["dev"] if tool.startswith(("mkdocs", "mike"))]
    assert "default-groups" not in pyproject.get("tool", {}).get("uv", {})


@pytest.mark.parametrize("project_type", choices("project_type"))
def test_without_the_site_nothing_of_it_is_there(render, project_type):
    root = render(project_type=project_type, include_docs=False)
    assert not (root / "mkdocs.yml").exists()
    assert not (root / "scripts" / "docs_site.py").exists()
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "docs" not in pyproject["dependency-groups"]
    for workflow in ("ci.yml", "release.yml"):
        jobs = yaml.safe_load((root / ".github" / "workflows" / workflow).read_text())["jobs"]
        assert "docs" not in jobs, workflow
    recipes = run([tool("just"), "--summary"], cwd=root).stdout.split()
    assert "docs" not in recipes and "docs-build" not in recipes
    assert "## Documentation" not in (root / "README.md").read_text(encoding="utf-8")
