"""The example tools: plain ones (add, greet), one that takes a while and
reports progress and log messages (count), one with a typed, structured
result (text_stats). Each is `async def`, as none blocks: the SDK awaits it in
place, where a plain `def` goes to a worker thread and back (right for a tool
that blocks; a cost for one that only computes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from ..config import Settings
from .client_logging import log_to_client


@dataclass
class Activity:
    """What the tools are doing now. info://server reports it: that is how a
    client sees a cancelled `count` stop."""

    counts_running: int = 0


# What clients and registries show of each tool: none of these changes anything
# or reaches outside the server, and the same call gives the same answer.
CALCULATION = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


class TextStats(BaseModel):
    """What text_stats returns: clients get it as structuredContent, with a schema."""

    characters: int
    words: int
    lines: int


def register(server: MCPServer, settings: Settings, activity: Activity) -> None:
    @server.tool(title="Add two numbers", annotations=CALCULATION)
    async def add(a: float, b: float) -> float:
        """Add two numbers."""
        return a + b

    @server.tool(title="Greet someone", annotations=CALCULATION)
    async def greet(name: str) -> str:
        """Greet someone by name."""
        return f"{settings.greeting}, {name}!"

    @server.tool(title="Count, with progress", annotations=CALCULATION)
    async def count(
        ctx: Context,
        steps: Annotated[int, Field(ge=1, le=100)] = 5,
        interval_seconds: Annotated[float, Field(ge=0, le=5)] = 0.5,
    ) -> str:
        """Count to `steps`, one step per interval, reporting progress and logging each step.

        Cancelling the call stops it at once: the wait between steps is where
        the cancellation lands.
        """
        activity.counts_running += 1
        try:
            for step in range(1, steps + 1):
                await ctx.report_progress(step, steps, f"step {step} of {steps}")
                await log_to_client(ctx, "info", f"counted {step} of {steps}")
                await log_to_client(ctx, "debug", f"next step in {interval_seconds} s")
                await anyio.sleep(interval_seconds)
            return f"counted to {steps}"
        finally:
            activity.counts_running -= 1

    @server.tool(title="Text statistics", annotations=CALCULATION)
    async def text_stats(text: str) -> TextStats:
        """Count the characters, words and lines of a text."""
        lines = len(text.splitlines())
        return TextStats(characters=len(text), words=len(text.split()), lines=lines)
