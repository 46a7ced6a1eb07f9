"""Slow tier: a real Prometheus (Debian's `prometheus` package, started here
on 127.0.0.1) scrapes the metrics endpoint of the installed MCP server
(OTEL_METRICS_EXPORTER=prometheus), and its query API returns the MCP
operation histogram by tool and the sessions open, as a user's dashboard
would ask for them."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx2
import pytest
import yaml
from commands import free_port, run, tool, until, wait_for_url
from documented import MCP_INSTALL, install_group
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from questions import effective

pytestmark = install_group(**MCP_INSTALL)

TOKEN = "observability-token-0123456789"
CALLS = "mcp_server_operation_duration_seconds_count"
SESSIONS = "mcp_server_active_sessions"


def started(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def stopped(process: subprocess.Popen) -> None:
    process.terminate()
    process.communicate(timeout=30)


@pytest.fixture(scope="module")
def server(installed) -> Iterator[tuple[str, int]]:
    """The installed project's server over streamable HTTP, its metrics on a
    Prometheus endpoint of their own port."""
    root = installed(**MCP_INSTALL).root
    port, metrics_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    env |= {
        "MCP_TRANSPORT": "streamable-http",
        "MCP_SERVER_PORT": str(port),
        "MCP_AUTH_TOKEN": TOKEN,
        "OTEL_METRICS_EXPORTER": "prometheus",
        "OTEL_EXPORTER_PROMETHEUS_PORT": str(metrics_port),
    }
    package = effective(project_type="mcp_server")["package_name"]
    process = started([str(root / ".venv/bin/python"), "-m", package], env)
    try:
        wait_for_url(f"http://127.0.0.1:{port}/health", process)
        yield f"http://127.0.0.1:{port}/mcp", metrics_port
    finally:
        stopped(process)


@pytest.fixture(scope="module")
def prometheus(server, tmp_path_factory) -> Iterator[str]:
    """Prometheus scraping the server every second; its API's base URL."""
    _, metrics_port = server
    work: Path = tmp_path_factory.mktemp("prometheus")
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s"},
        "scrape_configs": [
            {
                "job_name": "my-project",
                "static_configs": [{"targets": [f"127.0.0.1:{metrics_port}"]}],
            }
        ],
    }
    (work / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    binary = tool("prometheus")
    run([tool("promtool"), "check", "config", str(work / "prometheus.yml")])
    port = free_port()
    process = started(
        [
            binary,
            f"--config.file={work / 'prometheus.yml'}",
            f"--storage.tsdb.path={work / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ]
    )
    try:
        wait_for_url(f"http://127.0.0.1:{port}/-/ready", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stopped(process)


def query(prometheus: str, expression: str) -> dict[tuple[tuple[str, str], ...], float]:
    """An instant query: each series' labels -> its value."""
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
    with urllib.request.urlopen(url, timeout=5) as response:
        answer = json.load(response)
    assert answer["status"] == "success", answer
    return {
        tuple(sorted(series["metric"].items())): float(series["value"][1])
        for series in answer["data"]["result"]
    }


def eventually(prometheus: str, expression: str, wanted: dict, timeout: float = 30) -> None:
    """Until the query returns what is wanted (scrapes come every second)."""
    until(
        lambda: True if query(prometheus, expression) == wanted else None,
        timeout,
        lambda: f"{expression} = {query(prometheus, expression)}, not {wanted}",
        interval=0.5,
    )


def test_prometheus_scrapes_the_operation_histogram_and_open_sessions(server, prometheus):
    url, _ = server
    by_tool = f'sum by (gen_ai_tool_name) ({CALLS}{{mcp_method_name="tools/call"}})'
    sessions = f"sum({SESSIONS})"

    async def session() -> None:
        # The low-level client opens a session (initialize), as n8n and the
        # clients of earlier protocol versions do.
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as http,
            streamable_http_client(url, http_client=http) as (read, write, *_),
            ClientSession(read, write) as client,
        ):
            await client.initialize()
            for name in ("ann", "bo", "cy"):
                await client.call_tool("greet", {"name": name})
            await client.call_tool("add", {"a": 1, "b": 2})
            await anyio.to_thread.run_sync(eventually, prometheus, sessions, {(): 1.0})

    anyio.run(session)
    eventually(
        prometheus,
        by_tool,
        {(("gen_ai_tool_name", "greet"),): 3.0, (("gen_ai_tool_name", "add"),): 1.0},
    )
    eventually(prometheus, sessions, {(): 0.0})
    # The buckets give the latency quantiles (here over every call so far).
    buckets = CALLS.removesuffix("_count") + "_bucket"
    (p99,) = query(prometheus, f"histogram_quantile(0.99, sum by (le) ({buckets}))").values()
    assert 0 < p99 <= 60
