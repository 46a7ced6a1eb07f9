"""A real container registry on this machine: Debian's docker-registry (the
CNCF Distribution server that ghcr.io-style registries implement), on a free
loopback port with its storage in a temporary folder. The engine treats
127.0.0.0/8 as insecure, so it pushes and pulls over plain HTTP there."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from commands import free_port

MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The registry's address (HOST:PORT), serving until the block ends."""
    binary = shutil.which("docker-registry")
    if binary is None:
        pytest.fail("docker-registry is not installed: .ci/system-tools.sh installs it")
    address = f"127.0.0.1:{free_port()}"
    config = folder / "config.yml"
    config.write_text(
        "version: 0.1\n"
        f"storage:\n  filesystem:\n    rootdirectory: {folder / 'storage'}\n"
        "  delete:\n    enabled: true\n"
        f"http:\n  addr: {address}\n",
        encoding="utf-8",
    )
    with (folder / "registry.log").open("w") as log:
        process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while get(address, "/v2/") is None:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the registry did not serve: {(folder / 'registry.log').read_text()}")
            time.sleep(0.1)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(address: str, path: str, accept: str = "application/json", method: str = "GET"):
    """The answer's JSON (or headers, for HEAD), None if the registry does not answer."""
    request = urllib.request.Request(
        f"http://{address}{path}", headers={"Accept": accept}, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return dict(answer.headers) if method == "HEAD" else json.load(answer)
    except (urllib.error.URLError, ConnectionError):
        return None


def repositories(address: str) -> list[str]:
    return get(address, "/v2/_catalog")["repositories"]


def tags(address: str, name: str) -> list[str]:
    return sorted(get(address, f"/v2/{name}/tags/list")["tags"])


def stored_layers(address: str, name: str, tag: str) -> list[tuple[str, int, int]]:
    """Each layer the manifest of NAME:TAG names: its digest, its size there,
    and the size of the blob the registry holds for it."""
    manifest = get(address, f"/v2/{name}/manifests/{tag}", accept=MANIFEST)
    found = []
    for layer in manifest["layers"]:
        headers = get(address, f"/v2/{name}/blobs/{layer['digest']}", method="HEAD") or {}
        found.append((layer["digest"], layer["size"], int(headers.get("Content-Length", -1))))
    return found
