"""Slow tier: the official MCP Inspector, as `just inspect` and `just
inspect-cli` run it from a generated MCP project, sees every capability of
the example server; its web UI starts and serves. Node.js comes from
commands.node_bin(); npx fetches the Inspector from the npm registry."""

from __future__ import annotations

import json
import os
import signal
import subprocess

import pytest
from commands import free_port, node_bin, project_env, run, tool, wait_for_url
from documented import MCP_INSTALL, install_group
from example_server import TOOLS
from questions import QUESTIONS

# The default MCP project, installed once by following its docs (conftest's
# `installed`), shared with the other slow-tier checks of that install.
pytestmark = install_group(**MCP_INSTALL)


@pytest.fixture(scope="module")
def project(installed, tmp_path_factory):
    root = installed(**MCP_INSTALL).root
    env = project_env(QUESTIONS["python_version"]["default"])
    env["PATH"] = os.pathsep.join([node_bin(), env["PATH"]])
    # The Inspector keeps a catalogue in the home folder: a scratch one here.
    env["HOME"] = str(tmp_path_factory.mktemp("home"))
    return root, env


def inspect_cli(project, *args: str) -> dict:
    root, env = project
    result = run([tool("just"), "inspect-cli", *args], cwd=root, env=env, timeout=300)
    answer: dict = json.loads(result.stdout)
    return answer


def readme_answers(installed) -> list[dict]:
    """What the README's `just inspect-cli` commands printed when the install ran
    them (conftest's `installed`), one JSON answer per command, in order."""
    ran = next(r for r in installed(**MCP_INSTALL).ran if "just inspect-cli" in r.body)
    decoder, text, answers = json.JSONDecoder(), ran.stdout.strip(), []
    position = 0
    while position < len(text):
        answer, end = decoder.raw_decode(text, position)
        answers.append(answer)
        position = len(text) - len(text[end:].lstrip())
    return answers


def test_the_inspector_cli_sees_every_capability(project, installed):
    # The README's four commands ran at install; the capabilities they leave out here.
    listed, counted, item, prompt = readme_answers(installed)
    tools = listed["tools"]
    assert sorted(t["name"] for t in tools) == TOOLS
    stats = next(t for t in tools if t["name"] == "text_stats")
    assert set(stats["outputSchema"]["properties"]) == {"characters", "words", "lines"}
    assert counted["content"][0]["text"] == "counted to 3" and not counted["isError"]
    assert item["contents"][0]["text"] == "A crisp fruit that keeps for months."
    assert [m["role"] for m in prompt["messages"]] == ["user", "assistant"]
    templates = inspect_cli(project, "--method", "resources/templates/list")
    assert [t["uriTemplate"] for t in templates["resourceTemplates"]] == ["info://items/{name}"]
    assert inspect_cli(project, "--method", "logging/setLevel", "--log-level", "debug") == {}


def test_just_inspect_serves_the_web_ui(project):
    root, env = project
    port = free_port()
    # No browser here; the UI and its sandbox on free ports.
    env = {**env, "MCP_AUTO_OPEN_ENABLED": "false", "CLIENT_PORT": str(port)}
    env["MCP_SANDBOX_PORT"] = str(free_port())
    process = subprocess.Popen(
        [tool("just"), "inspect"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_url(f"http://127.0.0.1:{port}/", process, timeout=180)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    assert "MCP Inspector" in output, output
