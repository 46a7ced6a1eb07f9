"""The releases that scripts and tests name; nothing else spells a release number.

CURRENT is pyproject.toml's version. PREVIOUS is the last release of this
repository, found by its commit (PREVIOUS_COMMIT) in the git history. PUBLIC
is the public chora-base release whose projects adopt/ migrates
(this repository never published it). UPDATE_BASELINE is the older release
in the update tests' template repository: this template with its Docker
files as they were before the Docker layer, tagged as a development release
of the current one because it never shipped.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CURRENT: str = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"
]
PREVIOUS = "1.9.1"
PREVIOUS_COMMIT = "4036a9c465eef0a30552e2a318b8c4ab0387603c"
PUBLIC = "1.9.0"
UPDATE_BASELINE = f"{CURRENT}.dev0"


def tag(version: str) -> str:
    """The git tag of a release (copier picks releases by these PEP 440 tags)."""
    return f"v{version}"
