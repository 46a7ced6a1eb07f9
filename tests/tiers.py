"""The test tiers, named by file-name prefix; conftest.py marks tests from it."""

from __future__ import annotations

import pytest

TIER_MARKERS = {"test_render_": None, "test_install_": "slow", "test_engine_": "docker"}


def tier_marker(file_name: str) -> str | None:
    """The marker of a test file's tier (None for the fast tier)."""
    for prefix, marker in TIER_MARKERS.items():
        if file_name.startswith(prefix):
            return marker
    raise pytest.UsageError(
        f"{file_name}: name test files by tier: {', '.join(p + '*.py' for p in TIER_MARKERS)}"
    )
