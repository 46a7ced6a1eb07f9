"""What the generated MCP server offers, as this repository's tests expect it
from outside (the template's tools.py; inside the generated project,
tests/test_features.py checks every capability)."""

from __future__ import annotations

# The example's tools, sorted by name.
TOOLS = ["add", "count", "greet", "text_stats"]
