"""Slow tier: the generated documentation, followed literally.

In a fresh render of each project type (and one without a justfile),
committed in git as the post-copy message says, every shell block of
README.md, AGENTS.md, CONTRIBUTING.md and docs/*.md runs in order, as a user
pastes it into a terminal; Python blocks run in the project's .venv. A block
the test cannot run carries a marker in the doc itself, on the line before
it (`<!-- docs-test: skip, REASON -->`) or at the top of the file
(`<!-- docs-test: skip file, REASON -->`), and REASON is one of SKIP_REASONS:
the rule, not a list of blocks kept here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from commands import copy_of, helm, node_bin, project_env, run
from questions import QUESTIONS, choices
from template_repo import commit, git

SKIP_REASONS = {
    "starts the server": "a server that runs until stopped; the client tests start it",
    "needs Docker and a registry": "base images come from a registry; the Docker tier runs these",
    "needs a newer template release": "copier update has nothing to bring to a fresh render",
    "needs a GitHub repository": "pushing, or reading what GitHub published, needs the remote",
    "needs a Kubernetes cluster": "helm install and kubectl talk to a cluster; none runs here",
    "needs your release notes": (
        "a release refuses an empty Unreleased section; test_render_generated_release"
        " writes notes and runs these"
    ),
}
DOCS = ("README.md", "AGENTS.md", "CONTRIBUTING.md")
BLOCK = re.compile(
    r"(?:<!-- docs-test: skip, (?P<reason>[^>]+?) -->\n)?```(?P<lang>\w+)\n(?P<body>.*?)\n```", re.S
)
FILE_SKIP = re.compile(r"<!-- docs-test: skip file, (?P<reason>[^>]+?) -->")
CASES = [{"project_type": kind} for kind in choices("project_type")] + [
    {"include_justfile": False},
    {"include_docker": True, "include_kubernetes": True},
]


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


@pytest.mark.parametrize("answers", CASES, ids=lambda a: "-".join(f"{k}={v}" for k, v in a.items()))
def test_every_documented_command_runs(render, tmp_path, answers):
    root = copy_of(render(**answers), tmp_path)
    git("init", "-q", "-b", "main", cwd=root)
    commit(root, "Start from chora-base")
    env = project_env(QUESTIONS["python_version"]["default"])
    # The MCP README runs the Inspector, which needs a newer Node than the machine may have.
    # ... and the Kubernetes guide's checks run helm.
    helm_dir = os.path.dirname(helm())
    env["PATH"] = os.pathsep.join([node_bin(), helm_dir, env["PATH"]])
    ran = []
    for doc in doc_files(root):
        for language, body, reason in blocks(doc):
            if reason is not None:
                assert reason in SKIP_REASONS, f"{doc.name}: no rule skips {reason!r}"
                continue
            if language == "bash":
                run(["bash", "-e", "-c", body], cwd=root, env=env, timeout=900)
            elif language == "python":
                run([str(root / ".venv" / "bin" / "python"), "-c", body], cwd=root, env=env)
            else:
                continue  # data (json, toml, text): what a user copies into another tool
            ran.append(f"{doc.name}: {body.splitlines()[0]}")
    assert any(line.startswith("README.md: ") for line in ran), "the README's quick start ran"
    assert any(line.startswith("AGENTS.md: ") for line in ran), "the agents' checks ran"
