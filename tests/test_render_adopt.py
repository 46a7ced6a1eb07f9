"""scripts/adopt.py: a project from the public chora-base, which wrote no answers
file, comes under `copier update`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from commands import TEMPLATE_ROOT, run, tool, tool_env
from releases import CURRENT, PREVIOUS, tag
from template_repo import GIT_IDENTITY, git

SCRIPT = TEMPLATE_ROOT / "scripts" / "adopt.py"
SERVER = 'from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP("legacy")\n'


def legacy_project(root: Path) -> Path:
    """Laid out like the public chora-base v1.9.0 output: no answers file."""
    (root / "src" / "legacy_mcp").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        "[project]\n"
        'name = "legacy-mcp"\nversion = "0.3.0"\n'
        'description = "An MCP server made with chora-base v1.9.0"\n'
        'requires-python = ">=3.12"\n'
        'authors = [{ name = "Grace Hopper", email = "grace@example.org" }]\n'
        'dependencies = ["mcp>=1.0"]\n\n'
        '[project.scripts]\nlegacy-mcp = "legacy_mcp.server:main"\n\n'
        "[tool.coverage.report]\nfail_under = 80\n"
    )
    (root / "src" / "legacy_mcp" / "__init__.py").write_text('__version__ = "0.3.0"\n')
    (root / "src" / "legacy_mcp" / "server.py").write_text(SERVER)
    (root / "tests" / "test_smoke.py").write_text("def test_smoke():\n    pass\n")
    (root / "LICENSE").write_text("MIT License\n\nCopyright (c) 2025 Grace Hopper\n")
    (root / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . .\nRUN pip install -e .\n")
    (root / "justfile").write_text("test:\n    pytest\n")
    (root / ".github" / "workflows" / "ci.yml").write_text("name: CI\non: push\njobs: {}\n")
    git("init", "-q", "-b", "main", cwd=root)
    git("remote", "add", "origin", "git@github.com:acme/legacy-mcp.git", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-qm", "legacy project", cwd=root)
    return root


def adopt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_answers_come_from_the_project(template_repo, tmp_path):
    root = legacy_project(tmp_path / "legacy-mcp")
    result = adopt(str(root), "--template", str(template_repo), "--defaults")
    assert result.returncode == 0, result.stderr
    assert "copier update" in result.stdout
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text())
    assert answers["_commit"] == tag(PREVIOUS) and answers["_src_path"] == str(template_repo)
    assert {
        "project_name": "legacy-mcp",
        "package_name": "legacy_mcp",
        "project_description": "An MCP server made with chora-base v1.9.0",
        "project_version": "0.3.0",
        "author_name": "Grace Hopper",
        "author_email": "grace@example.org",
        "github_username": "acme",
        "python_version": "3.12",
        "project_type": "mcp_server",
        "license": "MIT",
        "copyright_year": "2025",
        "include_docker": True,
        "docker_strategy": "production",
        "include_tests": True,
        "include_justfile": True,
        "include_github_actions": True,
        "include_pre_commit": False,
        "test_coverage_threshold": 80,
    }.items() <= answers.items()


def test_then_copier_update_reaches_the_current_release_keeping_their_code(template_repo, tmp_path):
    root = legacy_project(tmp_path / "legacy-mcp")
    assert adopt(str(root), "--template", str(template_repo), "--defaults").returncode == 0
    git("add", ".copier-answers.yml", cwd=root)
    git("commit", "-qm", "Record chora-base answers", cwd=root)
    run([tool("copier"), "update", "--defaults"], cwd=root, env=tool_env(**GIT_IDENTITY))
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text())
    assert answers["_commit"] == tag(CURRENT)
    assert (root / "src" / "legacy_mcp" / "server.py").read_text() == SERVER
    assert "pip wheel" in (root / "Dockerfile").read_text()


def test_data_overrides_and_validators_apply(template_repo, tmp_path):
    root = legacy_project(tmp_path / "legacy-mcp")
    result = adopt(
        str(root),
        "--template",
        str(template_repo),
        "--defaults",
        "--data",
        "author_email=not-an-email",
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "author_email" in result.stderr
    assert not (root / ".copier-answers.yml").exists()


def test_refuses_what_is_not_a_project(tmp_path):
    result = adopt(str(tmp_path), "--defaults")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"adopt: {tmp_path.resolve()} has no pyproject.toml; is it a chora-base project?"
    )


def test_without_a_terminal_it_asks_for_defaults(template_repo, tmp_path):
    root = legacy_project(tmp_path / "legacy-mcp")
    result = adopt(str(root), "--template", str(template_repo))
    assert result.returncode == 2
    assert "--defaults" in result.stderr
    assert not (root / ".copier-answers.yml").exists()
