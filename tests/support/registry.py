"""A real container registry on this machine: Debian's docker-registry (the
CNCF Distribution server that ghcr.io-style registries implement), on a free
loopback port with its storage in a temporary folder. The engine treats
127.0.0.0/8 as insecure, so it pushes and pulls over plain HTTP there. With
users, it asks for their passwords (htpasswd, which the registry serves only
over TLS: a certificate made here, which an insecure registry's client takes
unverified)."""

from __future__ import annotations

import contextlib
import json
import shutil
import ssl
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
def serving(folder: Path, users: dict[str, str] | None = None) -> Iterator[str]:
    """The registry's address (HOST:PORT), serving until the block ends; with
    users (name -> password), only to them, over TLS."""
    binary = shutil.which("docker-registry")
    if binary is None:
        pytest.fail("docker-registry is not installed: .ci/system-tools.sh installs it")
    address = f"127.0.0.1:{free_port()}"
    config = folder / "config.yml"
    config.write_text(
        "version: 0.1\n"
        f"storage:\n  filesystem:\n    rootdirectory: {folder / 'storage'}\n"
        "  delete:\n    enabled: true\n"
        f"http:\n  addr: {address}\n" + (access(folder, users) if users else ""),
        encoding="utf-8",
    )
    with (folder / "registry.log").open("w") as log:
        process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while not answers(address, folder / "cert.pem" if users else None):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the registry did not serve: {(folder / 'registry.log').read_text()}")
            time.sleep(0.1)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def access(folder: Path, users: dict[str, str]) -> str:
    """The config's TLS and htpasswd sections, and the files they name."""
    for name in ("openssl", "htpasswd"):
        if shutil.which(name) is None:
            pytest.fail(f"{name} is not installed: .ci/system-tools.sh installs it")
    key, cert, passwords = folder / "key.pem", folder / "cert.pem", folder / "htpasswd"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    lines = [
        subprocess.run(
            ["htpasswd", "-Bbn", name, password], check=True, capture_output=True, text=True
        ).stdout.strip()
        for name, password in users.items()
    ]
    passwords.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return (
        f"  tls:\n    certificate: {cert}\n    key: {key}\n"
        f"auth:\n  htpasswd:\n    realm: test\n    path: {passwords}\n"
    )


def answers(address: str, certificate: Path | None) -> bool:
    """Whether the registry serves yet; one with TLS (its certificate made
    above) asks for a password first (401)."""
    if certificate is None:
        return get(address, "/v2/") is not None
    trusting = ssl.create_default_context(cafile=certificate)
    try:
        urllib.request.urlopen(f"https://{address}/v2/", timeout=5, context=trusting)
    except urllib.error.HTTPError as error:
        return error.code == 401
    except (urllib.error.URLError, ConnectionError):
        return False
    return False


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
