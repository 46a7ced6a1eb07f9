"""The test tiers, named by the start of a test file's name; conftest.py marks
tests from it. Each subject has a folder (tests/docker/, tests/update/, ...)
and a file per tier in it: test_fast.py, test_slow_docs.py, test_docker_image.py,
test_arm64_image.py."""

from __future__ import annotations

import pytest

TIER_MARKERS = {
    "test_fast": None,
    "test_slow": "slow",
    "test_docker": "docker",
    "test_arm64": "arm64",
}


def tier_marker(file_name: str) -> str | None:
    """The marker of a test file's tier (None for the fast tier)."""
    for prefix, marker in TIER_MARKERS.items():
        if file_name == f"{prefix}.py" or file_name.startswith(f"{prefix}_"):
            return marker
    raise pytest.UsageError(
        f"{file_name}: name test files by tier: "
        + ", ".join(f"{p}.py or {p}_*.py" for p in TIER_MARKERS)
    )
