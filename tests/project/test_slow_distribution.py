"""Slow tier: the generated MCP server as users install it without a clone.

The bundle that `just bundle` packs is what an MCPB host gets: the MCPB CLI
accepts it, and unpacked, its manifest's own command starts the server for
the official stdio client. The wheel that a release uploads runs under `uvx`,
which resolves the dependencies afresh (the newest that pyproject.toml
allows, not uv.lock's). Both tell the client the title, icon and tool
annotations that server.json gives the registry.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from commands import run, tool
from documented import MCP_INSTALL, install_group
from example_server import TOOLS, stdio_listing
from questions import QUESTIONS

pytestmark = install_group(**MCP_INSTALL)

SLUG = "my-project"
MCPB_CLI = QUESTIONS["mcpb_cli"]["default"]


@pytest.fixture
def project(installed):
    return installed(**MCP_INSTALL)


def client_env(project) -> dict[str, str]:
    """The install's environment (its Pythons, Node.js), without the other virtualenv."""
    env = dict(project.env)
    env.pop("VIRTUAL_ENV", None)
    return env


def check_what_the_client_sees(root: Path, server_info, tools) -> None:
    entry = json.loads((root / "server.json").read_text(encoding="utf-8"))
    assert [each.name for each in tools] == TOOLS
    assert server_info.title == entry["title"]
    assert server_info.website_url == entry["websiteUrl"]
    icon = server_info.icons[0]
    assert (icon.src, icon.mime_type, icon.sizes) == tuple(
        entry["icons"][0][key] for key in ("src", "mimeType", "sizes")
    )
    for each in tools:
        assert each.title, f"{each.name} has no title for clients to show"
        hints = each.annotations
        assert (hints.read_only_hint, hints.destructive_hint) == (True, False), each.name


def substituted(value: str, unpacked: Path, user_config: dict) -> str:
    """A manifest value as the host fills it in: its folder, the form's defaults."""
    value = value.replace("${__dirname}", str(unpacked))
    return re.sub(
        r"\$\{user_config\.(\w+)\}",
        lambda found: str(user_config[found[1]].get("default", "")),
        value,
    )


def test_the_bundle_validates_and_its_manifest_starts_the_server(project, tmp_path):
    env = client_env(project)
    run([tool("just"), "bundle"], cwd=project.root, env=env)
    mcpb = json.loads((project.root / "manifest.json").read_text())
    # The install is shared: another test may have released it since.
    version = mcpb["version"]
    bundle = project.root / "dist" / f"{SLUG}-{version}.mcpb"
    info = run(["npx", "--yes", MCPB_CLI, "info", str(bundle)], env=env)
    assert f"{SLUG}" in info.stdout and version in info.stdout, info.stdout
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "unpacked")
    assert {"manifest.json", "icon.png", "pyproject.toml", "uv.lock"} <= names
    assert f"src/my_project/{Path(mcpb['server']['entry_point']).name}" in names
    assert not [name for name in names if name.startswith(("tests/", ".venv/", ".git/"))]
    unpacked = tmp_path / "unpacked"
    manifest = json.loads((unpacked / "manifest.json").read_text())
    assert manifest == mcpb
    config, form = manifest["server"]["mcp_config"], manifest["user_config"]
    args = [substituted(arg, unpacked, form) for arg in config["args"]]
    env |= {name: substituted(value, unpacked, form) for name, value in config["env"].items()}
    command = tool(config["command"])
    server_info, tools = stdio_listing(command, *args, env=env)
    check_what_the_client_sees(project.root, server_info, tools)


def test_the_wheel_runs_under_uvx_with_dependencies_resolved_afresh(project, tmp_path):
    env = client_env(project)
    run([tool("uv"), "build", "--wheel", "--out-dir", str(tmp_path)], cwd=project.root, env=env)
    (wheel,) = tmp_path.glob("*.whl")
    uvx = [tool("uv"), "tool", "run", "--isolated", "--from", str(wheel)]
    # What uvx resolves: the newest versions that pyproject.toml allows.
    listed = run(
        [*uvx, "--with", "pip", "python", "-m", "pip", "list", "--format", "json"], env=env
    )
    versions = {each["name"].lower(): each["version"] for each in json.loads(listed.stdout)}
    version = json.loads((project.root / "manifest.json").read_text())["version"]
    assert versions[SLUG] == version and versions["mcp"].split(".")[0] == "2", versions
    server_info, tools = stdio_listing(uvx[0], *uvx[1:], SLUG, env=env)
    check_what_the_client_sees(project.root, server_info, tools)
