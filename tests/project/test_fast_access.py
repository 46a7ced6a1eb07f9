"""Both project types that serve HTTP keep one access rule: fed the same bad
access settings, the MCP server and the web service each stop with the same
one line (their own variable prefix aside) and exit status 2.

The rule and the settings readers are standard library only, so the real
commands run from the render's source with this Python: `python -m
PACKAGE.access` (the token command) for both, and the MCP server's own
command, which checks its settings before it imports the SDK.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from questions import effective

HTTP_TYPES = ("mcp_server", "web_service")
TOKEN = "a-token-of-enough-length-1"


def cases(tmp: Path, p: str) -> list[tuple[dict[str, str], str]]:
    """Bad access settings under the prefix p, and the one line each gets."""
    empty = tmp / "empty-token-file"
    empty.write_text("# no token yet\n", encoding="utf-8")
    store = tmp / "state" / f"{p.lower()}-token"
    store.parent.mkdir()
    store.write_text("", encoding="utf-8")
    blocked = tmp / "a-file"
    blocked.write_text("", encoding="utf-8")
    return [
        ({f"{p}_AUTH_TOKEN": "short"}, f"{p}_AUTH_TOKEN: each token needs at least 16 characters"),
        (
            {f"{p}_AUTH_TOKEN": TOKEN, f"{p}_AUTH": "none"},
            f"choose one way to authenticate, not {p}_AUTH_TOKEN and {p}_AUTH=none",
        ),
        (
            {f"{p}_AUTH_TOKEN": TOKEN, f"{p}_AUTH_TOKEN_FILE": str(empty)},
            f"choose one way to authenticate, not {p}_AUTH_TOKEN and {p}_AUTH_TOKEN_FILE",
        ),
        ({f"{p}_AUTH": "maybe"}, f"{p}_AUTH must be one of token, none (got 'maybe')"),
        (
            {f"{p}_AUTH_TOKEN_FILE": "/nonexistent/token"},
            f"{p}_AUTH_TOKEN_FILE: cannot read /nonexistent/token: No such file or directory",
        ),
        ({f"{p}_AUTH_TOKEN_FILE": str(empty)}, f"{p}_AUTH_TOKEN_FILE: {empty} holds no token"),
        # An empty stored token is an error, not an empty token that anyone matches.
        ({f"{p}_STATE_DIR": str(store.parent)}, f"{p}_STATE_DIR: {store} holds no token"),
        (
            {f"{p}_STATE_DIR": str(blocked)},
            f"{p}_STATE_DIR: cannot write {blocked / store.name}: ",
        ),
    ]


def refusal(root: Path, module: str, env: dict[str, str]) -> str:
    """The program's stderr; it must exit 2 with one line and print nothing else."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MCP_", "SERVICE_"))}
    result = subprocess.run(
        [sys.executable, "-m", module],
        env={**clean, "PYTHONPATH": str(root / "src"), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2, (module, env, result.stderr)
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def renders(render) -> dict[str, tuple[Path, dict]]:
    return {kind: (render(project_type=kind), effective(project_type=kind)) for kind in HTTP_TYPES}


def test_both_http_types_refuse_bad_access_settings_with_the_same_line(renders, tmp_path):
    for kind, (root, answers) in renders.items():
        prefix, package = answers["env_prefix"], answers["package_name"]
        served = {answers["host_variable"]: "0.0.0.0", "MCP_TRANSPORT": "streamable-http"}
        commands = [f"{package}.access"] + ([package] if kind == "mcp_server" else [])
        work = tmp_path / kind
        work.mkdir()
        for env, message in cases(work, prefix):
            for module in commands:
                stderr = refusal(root, module, {**served, **env})
                expected = f"{answers['project_slug']}: configuration error: {message}"
                assert stderr.startswith(expected), (kind, module, stderr)


def test_both_print_the_token_they_generated(renders, tmp_path):
    for kind, (root, answers) in renders.items():
        prefix, package = answers["env_prefix"], answers["package_name"]
        env = {answers["host_variable"]: "0.0.0.0", f"{prefix}_STATE_DIR": str(tmp_path / kind)}
        printed = subprocess.run(
            [sys.executable, "-m", f"{package}.access"],
            env={**os.environ, "PYTHONPATH": str(root / "src"), **env},
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        stored = tmp_path / kind / f"{prefix.lower()}-token"
        assert printed.stdout.strip() == stored.read_text(encoding="utf-8").strip()
        assert len(printed.stdout.strip()) >= 16
