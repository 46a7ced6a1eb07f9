"""Projects as the public chora-base release generated them, re-created for
the migration tests (CI cannot reach GitHub to render the real thing).

What matters for a migration, per project type, from the facts of that
release's output:
- the Docker layer: rendered from adopt/release-1.9.0, whose
  instructions equal the public output line for line (comments re-worded);
  its compose file and justfile do not parse, as released;
- pyproject.toml: the same for library, command-line tool and web service
  (the type shows only in the Docker files); MCP servers depend on fastmcp;
  every type has a console script `<package>.cli.main:cli`, a module the
  release never wrote (MCP servers: `<package>.mcp.server:main`);
- src/<package>/ without __init__.py: memory/ always, mcp/ for MCP servers;
- no LICENSE and no tests/; AGENTS.md, NAMESPACES.md (MCP), scripts/,
  .chora/, dev-docs/ and more that this template does not make.
The MCP server is the one a user has after repairing the released file
(its main() did not parse): a FastMCP server run over stdio.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from commands import tool_env
from template_repo import GIT_IDENTITY, commit, git

from adopt.merge_base import rendered

PUBLIC_DEFAULTS = {
    "python_version": "3.11",
    "include_tests": True,
    "include_pre_commit": True,
    "include_github_actions": True,
    "include_justfile": True,
    "include_docker": True,
    "docker_strategy": "production",
    "test_coverage_threshold": 85,
}

MCP_SERVER = '''"""{name} MCP server (FastMCP)."""

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastmcp import FastMCP

logger = logging.getLogger(__name__)


def _get_version() -> str:
    try:
        return version("{name}")
    except PackageNotFoundError:
        return "0.0.0-dev"


mcp = FastMCP(name="{name}", version=_get_version())


@mcp.tool()
async def example_tool(message: str) -> dict[str, Any]:
    """Echo a message back."""
    return {{"status": "success", "message": message}}


@mcp.tool()
async def hello_world() -> str:
    """Say hello."""
    return "Hello from {name}!"


def main() -> None:
    logger.info("Starting {name} MCP server...")
    mcp.run()


if __name__ == "__main__":
    main()
'''


def pyproject(name: str, package: str, project_type: str) -> str:
    mcp = project_type == "mcp_server"
    deps = (
        '"fastmcp>=0.3.0",\n    "pydantic>=2.0.0",\n    "pydantic-settings>=2.0.0",\n'
        '    "python-dotenv>=1.0.0",\n'
        if mcp
        else ""
    )
    script = f"{package}.mcp.server:main" if mcp else f"{package}.cli.main:cli"
    return f"""[project]
name = "{name}"
version = "0.3.0"
description = "A Python project built with chora-base template"
authors = [
    {{name = "Grace Hopper", email = "grace@example.org"}}
]
readme = "README.md"
license = {{text = "MIT"}}
requires-python = ">=3.11"
dependencies = [
{deps}"click>=8.0.0",
]

[project.optional-dependencies]
dev = [
"pytest==8.3.0",
    "pytest-asyncio==0.24.0",
    "pytest-cov==6.0.0",
"mypy==1.11.0",
    "ruff==0.7.0",
]

[project.scripts]
{name} = "{script}"
{name}-memory = "{package}.cli.main:cli"
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["src/{package}"]

[tool.coverage.report]
precision = 2
fail_under = 85.0
"""


def public_project(dest: Path, project_type: str) -> Path:
    """A committed project, named after dest, as the public release made it."""
    name = dest.name
    package = name.replace("-", "_")
    context = {
        **PUBLIC_DEFAULTS,
        "project_name": name,
        "project_slug": name,
        "package_name": package,
        "project_type": project_type,
    }
    files = {
        "pyproject.toml": pyproject(name, package, project_type),
        "README.md": f"# {name}\n\nhttps://github.com/acme/{name}\n",
        "AGENTS.md": f"# AGENTS.md\n\nInstructions for agents working on {name}.\n",
        "CHANGELOG.md": "# Changelog\n\n## [0.3.0]\n",
        ".env.example": f"{package.upper()}_LOG_LEVEL=INFO\n",
        ".gitignore": ".venv/\n__pycache__/\n.env\n",
        ".pre-commit-config.yaml": "repos: []\n",
        ".github/workflows/test.yml": "name: Test\non: push\njobs: {}\n",
        ".chora/memory/README.md": "# Agent memory\n",
        "dev-docs/README.md": "# Developer docs\n",
        "scripts/setup.sh": "#!/usr/bin/env bash\npip install -e '.[dev]'\n",
        f"src/{package}/memory/__init__.py": '"""Agent memory."""\n',
    }
    if project_type == "mcp_server":
        files["NAMESPACES.md"] = f"# Namespaces\n\n{package.replace('_', '')}\n"
        files[f"src/{package}/mcp/__init__.py"] = f'NAMESPACE = "{package.replace("_", "")}"\n'
        files[f"src/{package}/mcp/server.py"] = MCP_SERVER.format(name=name)
    for docker_file in ("Dockerfile", "Dockerfile.test", ".dockerignore", "docker-compose.yml"):
        files[docker_file] = rendered(docker_file, context)
    files["justfile"] = rendered("justfile", context)
    for path, text in files.items():
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        (dest / path).write_text(text, encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=dest)
    commit(dest, "Generated by the public chora-base")
    return dest


# A user's edits after generation: repairs that make the released files usable,
# and changes of their own. Each (file, old, new); `new` must survive a migration.
USER_EDITS = [
    ("Dockerfile", "USER appuser\n", "USER appuser\n\nENV TZ=Europe/Paris\n"),
    (
        "docker-compose.yml",
        "      - PYTHONUNBUFFERED=1\n",
        "      - PYTHONUNBUFFERED=1\n      - TEAM=blue\n",
    ),
    (
        "justfile",
        "    ./scripts/prepare-release.sh \n",
        "    ./scripts/prepare-release.sh {{TYPE}}\n",
    ),
    ("justfile", "info:\n", "# Our own recipe\nhello:\n    echo hello from the team\n\ninfo:\n"),
]


def make_user_edits(root: Path) -> None:
    for name, old, new in USER_EDITS:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{name} has no {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    commit(root, "Our edits")


def add_user_tests(root: Path) -> None:
    """A test of the user's own, as a project in use has (the release wrote none)."""
    package = root.name.replace("-", "_")
    test = root / "tests" / "test_memory.py"
    test.parent.mkdir(exist_ok=True)
    test.write_text(
        f'"""Our own test."""\n\nfrom {package} import memory\n\n\n'
        "def test_memory_says_what_it_is() -> None:\n"
        '    assert memory.__doc__ == "Agent memory."\n',
        encoding="utf-8",
    )
    commit(root, "Our tests")


def adopt(clone: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m adopt ARGS` from the clone, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "adopt", *map(str, args)],
        cwd=clone,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=tool_env(**GIT_IDENTITY),
    )
