"""Docker tier: build the generated images with a real engine and run them.

Skips on a machine without a Docker engine; fails in CI (CI=true) instead.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import anyio
import httpx2
import pytest
from commands import copy_of, docker_env, run, tool
from containers import published_port, remove, run_with_input, start, wait_for_health
from edits import coverage_verdict, raise_threshold_above_reach
from example_server import TOOLS
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.types import ResourceTemplateReference

from benchmarks.image import context_kb, litter, telemetry_sizes  # the benchmark's own measures
from benchmarks.load import HARDENED  # docker-compose.yml's hardening, as docker run options
from benchmarks.otlp import bridge_gateway, receiver

NAME = "chora-engine-mcp"
HTTP = ("--env", "MCP_TRANSPORT=streamable-http")


@pytest.fixture
def containers(docker):
    """Names of containers to remove after the test."""
    names: list[str] = []
    yield names
    remove(docker, *names)


@pytest.fixture(scope="module")
def mcp_project(render, tmp_path_factory, docker):
    """The default MCP project with Docker, with the litter of a real work tree
    (a 50 MB .venv, .git, caches, secrets), built with `just docker-build`."""
    root = copy_of(
        render(project_name=NAME, include_docker=True), tmp_path_factory.mktemp("engine")
    )
    litter(root, package="chora_engine_mcp")
    (root / ".env").write_text("API_TOKEN=do-not-ship\n", encoding="utf-8")
    (root / "id_rsa").write_text("not a real key\n", encoding="utf-8")
    result = run([tool("just"), "docker-build"], cwd=root, env=docker_env(docker), timeout=900)
    return root, result


def test_build_context_stays_small(mcp_project):
    """The first build's transfer (later ones send only changes): the source and
    uv.lock (about 200 kB), none of the 50 MB .venv, .git or caches around them."""
    _, first_build = mcp_project
    size_kb = context_kb(first_build.stderr)
    assert 0 < size_kb < 1000, f"context {size_kb:.1f} kB with .venv, .git and caches around"


def test_image_runs_as_uid_1000_and_verifies(mcp_project, docker):
    root, _ = mcp_project
    config = json.loads(run([docker, "image", "inspect", f"{NAME}:latest"]).stdout)[0]["Config"]
    assert config["User"] == "1000:1000"
    uid = run([docker, "run", "--rm", "--entrypoint", "id", f"{NAME}:latest", "-u"]).stdout
    assert uid.strip() == "1000"
    verified = run([tool("just"), "docker-verify"], cwd=root, env=docker_env(docker))
    assert f"{NAME}:latest OK: chora_engine_mcp 0.1.0 uid 1000" in verified.stdout


def test_the_image_carries_the_name_the_registry_lists(mcp_project, docker):
    """The MCP Registry lists the image only if its label names the server.json entry."""
    root, _ = mcp_project
    config = json.loads(run([docker, "image", "inspect", f"{NAME}:latest"]).stdout)[0]["Config"]
    entry = json.loads((root / "server.json").read_text(encoding="utf-8"))
    assert config["Labels"]["io.modelcontextprotocol.server.name"] == entry["name"]
    assert entry["name"] == f"io.github.your-username/{NAME}"


def test_verify_refuses_a_version_tag_the_image_does_not_hold(mcp_project, docker):
    root, _ = mcp_project
    env = docker_env(docker)
    for tag in ("0.1.0", "9.9.9"):
        run([docker, "tag", f"{NAME}:latest", f"{NAME}:{tag}"])
    assert (
        "OK: chora_engine_mcp 0.1.0"
        in run([tool("just"), "docker-verify", "0.1.0"], cwd=root, env=env).stdout
    )
    refused = run([tool("just"), "docker-verify", "9.9.9"], cwd=root, env=env, check=False)
    assert refused.returncode != 0
    assert "image holds version 0.1.0, tag says 9.9.9" in refused.stderr


def image_files(docker: str, image: str) -> set[str]:
    """Every path of the image's own filesystem, as root sees it in a container
    (find -xdev: not the engine's mounts below /proc, /sys and /dev)."""
    listing = ["--user", "0", "--network", "none", "--entrypoint", "find", image, "/", "-xdev"]
    found = run([docker, "run", "--rm", *listing]).stdout
    return {line.lstrip("/") for line in found.splitlines() if line != "/"}


def test_image_adds_only_the_venv_and_app_to_its_base(mcp_project, docker):
    files = image_files(docker, f"{NAME}:latest")
    base = image_files(docker, "python:3.13-slim")
    added = files - base
    # useradd's account files (and their backups) are the only other change.
    accounts = re.compile(r"etc/(passwd|group|shadow|gshadow|subuid|subgid)-?|var/log/\w+log")
    unexpected = {
        f
        for f in added
        if not f.startswith(("opt/venv", "app/"))
        and f not in (".dockerenv", "opt", "app")
        and not accounts.fullmatch(f)
    }
    assert not unexpected, f"files added outside the venv and /app: {sorted(unexpected)[:20]}"
    names = {Path(f).name for f in files}
    assert ".env" not in names and "id_rsa" not in names
    assert not [f for f in added if f.startswith("app/") and f.count("/") > 1], "source in /app"
    assert "test_transports.py" not in names
    assert not [f for f in added if "/site-packages/pip/" in f], "pip inside the venv"
    assert "uv" not in names, "uv builds the image; it does not ship in it"
    assert [f for f in added if f.endswith("chora_engine_mcp/server.py")], "package missing"
    assert not [f for f in added if f.endswith(".egg-link") or "__editable__" in f]


def test_image_adds_little_over_its_base(mcp_project, docker):
    sizes = {}
    for image in (f"{NAME}:latest", "python:3.13-slim"):
        inspect = json.loads(run([docker, "image", "inspect", image]).stdout)[0]
        sizes[image] = inspect["Size"]
    added = sizes[f"{NAME}:latest"] - sizes["python:3.13-slim"]
    assert added < 60 * 1024 * 1024, f"adds {added / 1e6:.1f} MB over the base image"


def test_hardened_container_serves_mcp_only_with_its_token(mcp_project, docker, containers):
    """As compose runs it (read-only root, no capabilities, no privilege gain), over
    HTTP on all interfaces: healthy, /health open, MCP only with the token the
    server generated in its data tier, and that token in no log line. The
    session goes through each capability of the example server."""
    name = f"{NAME}-http"
    containers.append(name)
    # HARDENED includes the data tier as compose gives it: a volume, writable
    # under the read-only root.
    start(docker, name, f"{NAME}:latest", "--publish", "127.0.0.1::8000", *HTTP, *HARDENED)
    wait_for_health(docker, name, "healthy", timeout=30)
    port = published_port(docker, name)
    url = f"http://127.0.0.1:{port}/mcp"
    token = run([docker, "exec", name, "cat", "/app/data/mcp-token"]).stdout.strip()
    mode = run([docker, "exec", name, "stat", "-c", "%a %u", "/app/data/mcp-token"]).stdout
    assert mode.split() == ["600", "1000"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url, data=b"{}"), timeout=5)
    assert refused.value.code == 401

    events: list[tuple[str, str]] = []

    async def on_log(params):
        events.append(("log", params.level))

    async def on_progress(progress, total, message):
        events.append(("progress", message))

    async def session():
        """One session through every capability the example server has."""
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx2.AsyncClient(headers=headers) as http,
            Client(
                streamable_http_client(url, http_client=http),
                logging_callback=on_log,
                log_level="info",
            ) as client,
        ):
            capabilities = client.server_capabilities.model_dump(exclude_none=True)
            tools = await client.list_tools()
            greeting = await client.call_tool("greet", {"name": "container"})
            counted = await client.call_tool(
                "count", {"steps": 2, "interval_seconds": 0}, progress_callback=on_progress
            )
            stats = await client.call_tool("text_stats", {"text": "one two"})
            item = await client.read_resource("info://items/cherry")
            completion = await client.complete(
                ResourceTemplateReference(uri="info://items/{name}"),
                {"name": "name", "value": "ch"},
            )
            prompt = await client.get_prompt("explain", {"topic": "containers"})
            return {
                "capabilities": sorted(capabilities),
                "tools": sorted(t.name for t in tools.tools),
                "greeting": greeting.content[0].text,
                "counted": counted.content[0].text,
                "stats": stats.structured_content,
                "item": item.contents[0].text,
                "completion": completion.completion.values,
                "prompt": [message.role for message in prompt.messages],
            }

    assert anyio.run(session) == {
        "capabilities": ["completions", "logging", "prompts", "resources", "tools"],
        "tools": TOOLS,
        "greeting": "Hello, container!",
        "counted": "counted to 2",
        "stats": {"characters": 7, "words": 2, "lines": 1},
        "item": "A small stone fruit, sweet or sour.",
        "completion": ["cherry"],
        "prompt": ["user", "assistant"],
    }
    assert events == [
        ("progress", "step 1 of 2"),
        ("log", "info"),
        ("progress", "step 2 of 2"),
        ("log", "info"),
    ]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
        assert json.load(response)["status"] == "ok"
    logs = run([docker, "logs", name])
    assert token not in logs.stdout + logs.stderr
    assert "/app/data/mcp-token" in logs.stdout + logs.stderr


def test_the_container_exports_its_telemetry_over_the_engines_network(
    mcp_project, docker, containers
):
    """Tracing on, hardened as compose runs it: the server sends OTLP/HTTP over
    the engine's bridge network to a receiver on its gateway, and what arrives
    decodes with opentelemetry-proto: the MCP spans, the MCP metrics, the
    logs, under the project's service name, and not the token."""
    name = f"{NAME}-otlp"
    containers.append(name)
    token = "otlp-token-0123456789abcdef"
    with receiver(bridge_gateway(docker)) as (endpoint, received):
        telemetry = ["--env", f"OTEL_EXPORTER_OTLP_ENDPOINT={endpoint}"]
        telemetry += ["--env", "OTEL_LOGS_EXPORTER=otlp", "--env", f"MCP_AUTH_TOKEN={token}"]
        start(
            docker,
            name,
            f"{NAME}:latest",
            "--publish",
            "127.0.0.1::8000",
            *HTTP,
            *HARDENED,
            *telemetry,
        )
        wait_for_health(docker, name, "healthy", timeout=30)
        url = f"http://127.0.0.1:{published_port(docker, name)}/mcp"

        async def session() -> str:
            async with (
                httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http,
                Client(streamable_http_client(url, http_client=http)) as client,
            ):
                greeting = await client.call_tool("greet", {"name": "collector"})
                return greeting.content[0].text

        assert anyio.run(session) == "Hello, collector!"
        run([docker, "stop", name])  # SIGTERM: the server flushes before it exits
    assert "tools/call greet" in received.span_names()
    assert {"mcp.server.operation.duration", "mcp.server.active_sessions"} <= (
        received.metric_names()
    )
    assert received.service_names() == {NAME}
    assert received.bodies.get("/v1/logs"), "no logs arrived"
    assert token.encode() not in received.everything()


def test_the_telemetry_dependencies_are_measured_apart(mcp_project, docker):
    """What the benchmark reports as OpenTelemetry's share of the image: the
    SDK, exporters and instrumentation with what only they need; not the API,
    which the MCP SDK needs anyway. (Its goal, at most 12 MB, is the
    benchmark's: python -m benchmarks.image.)"""
    sizes = telemetry_sizes(f"{NAME}:latest", NAME)
    assert {"opentelemetry-sdk", "opentelemetry-instrumentation-asgi", "protobuf"} <= set(sizes)
    assert not {"opentelemetry-api", "mcp", "starlette", "pydantic"} & set(sizes), sizes
    assert all(size > 0 for size in sizes.values()), sizes


def test_no_setuid_or_setgid_file_is_left(mcp_project, docker):
    """The base image ships some (su, passwd, mount, ...); the runtime stage clears
    the bits, so not even a shell in the container can raise a privilege."""

    def setuid_files(image: str) -> list[str]:
        # As root, so that no folder is hidden from the search.
        find = ["--user", "0", "--entrypoint", "find", image, "/", "-xdev", "-perm", "/6000"]
        return run([docker, "run", "--rm", *find, "-type", "f"]).stdout.split()

    assert setuid_files("python:3.13-slim"), "the base has none: this test proves nothing here"
    assert setuid_files(f"{NAME}:latest") == []


def test_the_app_user_may_write_only_to_its_data_tiers_and_tmp(mcp_project, docker):
    find = ["--entrypoint", "find", f"{NAME}:latest", "/", "-xdev", "-writable", "-prune"]
    # Below a writable folder everything is the user's own: list the tops only.
    # Folders the user cannot even read make find exit 1; they are not writable.
    found = run([docker, "run", "--rm", *find], check=False)
    assert found.returncode in (0, 1), found.stderr
    assert sorted(found.stdout.split()) == ["/app/data", "/app/ephemeral", "/tmp"]


def test_container_that_cannot_serve_turns_unhealthy(mcp_project, docker, containers):
    name = f"{NAME}-mute"
    containers.append(name)
    # The server is replaced by a sleeper: alive, but nothing answers /health.
    # The image's checks, faster: 0s would mean the image's start period (60 s).
    fast_checks = (
        "--health-interval",
        "1s",
        "--health-retries",
        "2",
        "--health-start-period",
        "1ms",
    )
    sleeper = ("python", "-c", "import time; time.sleep(120)")
    start(docker, name, f"{NAME}:latest", *fast_checks, *HTTP, command=sleeper)
    wait_for_health(docker, name, "unhealthy", timeout=30)


def test_stdio_session_through_docker_run_i(mcp_project, docker):
    params = StdioServerParameters(command=docker, args=["run", "-i", "--rm", f"{NAME}:latest"])

    async def session():
        async with Client(params) as client:
            tools = await client.list_tools()
            total = await client.call_tool("add", {"a": 40, "b": 2})
            return {t.name for t in tools.tools}, total.content[0].text

    names, total = anyio.run(session)
    assert names == set(TOOLS)
    assert total == "42.0"


@pytest.mark.parametrize("transport", ["stdio", "streamable-http"])
def test_docker_stop_takes_under_3_s(mcp_project, docker, containers, transport):
    name = f"{NAME}-stop-{transport}"
    containers.append(name)
    start(docker, name, f"{NAME}:latest", "--interactive", "--env", f"MCP_TRANSPORT={transport}")
    if transport == "stdio":
        time.sleep(2)
    else:
        wait_for_health(docker, name, "healthy", timeout=30)
    began = time.monotonic()
    run([docker, "stop", name])
    elapsed = time.monotonic() - began
    assert elapsed < 3, f"docker stop took {elapsed:.1f} s"
    state = json.loads(run([docker, "inspect", name]).stdout)[0]["State"]
    assert state["ExitCode"] != 137, "killed after the timeout instead of stopping"


def test_bad_configuration_exits_2_with_one_line(mcp_project, docker):
    result = run(
        [docker, "run", "--rm", "--env", "MCP_TRANSPORT=bogus", f"{NAME}:latest"], check=False
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "MCP_TRANSPORT" in lines[0], result.stderr


# The web service's image is built and run from an updated project
# (tests/update/test_docker_paths.py).
def test_the_cli_image_runs_its_command(render, tmp_path, docker):
    name = "chora-engine-cli-tool"
    root = copy_of(
        render(project_name=name, project_type="cli_tool", include_docker=True), tmp_path
    )
    run([tool("just"), "docker-build"], cwd=root, env=docker_env(docker), timeout=900)
    run([tool("just"), "docker-verify"], cwd=root, env=docker_env(docker))
    result = run_with_input(docker, f"{name}:latest", "stats", text="a b\nc\n")
    assert result.returncode == 0 and result.stdout.split() == ["2", "3", "6", "-"]
    # A one-shot command: no health check to run while it is not serving.
    health = "{{json .Config.Healthcheck}}"
    inspected = run([docker, "image", "inspect", "--format", health, name])
    assert json.loads(inspected.stdout) == {"Test": ["NONE"]}


# On the type with the quick suite, which the threshold refusal runs once
# more (as in tests/project/test_slow.py); the MCP server's whole suite runs
# in its test image in test_docker_pythons.py.
QUICK_SUITE = "library"


def test_tests_and_coverage_run_in_the_test_image(render, tmp_path, docker):
    name = "chora-engine-tests"
    answers = {"project_type": QUICK_SUITE}
    root = copy_of(render(project_name=name, include_docker=True, **answers), tmp_path)
    just = tool("just")
    env = docker_env(docker)
    run([just, "docker-build-test"], cwd=root, env=env, timeout=900)
    # docker-coverage below runs the whole suite; here, the arguments reach pytest.
    tests = run([just, "docker-test", "tests/test_version.py", "-v"], cwd=root, env=env)
    assert "test_version.py::" in tests.stdout and " 1 passed" in tests.stdout, tests.stdout
    run([just, "docker-coverage"], cwd=root, env=env, timeout=900)
    report = ET.parse(root / "coverage.xml").getroot()
    assert report.tag == "coverage"
    assert float(report.get("line-rate")) >= 0.85
    leftovers = run([docker, "ps", "--all", "--quiet", "--filter", f"name={name}-coverage"])
    assert leftovers.stdout.strip() == "", "docker-coverage left its container behind"
    # The threshold in the image is pyproject.toml's, like everywhere else.
    raise_threshold_above_reach(root, name.replace("-", "_"))
    refused = run([just, "docker-coverage"], cwd=root, env=env, timeout=900, check=False)
    assert refused.returncode != 0
    assert coverage_verdict(refused.stdout) == "100% not reached"
