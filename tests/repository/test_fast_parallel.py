"""Fast tier: what `-n 2` (.ci/run) relies on. Tests that share expensive setup
name an xdist_group (conftest.py gives every file one), and --dist loadgroup
must then run each group on one worker, or the setup is made twice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GROUPED = """
import os
import pytest

@pytest.mark.parametrize("n", [pytest.param(n, marks=pytest.mark.xdist_group(f"g{n % 2}"))
                               for n in range(8)])
def test_grouped(n, tmp_path_factory):
    out = tmp_path_factory.getbasetemp().parent / f"g{n % 2}-{n}"
    out.write_text(os.environ["PYTEST_XDIST_WORKER"])
"""


def test_loadgroup_keeps_each_group_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    base = tmp_path / "base"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2"]
    command += ["--dist", "loadgroup", "--basetemp", str(base), "test_grouped.py"]
    ran = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    workers: dict[str, set[str]] = {}
    for written in Path(base).glob("g*-*"):
        workers.setdefault(written.name.split("-")[0], set()).add(written.read_text())
    assert sorted(workers) == ["g0", "g1"]
    assert all(len(used) == 1 for used in workers.values()), workers
