"""What the generated MCP server offers with its examples (the default), as
this repository's tests expect it from outside (the template's
examples/tools.py; inside the generated project, tests/examples/ checks every
capability), and how a client that starts it over stdio lists it. Without
the examples it lists no tools (tests/project/test_slow_examples.py)."""

from __future__ import annotations

import anyio
from mcp import Client, StdioServerParameters
from mcp.types import Implementation, Tool

# The examples' tools, sorted by name.
TOOLS = ["add", "count", "greet", "text_stats"]


def stdio_listing(
    command: str, *args: str, env: dict[str, str] | None = None
) -> tuple[Implementation, list[Tool]]:
    """Start the server the way a desktop client does, over stdio: what it says
    of itself, and its tools, sorted by name."""
    params = StdioServerParameters(command=command, args=list(args), env=env)

    async def session() -> tuple[Implementation, list[Tool]]:
        async with Client(params) as client:
            tools = sorted((await client.list_tools()).tools, key=lambda tool: tool.name)
            return client.server_info, tools

    return anyio.run(session)


def stdio_tool_names(command: str, *args: str) -> list[str]:
    """The names of the tools the server lists over stdio, sorted."""
    return [tool.name for tool in stdio_listing(command, *args)[1]]
