"""A real n8n, at the version the generated compose stack pins, driving a
generated MCP server through n8n's own MCP Client node, headless: no n8n
server, no UI, no model. `n8n import:credentials` and `import:workflow` load
a home folder, `n8n execute` runs a workflow in its own process and exits 0
when every node succeeded, 1 when one failed.

n8n comes from npm, from the lock in tests/fixtures/n8n/ (`npm ci
--ignore-scripts`: one dependency's install script downloads from outside
the registries; then sqlite3, the one n8n needs, is built alone), into a
folder under the user's cache named by the lock's hash, so a machine that
keeps its cache installs it once (about 3 minutes and 3.5 GB cold).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from commands import TEMPLATE_ROOT, free_port, installing, node_bin

FIXTURE = TEMPLATE_ROOT / "tests" / "fixtures" / "n8n"
LOCK = FIXTURE / "package-lock.json"
VERSION = json.loads((FIXTURE / "package.json").read_text(encoding="utf-8"))["dependencies"]["n8n"]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "chora-base"


def install() -> Path:
    """The n8n command, installed from the lock on first use."""
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()[:16]
    prefix = CACHE / f"n8n-{VERSION}-{digest}"
    command = prefix / "node_modules" / ".bin" / "n8n"
    installed = prefix / ".installed"
    with installing(prefix):
        if not installed.exists():
            shutil.rmtree(prefix, ignore_errors=True)
            prefix.mkdir(parents=True)
            for name in ("package.json", "package-lock.json"):
                shutil.copy(FIXTURE / name, prefix / name)
            env = dict(os.environ, PATH=os.pathsep.join([node_bin(), os.environ["PATH"]]))
            npm = shutil.which("npm")
            for step in (
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                [npm, "rebuild", "sqlite3"],
            ):
                done = subprocess.run(step, cwd=prefix, env=env, capture_output=True, text=True)
                if done.returncode != 0:
                    shutil.rmtree(prefix, ignore_errors=True)
                    pytest.fail(
                        f"cannot install n8n {VERSION} ({' '.join(step[1:])}):\n"
                        f"{done.stderr[-2000:]}"
                    )
            installed.write_text(digest, encoding="utf-8")
    return command


@dataclass
class Execution:
    """One `n8n execute`: its exit status, what it printed, each node's result,
    and whether the run's own record says it finished with every node a success."""

    status: int
    output: str
    results: dict[str, list[dict]]
    finished: bool

    @property
    def succeeded(self) -> bool:
        """Finished, and n8n exited 0, or died of SIGSEGV after it had written
        the finished run: the CLI sometimes does at exit (seen in CI, with the
        run complete), which says nothing of the server it called."""
        return self.finished and self.status in (0, -signal.SIGSEGV)


class N8n:
    """An n8n home folder of its own, loopback only, nothing sent outside."""

    def __init__(self, home: Path):
        self.command = str(install())
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.env = dict(
            os.environ,
            PATH=os.pathsep.join([node_bin(), os.environ["PATH"]]),
            N8N_USER_FOLDER=str(home),
            N8N_ENCRYPTION_KEY="chora-base-tests-not-a-secret",
            N8N_DIAGNOSTICS_ENABLED="false",
            N8N_PERSONALIZATION_ENABLED="false",
            N8N_VERSION_NOTIFICATIONS_ENABLED="false",
            N8N_TEMPLATES_ENABLED="false",
            N8N_COMMUNITY_PACKAGES_ENABLED="false",
            N8N_LICENSE_AUTO_RENEW_ENABLED="false",
            N8N_LISTEN_ADDRESS="127.0.0.1",
            N8N_RUNNERS_BROKER_LISTEN_ADDRESS="127.0.0.1",
            N8N_RUNNERS_BROKER_PORT=str(free_port()),
            N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS="true",
            DB_TYPE="sqlite",
            N8N_LOG_LEVEL="info",
        )

    def run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.command, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def load(self, name: str, items: list[dict]) -> None:
        """Import credentials (`name` "credentials") or workflows, as JSON files."""
        path = self.home / f"{name}.json"
        path.write_text(json.dumps(items), encoding="utf-8")
        done = self.run(f"import:{name}", f"--input={path}")
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        path.unlink()  # a credential's token stays in n8n's encrypted database alone

    def execute(self, workflow_id: str) -> Execution:
        done = self.run("execute", f"--id={workflow_id}", "--rawOutput")
        output = done.stdout + done.stderr
        record = run_record(done.stdout)
        return Execution(done.returncode, output, node_results(record), finished(record))


def run_record(stdout: str) -> dict:
    """The run as `n8n execute --rawOutput` prints it: the JSON object that starts
    at the first line holding only `{` (logs come before it, and a failed run's
    error message after it); empty when there is none."""
    lines = stdout.splitlines()
    if "{" not in lines:
        return {}
    start = lines.index("{")
    record, _ = json.JSONDecoder().raw_decode("\n".join(lines[start:]))
    return dict(record)


def node_results(record: dict) -> dict[str, list[dict]]:
    """Each node's output items, from the run's record."""
    run_data = record.get("data", {}).get("resultData", {}).get("runData", {})
    return {
        node: [item["json"] for item in runs[-1]["data"]["main"][0]]
        for node, runs in run_data.items()
        if runs[-1].get("data")
    }


def finished(record: dict) -> bool:
    """The record holds no error, and every node's last run a success."""
    result = record.get("data", {}).get("resultData", {})
    runs = result.get("runData", {})
    return (
        bool(runs)
        and "error" not in result
        and all(node[-1].get("executionStatus") == "success" for node in runs.values())
    )


def tool_results(execution: Execution) -> dict[str, object]:
    """What each MCP Client node's tool returned (its structured content), by node."""
    return {
        node: items[0]["structuredContent"]["result"]
        for node, items in execution.results.items()
        if items and "structuredContent" in items[0]
    }


def shipped_workflow(root: Path) -> dict:
    """The example workflow a generated MCP server ships for its stack's n8n."""
    return json.loads((root / "n8n" / "mcp-tools.json").read_text(encoding="utf-8"))


def shipped_with_credential(root: Path, token: str, domain: str) -> tuple[dict, dict]:
    """The shipped workflow, and the Bearer Auth credential its MCP nodes name
    (their one id and name), holding `token` and restricted to `domain`."""
    workflow = shipped_workflow(root)
    (reference,) = {
        json.dumps(node["credentials"]["httpBearerAuth"], sort_keys=True)
        for node in workflow["nodes"]
        if node["type"] == "@n8n/n8n-nodes-langchain.mcpClient"
    }
    named = json.loads(reference)
    return workflow, bearer_credential(named["id"], named["name"], token, domain)


def bearer_credential(credential_id: str, name: str, token: str, domain: str) -> dict:
    """An n8n Bearer Auth credential, restricted to one domain as the docs say."""
    return {
        "id": credential_id,
        "name": name,
        "type": "httpBearerAuth",
        "data": {"token": token, "allowedHttpRequestDomains": "domains", "allowedDomains": domain},
    }


def workflow_against(shipped: dict, workflow_id: str, url: str, transport: str) -> dict:
    """The shipped workflow, pointed at another URL and transport (the server
    started here instead of the stack's service name), under its own id."""
    workflow = copy.deepcopy(shipped)
    workflow["id"] = workflow_id
    workflow["name"] = f"{shipped['name']} ({workflow_id})"
    for node in workflow["nodes"]:
        if node["type"] == "@n8n/n8n-nodes-langchain.mcpClient":
            node["parameters"]["endpointUrl"] = url
            node["parameters"]["serverTransport"] = transport
    return workflow


if __name__ == "__main__":  # .ci/run installs it ahead of the tests that need it
    print(f"n8n {VERSION}: {install()}")
