"""Slow tier: `just dev` in the installed MCP project serves over streamable
HTTP, serves a tool added to tools.py without a restart by hand, names a
file that does not compile in one line and keeps serving the code it had,
and serves the new code after the next good save. However it ends (Ctrl-C,
SIGTERM, a closed terminal, `just` killed), nothing it started outlives it
and the port is free."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import uuid
from pathlib import Path

import anyio
import pytest
from commands import free_port, just_dev, processes_carrying, until, wait_for_url
from documented import MCP_INSTALL, install_group
from example_server import TOOLS
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from questions import effective

pytestmark = install_group(**MCP_INSTALL)

SHOUT = '''

    @server.tool()
    def shout(text: str) -> str:
        """Repeat the text in capitals."""
        return text.upper()
'''


def tool_names(url: str) -> list[str] | None:
    """The tools the server lists now; None while it does not answer."""

    async def listed() -> list[str]:
        async with Client(streamable_http_client(url)) as client:
            return sorted(each.name for each in (await client.list_tools()).tools)

    try:
        return anyio.run(listed)
    except Exception:  # not serving yet, or restarting
        return None


def refusal(output: str) -> str | None:
    """dev.py's line for a file that does not compile, once it is there."""
    return next((line for line in output.splitlines() if line.startswith("dev: src/")), None)


@pytest.fixture
def tools_module(installed):
    """The installed project's tools.py, put back as it was afterwards."""
    root = installed(**MCP_INSTALL).root
    package = effective(project_type="mcp_server")["package_name"]
    module: Path = root / "src" / package / "tools.py"
    original = module.read_text(encoding="utf-8")
    yield root, module, original
    module.write_text(original, encoding="utf-8")


def test_just_dev_serves_each_save_and_survives_a_syntax_error(installed, tools_module, tmp_path):
    root, module, original = tools_module
    env = installed(**MCP_INSTALL).env
    port = free_port()
    env = {**env, "MCP_SERVER_PORT": str(port)}
    errors = tmp_path / "dev.log"
    process = just_dev(root, env, errors)
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        wait_for_url(f"http://127.0.0.1:{port}/health", process)
        assert tool_names(url) == TOOLS

        module.write_text(original + SHOUT, encoding="utf-8")

        def listed() -> str:
            return f"the server lists {tool_names(url)}"

        until(lambda: "shout" in (tool_names(url) or []) or None, 30, listed)

        module.write_text(original + SHOUT + "\n    def broken(:\n", encoding="utf-8")
        line = until(lambda: refusal(errors.read_text()), 30, errors.read_text)
        assert line.endswith("waiting for the next save"), line
        assert process.poll() is None, "the watcher stopped"
        assert "shout" in (tool_names(url) or []), "the code it had is no longer served"

        module.write_text(original, encoding="utf-8")
        until(lambda: tool_names(url) == TOOLS or None, 30, listed)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    output = errors.read_text()
    assert "Traceback" not in output, output


def running_with(token: str) -> dict[int, str]:
    """What `just dev` started: the processes that carry its run's token."""
    return processes_carrying("DEV_RUN", token)


def port_is_free(port: int) -> bool:
    """Whether the next server can listen on port, binding as uvicorn does
    (SO_REUSEADDR: the closed health checks' TIME_WAIT does not hold it)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            return False
        return True


# How each ending reaches `just dev`: Ctrl-C and a closed terminal signal the
# terminal's whole foreground group; `timeout`, an IDE's stop button or a
# process manager signal `just` alone; SIGKILL to `just` is its parent's end
# as the watcher sees it.
ENDINGS = {
    "SIGINT": (signal.SIGINT, "group"),
    "SIGHUP": (signal.SIGHUP, "group"),
    "SIGTERM": (signal.SIGTERM, "just"),
    "SIGKILL": (signal.SIGKILL, "just"),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_just_dev_leaves_no_process_and_a_free_port(installed, ending, tmp_path):
    signum, target = ENDINGS[ending]
    project = installed(**MCP_INSTALL)
    port = free_port()
    token = uuid.uuid4().hex
    env = {**project.env, "MCP_SERVER_PORT": str(port), "DEV_RUN": token}
    process = just_dev(project.root, env, tmp_path / "dev.log")
    try:
        wait_for_url(f"http://127.0.0.1:{port}/health", process)
        # The watcher, the server and its spare.
        until(lambda: len(running_with(token)) >= 4 or None, 30, lambda: running_with(token))
        if target == "group":
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
        process.wait(timeout=15)
        until(lambda: not running_with(token) or None, 10, lambda: running_with(token))
        assert port_is_free(port)
    finally:
        for pid in running_with(token):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    output = (tmp_path / "dev.log").read_text()
    assert "Traceback" not in output, output
