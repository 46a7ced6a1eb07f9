#!/usr/bin/env python3
"""Measure how fast a generated program refuses a bad setting.

For the MCP server and the web service (other answers at their defaults) it
renders the project, installs it into a virtualenv with uv, then runs its
command with a bad setting RUNS times. Each run must print one line on stderr
and exit with status 2; the script reports the median and the slowest run.

    python -m benchmarks.startup              # 5 runs each
    python -m benchmarks.startup --runs 20

Needs uv and the projects' Python (the default answer) where uv finds it.
Exits 1 when a median misses the goal (0.5 s), 2 when a run misbehaves.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import copier

REPO = Path(__file__).resolve().parent.parent
GOAL_S = 0.5
# One bad setting per project type, and the variable the refusal must name.
BAD_SETTINGS = {
    "mcp_server": ("MCP_TRANSPORT", "bogus"),
    "web_service": ("SERVICE_PORT", "0"),
}


def install(project_type: str, workdir: Path, ref: str) -> Path:
    """The project's command, installed (not editable) into its own .venv."""
    root = workdir / project_type
    copier.run_copy(
        str(REPO),
        root,
        data={"project_type": project_type},
        defaults=True,
        unsafe=False,
        quiet=True,
        vcs_ref=ref,
    )
    uv = ["uv", "--quiet"]
    subprocess.run([*uv, "venv", str(root / ".venv")], cwd=root, check=True)
    python = str(root / ".venv" / "bin" / "python")
    subprocess.run([*uv, "pip", "install", "--python", python, str(root)], cwd=root, check=True)
    return root / ".venv" / "bin" / "my-project"


def timed_refusals(command: Path, variable: str, value: str, runs: int) -> list[float]:
    env = {**os.environ, variable: value}
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = subprocess.run([str(command)], env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - began)
        lines = result.stderr.strip().splitlines()
        if result.returncode != 2 or len(lines) != 1 or variable not in lines[0]:
            sys.exit(
                f"benchmark: {variable}={value} gave exit {result.returncode}:\n{result.stderr}"
            )
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per project (default 5)")
    parser.add_argument("--ref", default="HEAD", help="git ref of this repository to render")
    args = parser.parse_args()
    rows, missed = [], []
    with tempfile.TemporaryDirectory(prefix="chora-startup-") as tmp:
        for project_type, (variable, value) in BAD_SETTINGS.items():
            command = install(project_type, Path(tmp), args.ref)
            times = timed_refusals(command, variable, value, args.runs)
            median = statistics.median(times)
            rows.append(
                f"| {project_type} | {variable}={value} | {args.runs} "
                f"| {median:.3f} s | {max(times):.3f} s |"
            )
            if median > GOAL_S:
                missed.append(f"{project_type}: median {median:.3f} s (goal: at most {GOAL_S} s)")
    print("| project | bad setting | runs | median | slowest |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    for problem in missed:
        print(f"goal missed: {problem}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
