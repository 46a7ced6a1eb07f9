"""Print the version uv.lock pins for a package: `python3 .ci/locked-version.py uv`.

.ci/run installs uv itself at this version on a machine that has none, so the
lock is the one source of every tool's version, uv's included."""

import sys
import tomllib
from pathlib import Path

name = sys.argv[1]
lock = tomllib.loads((Path(__file__).resolve().parent.parent / "uv.lock").read_text())
versions = [package["version"] for package in lock["package"] if package["name"] == name]
if not versions:
    sys.exit(f"locked-version: uv.lock pins no {name}")
print(versions[0])
