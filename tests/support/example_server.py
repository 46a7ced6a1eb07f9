"""What the generated MCP server offers with its examples (the default), as
this repository's tests expect it from outside (the template's
examples/tools.py; inside the generated project, tests/examples/ checks every
capability). Without the examples it lists no tools
(tests/project/test_slow_examples.py)."""

from __future__ import annotations

# The examples' tools, sorted by name.
TOOLS = ["add", "count", "greet", "text_stats"]
