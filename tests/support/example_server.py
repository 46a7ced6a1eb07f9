"""What the generated MCP server offers with its examples (the default), as
this repository's tests expect it from outside (the template's
examples/tools.py; inside the generated project, tests/examples/ checks every
capability), and how a client that starts it over stdio lists it. Without
the examples it lists no tools (tests/project/test_slow_examples.py)."""

from __future__ import annotations

import anyio
from mcp import Client, StdioServerParameters

# The examples' tools, sorted by name.
TOOLS = ["add", "count", "greet", "text_stats"]


def stdio_tool_names(command: str, *args: str) -> list[str]:
    """Start the server the way a desktop client does, over stdio, and list its
    tools, sorted by name."""
    params = StdioServerParameters(command=command, args=list(args))

    async def session() -> list[str]:
        async with Client(params) as client:
            return sorted(tool.name for tool in (await client.list_tools()).tools)

    return anyio.run(session)
