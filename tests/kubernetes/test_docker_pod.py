"""Docker tier: the pod the Helm chart describes, run by Docker as the kubelet
would run it, its image pulled from a real registry the release was pushed
to (tests/support/registry.py). No cluster runs here, so the rendered
Deployment is turned into `docker run` options: its environment (the
ConfigMap), its user, read-only root and dropped capabilities, its emptyDirs
(tmpfs owned by the pod's fsGroup), the token Secret and the settings file
mounted read-only. For each project type with a chart, the pod must pass its
probes, as the kubelet asks them (Host: the pod's address), and serve with
the Secret's token; the MCP server to a client that names the Service."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request

import anyio
import charts
import httpx2
import pytest
import yaml
from commands import copy_of, docker_env, run, tool
from containers import published_port, remove, start
from example_server import TOOLS
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from registry import serving

NAMES = {"mcp_server": "chora-pod", "web_service": "chora-pod-web"}
# A route behind the token, by project type.
PROTECTED = {"mcp_server": "/mcp", "web_service": "/hello/pod"}
# The kubelet asks the probes at the pod's own address.
KUBELET_HOST = "10.244.1.7:8000"
# The settings file the values give, which the pod must read.
GREETING = "Howdy"
# The release the pod runs.
VERSION = "0.1.0"


def service_host(name: str) -> str:
    """The Service's in-cluster name, as a client in another namespace writes it."""
    return f"{name}.{charts.NAMESPACE}.svc.cluster.local:8000"


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("registry")) as address:
        yield address


@pytest.fixture(scope="module", params=list(NAMES))
def pod(request, render, tmp_path_factory, docker, registry):
    """The chart's Deployment (3 replicas) as one running container."""
    kind, name = request.param, NAMES[request.param]
    work = tmp_path_factory.mktemp("pod")
    answers = {"project_type": kind, "include_docker": True, "include_kubernetes": True}
    root = copy_of(render(project_name=name, **answers), work)
    # Released into a registry as `just deploy` does, then gone from here, so
    # that the pod's image is pulled from the registry, as a kubelet pulls it.
    env = docker_env(docker)
    run([tool("just"), "docker-release", VERSION, registry], cwd=root, env=env, timeout=900)
    repository = f"{registry}/{name}"
    for tag in (
        f"{name}:{VERSION}",
        f"{name}:latest",
        f"{repository}:{VERSION}",
        f"{repository}:latest",
    ):
        run([docker, "image", "rm", tag])
    values: dict = {"replicaCount": 3, "image": {"repository": repository, "tag": VERSION}}
    if kind == "mcp_server":
        values["settingsFile"] = f'[server]\ngreeting = "{GREETING}"\n'
    overrides = work / "values.yaml"
    overrides.write_text(yaml.safe_dump(values), encoding="utf-8")
    rendered = charts.template(root / "charts" / name, name, "-f", str(overrides)).stdout
    found = charts.resources(rendered)
    deployment = found[("Deployment", name)]
    pod_spec = deployment["spec"]["template"]["spec"]
    container = pod_spec["containers"][0]
    options = ["--publish", "127.0.0.1::8000", "--read-only"]
    security = container["securityContext"]
    options += ["--user", f"{security['runAsUser']}:{security['runAsGroup']}"]
    options += ["--cap-drop", "ALL"] if security["capabilities"]["drop"] == ["ALL"] else []
    if security["allowPrivilegeEscalation"] is False:
        options += ["--security-opt", "no-new-privileges"]
    for source in container["envFrom"]:
        for key, value in found[("ConfigMap", source["configMapRef"]["name"])]["data"].items():
            options += ["--env", f"{key}={value}"]
    group = pod_spec["securityContext"]["fsGroup"]
    volumes = {volume["name"]: volume for volume in pod_spec["volumes"]}
    for mount in container["volumeMounts"]:
        volume = volumes[mount["name"]]
        if "emptyDir" in volume:
            options += ["--tmpfs", f"{mount['mountPath']}:uid={security['runAsUser']},gid={group}"]
        elif "secret" in volume:
            secret = found[("Secret", volume["secret"]["secretName"])]
            folder = work / "secret"
            folder.mkdir()
            token = base64.b64decode(secret["data"]["token"]).decode()
            (folder / "token").write_text(token, encoding="utf-8")
            (folder / "token").chmod(0o444)
            options += ["--volume", f"{folder}:{mount['mountPath']}:ro"]
        elif "configMap" in volume:
            folder = work / "settings"
            folder.mkdir()
            for key, text in found[("ConfigMap", volume["configMap"]["name"])]["data"].items():
                (folder / key).write_text(text, encoding="utf-8")
            options += ["--volume", f"{folder}:{mount['mountPath']}:ro"]
    remove(docker, name)
    assert container["image"] == f"{repository}:{VERSION}"
    start(docker, name, container["image"], *options)  # docker run pulls it
    port = published_port(docker, name)
    # Started within the startup probe's budget (failureThreshold x periodSeconds)?
    probe = container["startupProbe"]
    deadline = time.monotonic() + probe["failureThreshold"] * probe["periodSeconds"]
    while get(port, probe["httpGet"]["path"], KUBELET_HOST) != 200:
        assert time.monotonic() < deadline, run([docker, "logs", name], check=False).stderr
        time.sleep(0.25)
    yield {"kind": kind, "name": name, "container": container, "token": token, "port": port}
    remove(docker, name)
    run([docker, "image", "rm", container["image"]], check=False)


def status(request: urllib.request.Request) -> int:
    """The HTTP status a request gets; 0 while nothing answers yet."""
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError):
        return 0


def get(port: str, path: str, host: str) -> int:
    return status(urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host}))


def test_the_pod_passes_its_probes_as_the_kubelet_asks(pod):
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        path = pod["container"][kind]["httpGet"]["path"]
        assert get(pod["port"], path, KUBELET_HOST) == 200


def call(pod, host: str, token: str) -> int:
    """The status of a request to the pod's protected route."""
    path = PROTECTED[pod["kind"]]
    ping = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{pod['port']}{path}",
        data=ping if pod["kind"] == "mcp_server" else None,
        headers={
            "Host": host,
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        },
    )
    return status(request)


def test_the_pod_serves_only_with_the_secrets_token(pod):
    host = service_host(pod["name"])
    assert call(pod, host, "not-the-token-0123456789") == 401
    assert call(pod, host, pod["token"]) == 200


@pytest.mark.parametrize("pod", ["mcp_server"], indirect=True)
def test_the_mcp_pod_serves_mcp_clients_and_refuses_other_hosts(pod):
    assert call(pod, "attacker.example", pod["token"]) == 421, "other Host headers: refused"
    url = f"http://127.0.0.1:{pod['port']}/mcp"

    async def session() -> tuple[list[str], str]:
        headers = {"Authorization": f"Bearer {pod['token']}"}
        async with (
            httpx2.AsyncClient(headers=headers) as http,
            Client(streamable_http_client(url, http_client=http), mode="legacy") as client,
        ):
            tools = sorted(tool.name for tool in (await client.list_tools()).tools)
            greeting = await client.call_tool("greet", {"name": "pod"})
            return tools, greeting.content[0].text

    tools, greeting = anyio.run(session)
    assert tools == TOOLS
    assert greeting == f"{GREETING}, pod!", "the settings file from the chart's ConfigMap"


@pytest.mark.parametrize("pod", ["mcp_server"], indirect=True)
def test_more_than_one_pod_makes_the_mcp_server_stateless(docker, pod):
    environment = run([docker, "exec", pod["name"], "env"]).stdout.splitlines()
    assert "MCP_STATELESS_HTTP=true" in environment
