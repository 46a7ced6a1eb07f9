"""The examples' greeting follows the settings file while the server runs:
over stdio and over streamable HTTP, a changed file gives the new greeting
on a later call of the same session, with no restart."""

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from conftest import MODULE, running_server, text_of, unused_port
from starter import python_arguments


def write(path: Path, greeting: str) -> None:
    """As an editor saves: a new file put in the old one's place."""
    temporary = path.with_suffix(".new")
    temporary.write_text(f'[server]\ngreeting = "{greeting}"\n', encoding="utf-8")
    temporary.replace(path)


async def greetings_follow(
    client: Client, settings_file: Path, changed: Callable[[], None] = lambda: None
) -> list[str]:
    """The greeting before and after the file changes, in one session."""

    async def greet() -> str:
        return text_of(await client.call_tool("greet", {"name": "Ada"}))

    said = [await greet()]
    write(settings_file, "Howdy")
    changed()
    deadline = time.monotonic() + 10
    while (now := await greet()) == said[0] and time.monotonic() < deadline:
        await anyio.sleep(0.1)
    return [*said, now]


def in_session(
    connect: Callable[[], Client], settings_file: Path, changed: Callable[[], None] = lambda: None
) -> list[str]:
    async def run() -> list[str]:
        async with connect() as client:
            return await greetings_follow(client, settings_file, changed)

    result: list[str] = anyio.run(run)
    return result


def test_over_stdio(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.toml"
    write(settings_file, "Hello")
    env = {**os.environ, "MCP_CONFIG_FILE": str(settings_file)}
    params = StdioServerParameters(
        command=sys.executable, args=python_arguments("-m", MODULE), env=env
    )
    said = in_session(lambda: Client(params), settings_file)
    assert said == ["Hello, Ada!", "Howdy, Ada!"]


def test_over_streamable_http(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.toml"
    write(settings_file, "Hello")
    port = unused_port()
    env = {
        "MCP_TRANSPORT": "streamable-http",
        "MCP_SERVER_PORT": str(port),
        "MCP_CONFIG_FILE": str(settings_file),
    }
    with running_server(env, f"http://127.0.0.1:{port}/health") as server:
        url = f"http://127.0.0.1:{port}/mcp"

        def hang_up() -> None:
            """SIGHUP: read at once (over stdio above, the server looks every second)."""
            server.send_signal(signal.SIGHUP)

        said = in_session(lambda: Client(streamable_http_client(url)), settings_file, hang_up)
        assert server.poll() is None, "the server restarted"
    assert said == ["Hello, Ada!", "Howdy, Ada!"]
