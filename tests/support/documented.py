"""A generated project's documentation, followed literally.

Every shell block of README.md, AGENTS.md, CONTRIBUTING.md and docs/*.md runs
in order, as a user pastes it into a terminal; Python blocks run in the
project's .venv. A block that cannot run here carries a marker in the doc
itself, on the line before it (`<!-- docs-test: skip, REASON -->`) or at the
top of the file (`<!-- docs-test: skip file, REASON -->`), and REASON is one
of SKIP_REASONS: the rule, not a list of blocks kept here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from commands import run

SKIP_REASONS = {
    "starts the server": "a server that runs until stopped; the client tests start it",
    "the suite runs in the check": (
        "AGENTS.md's check runs the same suite with coverage in the same install; once is enough"
    ),
    "changes the answers": (
        "copier update with other answers changes what later blocks use; tests/update/ runs these"
    ),
    "code to add to a file": (
        "a snippet that goes inside a module; tests/project/test_slow_examples.py adds it"
    ),
    "needs Docker and a registry": "base images come from a registry; the Docker tier runs these",
    "needs a newer template release": "copier update has nothing to bring to a fresh render",
    "needs a GitHub repository": "pushing, or reading what GitHub published, needs the remote",
    "needs the release on PyPI": (
        "uvx installs what a release published; tests/project/test_slow_distribution.py"
        " installs the built wheel the same way"
    ),
    "needs a Kubernetes cluster": "helm install and kubectl talk to a cluster; none runs here",
    "needs your release notes": (
        "a release refuses an empty Unreleased section; tests/release/test_fast.py"
        " writes notes and runs these"
    ),
}
DOCS = ("README.md", "AGENTS.md", "CONTRIBUTING.md")
BLOCK = re.compile(
    r"(?:<!-- docs-test: skip, (?P<reason>[^>]+?) -->\n)?```(?P<lang>\w+)\n(?P<body>.*?)\n```", re.S
)
FILE_SKIP = re.compile(r"<!-- docs-test: skip file, (?P<reason>[^>]+?) -->")


@dataclass(frozen=True)
class Ran:
    """A block that ran, and what it printed."""

    doc: str
    body: str
    stdout: str


def doc_files(root: Path) -> list[Path]:
    return [root / name for name in DOCS if (root / name).exists()] + sorted(
        (root / "docs").glob("*.md")
    )


def blocks(doc: Path) -> list[tuple[str, str, str | None]]:
    """(language, body, skip reason) of each fenced block, in order."""
    text = doc.read_text(encoding="utf-8")
    whole = FILE_SKIP.search(text)
    return [
        (m["lang"], m["body"], whole["reason"] if whole else m["reason"])
        for m in BLOCK.finditer(text)
    ]


def follow(root: Path, env: dict[str, str]) -> list[Ran]:
    """Run every block of the project's docs in order; a failing block fails the test."""
    ran = []
    for doc in doc_files(root):
        for language, body, reason in blocks(doc):
            if reason is not None:
                assert reason in SKIP_REASONS, f"{doc.name}: no rule skips {reason!r}"
                continue
            if language == "bash":
                done = run(["bash", "-e", "-c", body], cwd=root, env=env, timeout=900)
            elif language == "python":
                done = run([str(root / ".venv" / "bin" / "python"), "-c", body], cwd=root, env=env)
            else:
                continue  # data (json, toml, text): what a user copies into another tool
            ran.append(Ran(doc.name, body, done.stdout))
    return ran


# The MCP server as the slow tier installs it for its gates, docs, `just dev`,
# the Inspector and telemetry: with Docker and the Helm chart, whose code,
# tests and docs are a plain render's and more, so one install (and one run of
# its suite) serves them all. Plain renders are installed by the docs test
# without a justfile, the examples' and the matrix's tests, and the draws.
MCP_INSTALL = {"project_type": "mcp_server", "include_docker": True, "include_kubernetes": True}


def install_group(**answers):
    """The pytest-xdist group of the tests that share the install of these answers
    (conftest's `installed`), so that one worker installs it once."""
    name = "installed:" + ",".join(f"{k}={v}" for k, v in sorted(answers.items()))
    return pytest.mark.xdist_group(name)
