"""Log messages to the client: the server advertises logging and honours the
level the client asks for.

Two eras of the protocol ask differently. A client of the handshake era (up
to 2025-11-25; the MCP Inspector among them) sends `logging/setLevel` once
per session: the SDK no longer serves it, so the handler below keeps each
session's level and log_to_client drops what is below it. A 2026-07-28
client puts the level in each request's `_meta`, and the SDK itself drops
what is below that. MCP 2026-07-28 deprecates logging to the client
(SEP-2577); it stays here because clients of both eras still show it.
"""

from __future__ import annotations

import warnings
from typing import Any, get_args

from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.session import ServerSession
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.types import EmptyResult, LoggingLevel, SetLevelRequestParams
from mcp.types.version import HANDSHAKE_PROTOCOL_VERSIONS

# RFC 5424's order, least severe first, as the protocol's type lists them.
LEVELS: tuple[LoggingLevel, ...] = get_args(LoggingLevel)
# What a handshake-era session gets before it asks for a level.
DEFAULT_LEVEL: LoggingLevel = "info"

# The SDK warns on every use of the deprecated logging calls; this module
# uses them on purpose (see above), so that one warning is not repeated.
warnings.filterwarnings(
    "ignore", message="The logging capability is deprecated", category=MCPDeprecationWarning
)

LEVEL_KEY = "client_logging.level"


def _connection_state(session: ServerSession) -> dict[str, Any]:
    """The SDK's per-connection scratch space (Connection.state). A ServerSession
    is a proxy built for each request, and in SDK 2.3 it does not expose its
    connection publicly."""
    state: dict[str, Any] = session._connection.state
    return state


async def _set_level(
    ctx: ServerRequestContext[Any, Any], params: SetLevelRequestParams
) -> EmptyResult:
    _connection_state(ctx.session)[LEVEL_KEY] = params.level
    return EmptyResult()


def register(server: MCPServer) -> None:
    """Serve `logging/setLevel`, which also makes the server advertise logging."""
    # MCPServer has no public hook for a handler the 2026 revision removed; its
    # low-level server's add_request_handler is the SDK's documented way.
    lowlevel = server._lowlevel_server
    lowlevel.add_request_handler("logging/setLevel", SetLevelRequestParams, _set_level)


async def log_to_client(ctx: Context, level: LoggingLevel, message: str) -> None:
    """Send `message` to the client if its level is at or above the one it asked for."""
    if ctx.protocol_version in HANDSHAKE_PROTOCOL_VERSIONS:
        wanted = _connection_state(ctx.request_context.session).get(LEVEL_KEY, DEFAULT_LEVEL)
        if LEVELS.index(level) < LEVELS.index(wanted):
            return
    await ctx.log(level, message, logger_name=ctx.mcp_server.name)
