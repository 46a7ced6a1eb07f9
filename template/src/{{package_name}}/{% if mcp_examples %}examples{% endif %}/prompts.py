"""The example prompt: `explain`, with arguments, returning messages a client
shows to the user before sending them to a model."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import AssistantMessage, Message, UserMessage
from mcp.shared.exceptions import MCPError
from mcp.types.jsonrpc import INVALID_PARAMS

# How the prompt pitches an explanation, by audience: its choices, in order.
PITCH = {
    "beginner": "a beginner, in plain words, with an example",
    "expert": "an expert, precisely and briefly",
}


def register(server: MCPServer) -> None:
    @server.prompt()
    def explain(topic: str, audience: str = "beginner") -> list[Message]:
        """Ask for an explanation of a topic, pitched at a beginner or an expert."""
        if audience not in PITCH:
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"audience must be one of {', '.join(PITCH)} (got {audience!r})",
            )
        return [
            UserMessage(f"Explain {topic} to {PITCH[audience]}."),
            AssistantMessage(f"What do you already know about {topic}?"),
        ]


def complete_prompt_argument(prompt: str, argument: str, prefix: str) -> list[str]:
    """Values for a prompt argument that start with `prefix` (completion/complete)."""
    if prompt == "explain" and argument == "audience":
        return [audience for audience in PITCH if audience.startswith(prefix)]
    return []
