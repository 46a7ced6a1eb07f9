"""Both project types that serve HTTP keep one access rule: fed the same bad
access settings, the MCP server and the web service each stop with the same
one line (their own variable prefix aside) and exit status 2.

The cases are the generated projects' own (`bad_settings` in their
tests/test_access.py, one template file): the two renders' lists must be the
same list. The rule and the settings readers are standard library only, so
the real commands run from each render's source with this Python: `python -m
PACKAGE.kit.access` (the token command) for both, and the MCP server's own
command, which checks its settings before it imports the SDK.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from questions import effective

HTTP_TYPES = ("mcp_server", "web_service")
CASES_OF = (
    "import json, pathlib, sys, test_access\n"
    "print(json.dumps(test_access.bad_settings(pathlib.Path(sys.argv[1]))))"
)


def source_env(root: Path, *paths: str) -> dict[str, str]:
    """This environment without access settings, with the render's folders to import from."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MCP_", "SERVICE_"))}
    return {**clean, "PYTHONPATH": os.pathsep.join(str(root / path) for path in paths)}


def rendered_cases(root: Path, tmp: Path) -> list[tuple[dict[str, str], str]]:
    """The bad access settings the render's own tests feed it, and each one's message."""
    tmp.mkdir()
    printed = subprocess.run(
        [sys.executable, "-c", CASES_OF, str(tmp)],
        env=source_env(root, "src", "tests"),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return [(env, message) for env, message in json.loads(printed.stdout)]


def neutral(cases: list[tuple[dict[str, str], str]], prefix: str, tmp: Path) -> list:
    """The cases with the prefix and the scratch folder taken out."""

    def plain(text: str) -> str:
        text = text.replace(str(tmp), "TMP").replace(f"{prefix}_", "P_")
        return text.replace(f"{prefix.lower()}-token", "P-token")

    return [
        ({plain(k): plain(v) for k, v in env.items()}, plain(message)) for env, message in cases
    ]


def refusal(root: Path, module: str, env: dict[str, str]) -> str:
    """The program's stderr; it must exit 2 with one line and print nothing else."""
    result = subprocess.run(
        [sys.executable, "-m", module],
        env={**source_env(root, "src"), **env},
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


def test_both_http_types_test_the_same_bad_access_settings(renders, tmp_path):
    lists = []
    for kind, (root, answers) in renders.items():
        cases = rendered_cases(root, tmp_path / kind)
        lists.append(neutral(cases, answers["env_prefix"], tmp_path / kind))
    assert len(lists[0]) >= 8 and lists[0] == lists[1]
    # An empty stored token file is one of them: the web service used to accept it.
    assert ({"P_STATE_DIR": "TMP/state"}, "P_STATE_DIR: TMP/state/P-token holds no token") in lists[
        0
    ]


def test_both_http_types_refuse_them_with_the_same_line(renders, tmp_path):
    for kind, (root, answers) in renders.items():
        package = answers["package_name"]
        served = {answers["host_variable"]: "0.0.0.0", "MCP_TRANSPORT": "streamable-http"}
        commands = [f"{package}.kit.access"] + ([package] if kind == "mcp_server" else [])
        for env, message in rendered_cases(root, tmp_path / kind):
            for module in commands:
                stderr = refusal(root, module, {**served, **env})
                expected = f"{answers['project_slug']}: configuration error: {message}"
                assert stderr.startswith(expected), (kind, module, stderr)


def test_both_print_the_token_they_generated(renders, tmp_path):
    for kind, (root, answers) in renders.items():
        prefix, package = answers["env_prefix"], answers["package_name"]
        env = {answers["host_variable"]: "0.0.0.0", f"{prefix}_STATE_DIR": str(tmp_path / kind)}
        printed = subprocess.run(
            [sys.executable, "-m", f"{package}.kit.access"],
            env={**source_env(root, "src"), **env},
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        stored = tmp_path / kind / f"{prefix.lower()}-token"
        assert printed.stdout.strip() == stored.read_text(encoding="utf-8").strip()
        assert len(printed.stdout.strip()) >= 16
