"""Reading commands out of Markdown the way a reader copies them."""

from __future__ import annotations

import re


def bash_block_after(text: str, heading: str) -> str:
    """The first ```bash block after a heading (or any marker text)."""
    section = text.split(heading, 1)[1]
    found = re.search(r"```bash\n(.+?)\n```", section, flags=re.DOTALL)
    assert found, f"no bash block after {heading!r}"
    return found[1]


def command_lines(block: str) -> list[str]:
    """A shell block's commands as a reader runs them: one a line, the comment
    after two spaces and a `#` left out, blank lines skipped."""
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
