"""The order in which pytest-xdist hands the test groups to its workers:
longest first.

`--dist loadgroup` keeps each group on one worker, and with
`--no-loadscope-reorder` (pyproject.toml) the workers take the groups in
collection order, each the next one when it finishes one. Taking the longest
first leaves neither worker alone with a long group at the end of the run.
Only the order depends on these figures, never a result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

# Seconds each of the longest groups took, from `pytest -n 3 -m "slow or
# docker or arm64" --durations=0` and the fast tier's `--durations=0`. A group not
# listed comes after these, those with more tests first (what pytest-xdist
# does by default).
MEASURED = {
    "tests/docker/test_docker_image.py": 150,
    "installed:include_docker=True,include_kubernetes=True,project_type=mcp_server": 310,
    "tests/project/test_slow_answer_space.py": 110,
    "installed:include_examples=False,include_justfile=False": 80,
    "tests/benchmarks/test_docker_image.py": 110,
    "tests/docker/test_docker_compose.py": 115,
    "examples-left-out": 90,
    "ci-matrix-oldest": 70,
    "tests/kubernetes/test_docker_scale.py": 70,
    "tests/update/test_docker_paths.py": 150,
    "tests/docker/test_docker_pythons.py": 100,
    "tests/adopt/test_docker.py": 80,
    "tests/repository/test_slow_readme.py": 45,
    "installed:project_type=web_service": 60,
    "tests/docker/test_docker_load.py": 50,
    "examples-deleted": 40,
    "tests/docker/test_arm64_image.py": 75,
    # The fast tier's draws: one test each, which would otherwise come last.
    "answer-space:mcp_server": 15,
    "answer-space:web_service": 15,
    "answer-space:cli_tool": 15,
    "answer-space:library": 15,
}

Item = TypeVar("Item")


def longest_first(items: Sequence[Item], group_of: Callable[[Item], str]) -> list[Item]:
    """The items, their groups in the order above; within a group, as collected."""
    sizes = Counter(group_of(item) for item in items)

    def cost(item: Item) -> tuple[float, int]:
        group = group_of(item)
        return -MEASURED.get(group, 0), -sizes[group]

    return sorted(items, key=cost)
