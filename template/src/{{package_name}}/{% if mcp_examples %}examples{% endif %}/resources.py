"""The example resources: a static one (info://server) and a template
(info://items/{name}) whose argument clients can complete."""

from __future__ import annotations

import json
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.types import CompleteRequestParams, CompleteResult, Completion, ResourceTemplateReference

from .. import __version__
from ..config import Settings
from .prompts import complete_prompt_argument
from .tools import Activity

ITEMS_TEMPLATE = "info://items/{name}"
# The catalogue behind the template: replace it with your own data.
ITEMS = {
    "apple": "A crisp fruit that keeps for months.",
    "apricot": "A stone fruit, best fresh.",
    "banana": "A fruit that ripens after picking.",
    "cherry": "A small stone fruit, sweet or sour.",
}


def register(server: MCPServer, settings: Settings, activity: Activity) -> None:
    @server.resource("info://server", mime_type="application/json")
    def server_info() -> str:
        """Name, version and transport of this server, and what its tools are doing."""
        return json.dumps(
            {
                "name": server.name,
                "version": __version__,
                "transport": settings.transport,
                "counts_running": activity.counts_running,
            }
        )

    @server.resource(ITEMS_TEMPLATE, mime_type="text/plain")
    def item(name: str) -> str:
        """One item of the catalogue, by name (completion offers the names)."""
        if name not in ITEMS:
            raise ResourceNotFoundError(f"no item named {name!r}")
        return ITEMS[name]

    async def complete(
        ctx: ServerRequestContext[Any, Any], params: CompleteRequestParams
    ) -> CompleteResult:
        ref, argument = params.ref, params.argument
        if isinstance(ref, ResourceTemplateReference):
            items = ITEMS if (ref.uri, argument.name) == (ITEMS_TEMPLATE, "name") else {}
            values = sorted(name for name in items if name.startswith(argument.value))
        else:
            values = complete_prompt_argument(ref.name, argument.name, argument.value)
        return CompleteResult(completion=Completion(values=values, total=len(values)))

    # MCPServer's own completion() decorator is untyped; its low-level server's
    # add_request_handler registers the same handler, and the server then
    # advertises completions.
    lowlevel = server._lowlevel_server
    lowlevel.add_request_handler("completion/complete", CompleteRequestParams, complete)
