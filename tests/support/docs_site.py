"""What the generated documentation site's reference page shows of each
type's example code: the anchors MkDocs gives its entries."""

import re

from example_server import TOOLS

REFERENCE = {
    # What the server lists: the examples' tools and prompt.
    "mcp_server": [*TOOLS, "explain"],
    # The API reference, from the docstrings and type hints.
    "library": ["my_project.core.slugify", "my_project.core.chunked"],
    "cli_tool": ["my_project.cli.count", "my_project.cli.main"],
    "web_service": ["my_project.app.hello", "my_project.app.Greeting"],
}


def reference_anchors(site_reference: str) -> set[str]:
    """The anchors of the reference page's HTML."""
    return set(re.findall(r'id="([^"]+)"', site_reference))
