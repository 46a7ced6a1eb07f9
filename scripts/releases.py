"""The releases of this template that scripts and tests name.

The current release is pyproject.toml's version; the previous one is the
release that upgrade tests and the adoption script start from. Change
PREVIOUS here when a release ships; nothing else spells a release number.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CURRENT: str = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"
]
PREVIOUS = "1.9.0"


def tag(version: str) -> str:
    """The git tag of a release (copier picks releases by these PEP 440 tags)."""
    return f"v{version}"
