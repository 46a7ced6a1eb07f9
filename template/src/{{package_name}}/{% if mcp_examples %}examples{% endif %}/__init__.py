"""Examples of what an MCP server offers, to learn from and then delete.

    tools.py           add, greet; count (progress, logging, cancellation);
                       text_stats (structured content with an output schema)
    resources.py       info://server, the template info://items/{name}, completions
    prompts.py         explain, with arguments
    client_logging.py  log messages to the client at the level it asks for

server.py registers them, with the one call and its import; nothing else
imports them. Delete those two lines and this folder (tests/examples/ goes
with it) for a server of your own tools only, or let copier take them away:
`copier update --defaults --data include_examples=false`.
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer

from ..config import Settings
from . import client_logging, prompts, resources, tools


def register(server: MCPServer, settings: Settings) -> None:
    """Add every example to the server."""
    activity = tools.Activity()
    tools.register(server, settings, activity)
    resources.register(server, settings, activity)
    prompts.register(server)
    client_logging.register(server)
