"""A generated MCP server as the places users install it from read it: the MCP
Registry's server.json, the MCPB bundle's manifest.json, the README on PyPI
and the image's labels; checked with the schemas kept in tests/fixtures/."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from commands import TEMPLATE_ROOT, run, tool

FIXTURES = TEMPLATE_ROOT / "tests" / "fixtures"
REGISTRY_SCHEMA = FIXTURES / "mcp-registry" / "server.schema.json"
BUNDLE_SCHEMA = FIXTURES / "mcpb" / "manifest-0.4.schema.json"
REGISTRY = json.loads(REGISTRY_SCHEMA.read_text(encoding="utf-8"))
# What the registry's schema allows of a server's name and description.
SERVER_FIELDS = REGISTRY["definitions"]["ServerDetail"]["properties"]
DESCRIPTION_LIMIT = SERVER_FIELDS["description"]["maxLength"]


def recorded_sha256(schema: Path) -> str:
    """The sha256 that the schema's SOURCE.md records for it."""
    source = (schema.parent / "SOURCE.md").read_text(encoding="utf-8")
    return re.search(r"sha256: ([0-9a-f]{64})", source)[1]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(root: Path, name: str) -> dict:
    return json.loads((root / name).read_text(encoding="utf-8"))


def in_the_written_layout(path: Path) -> bool:
    """The file is laid out as scripts/release.py writes it back: a release
    then changes its versions and nothing else."""
    text = path.read_text(encoding="utf-8")
    return text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def check_the_distribution_files(root: Path, values: dict) -> None:
    """server.json and manifest.json are valid and say what the project says;
    the README and the image carry the registry's ownership proofs."""
    for name, schema in (("server.json", REGISTRY_SCHEMA), ("manifest.json", BUNDLE_SCHEMA)):
        run([tool("check-jsonschema"), "--schemafile", str(schema), name], cwd=root)
        assert in_the_written_layout(root / name), name
    entry, manifest = read(root, "server.json"), read(root, "manifest.json")
    name = values["registry_name"]
    assert entry["$schema"] == REGISTRY["$id"]
    assert entry["name"] == name
    owner, _, server = name.removeprefix("io.github.").partition("/")
    assert (owner, server) == (values["github_username"], values["project_slug"])
    assert entry["description"] == manifest["description"] == values["project_description"]
    version = values["project_version"]
    assert entry["version"] == manifest["version"] == version
    by_type = {package["registryType"]: package for package in entry["packages"]}
    assert by_type["pypi"]["identifier"] == manifest["name"] == values["project_slug"]
    assert by_type["pypi"]["version"] == version
    assert by_type["pypi"]["runtimeHint"] == "uvx"
    assert by_type["pypi"]["transport"] == {"type": "stdio"}
    assert manifest["author"]["name"] == values["author_name"]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"<!-- mcp-name: {name} -->" in readme
    if values["docker_production"]:
        image = by_type["oci"]
        assert (
            image["identifier"] == f"{values['docker_registry']}/{values['project_slug']}:{version}"
        )
        assert image["transport"]["type"] == "streamable-http"
        secret = [each["name"] for each in image["environmentVariables"] if each.get("isSecret")]
        assert secret == ["MCP_AUTH_TOKEN"]
        dockerfile = (root / "Dockerfile").read_text(encoding="utf-8")
        assert f'LABEL io.modelcontextprotocol.server.name="{name}"' in dockerfile
    else:
        assert set(by_type) == {"pypi"}
