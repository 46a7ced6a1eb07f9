"""Fast tier: the Helm chart of a project that serves HTTP from its production
image, rendered by helm for the values a user would try, validated against
Kubernetes' own schemas (kubernetes-validate --strict) and checkov's
Kubernetes policies. No cluster: what needs one is in docs/kubernetes.md."""

from __future__ import annotations

import os
import re
from pathlib import Path

import charts
import pytest
import yaml
from commands import checkov_results, copy_of, helm, run, tool, tool_env
from questions import choices, effective
from workflows import step_runs

# A current Kubernetes release, whose schemas kubernetes-validate carries.
KUBERNETES = "1.34.0"
RELEASE = "my-project"
CHART_TYPES = [
    kind
    for kind in choices("project_type")
    if effective(project_type=kind, include_docker=True, include_kubernetes=True)[
        "kubernetes_chart"
    ]
]
# Value overrides a user would try -> whether more than one pod may serve.
OVERRIDES = {
    "defaults": ([], False),
    "three replicas": (["--set", "replicaCount=3"], True),
    "autoscaler": (["--set", "autoscaling.enabled=true"], True),
    "autoscaler of one": (
        ["--set", "autoscaling.enabled=true", "--set", "autoscaling.maxReplicas=1"],
        False,
    ),
    "existing secret": (["--set", "auth.existingSecret=team-token"], False),
    "ingress with tls": (
        ["--set", "ingress.enabled=true", "--set", "ingress.className=nginx"]
        + ["--set", "ingress.tls.secretName=my-project-tls"],
        False,
    ),
    "persistence": (["--set", "persistence.enabled=true"], False),
    "collector sidecar": (["--set", "otel.collector.sidecar=true"], False),
    "cluster collector": (
        ["--set", "otel.endpoint=http://otel-collector.observability:4318"],
        False,
    ),
}
# checkov's exceptions, each with its reason in an annotation.
MOST_SKIPS = 3


def test_the_chart_comes_only_where_an_image_serves_http():
    assert CHART_TYPES == ["mcp_server", "web_service"]
    assert not effective(include_kubernetes=True)["kubernetes_chart"], "no Docker, no chart"
    ci_only = effective(include_docker=True, docker_strategy="ci-only", include_kubernetes=True)
    assert not ci_only["kubernetes_chart"]


@pytest.fixture(scope="module", params=CHART_TYPES)
def chart(request, render):
    root = render(project_type=request.param, include_docker=True, include_kubernetes=True)
    return request.param, root / "charts" / RELEASE


def template(chart_dir, *overrides: str, check: bool = True):
    return charts.template(chart_dir, RELEASE, *overrides, check=check)


def manifests(chart_dir, *overrides: str) -> dict[tuple[str, str], dict]:
    return charts.resources(template(chart_dir, *overrides).stdout)


CONFIG = ("ConfigMap", RELEASE)
DEPLOYMENT = ("Deployment", RELEASE)
TOKEN_SECRET = ("Secret", f"{RELEASE}-token")


def test_helm_lint_passes(chart):
    _, chart_dir = chart
    result = run([helm(), "lint", str(chart_dir), "--strict"])
    assert "0 chart(s) failed" in result.stdout


def rendering_name(kind: str, override: str) -> str:
    return f"{kind}-{override.replace(' ', '-')}.yaml"


@pytest.fixture(scope="module")
def chart_checks(render, tmp_path_factory) -> tuple[dict, dict]:
    """kubernetes-validate's lines and checkov's Kubernetes results for every chart
    type x value set, each from one run over all the renderings."""
    scanned = tmp_path_factory.mktemp("renderings")
    for kind in CHART_TYPES:
        root = render(project_type=kind, include_docker=True, include_kubernetes=True)
        for override, (overrides, _) in OVERRIDES.items():
            rendered = template(root / "charts" / RELEASE, *overrides).stdout
            (scanned / rendering_name(kind, override)).write_text(rendered)
    files = sorted(str(path) for path in scanned.iterdir())
    validated = run([tool("kubernetes-validate"), "--strict", "-k", KUBERNETES, *files])
    lines: dict[str, list[str]] = {}
    for line in (validated.stdout + validated.stderr).splitlines():
        for path in files:
            if f" {path} " in line:
                lines.setdefault(Path(path).name, []).append(line)
    return lines, checkov_results(scanned, "kubernetes")


@pytest.mark.parametrize("override", list(OVERRIDES))
def test_each_rendering_is_valid_kubernetes_and_passes_checkov(chart, override, chart_checks):
    kind, _ = chart
    validated, policies = chart_checks
    name = rendering_name(kind, override)
    assert validated[name], f"kubernetes-validate said nothing of {name}"
    assert all(line.startswith("INFO ") and " passed " in line for line in validated[name])
    checks = policies[name]
    assert checks["failed"] == [], [c["check_id"] for c in checks["failed"]]
    assert len(checks["passed"]) > 80
    skipped = checks["skipped"]
    assert len({check["check_id"] for check in skipped}) <= MOST_SKIPS
    for check in skipped:
        assert len(check["check_result"].get("suppress_comment", "")) > 20, check["check_id"]


@pytest.mark.parametrize("override", list(OVERRIDES))
def test_more_than_one_pod_makes_the_mcp_server_stateless(chart, override):
    kind, chart_dir = chart
    overrides, scales_out = OVERRIDES[override]
    settings = manifests(chart_dir, *overrides)[CONFIG]["data"]
    if kind == "mcp_server":
        assert settings.get("MCP_STATELESS_HTTP") == ("true" if scales_out else None)
    else:
        assert not any("STATELESS" in name for name in settings), "the service keeps no sessions"


def test_the_pod_is_hardened_and_probed(chart):
    kind, chart_dir = chart
    found = manifests(chart_dir)
    pod = found[DEPLOYMENT]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert (pod["securityContext"]["runAsUser"], pod["securityContext"]["runAsGroup"]) == (
        1000,
        1000,
    )
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    # The web service's readiness fails while it drains (SERVICE_DRAIN_SECONDS).
    ready = "/ready" if kind == "web_service" else "/health"
    probes = {"startupProbe": "/health", "readinessProbe": ready, "livenessProbe": "/health"}
    assert {probe: container[probe]["httpGet"]["path"] for probe in probes} == probes
    assert set(container["resources"]) == {"requests", "limits"}
    mounts = {mount["mountPath"]: mount for mount in container["volumeMounts"]}
    assert {"/tmp", "/app/ephemeral", "/app/data", "/run/secrets/app"} <= set(mounts)
    assert mounts["/run/secrets/app"]["readOnly"] is True
    kinds = {kind for kind, _ in found}
    assert {"Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy"} <= kinds
    assert "HorizontalPodAutoscaler" not in kinds and "Ingress" not in kinds
    token_variable = "MCP_AUTH_TOKEN_FILE" if kind == "mcp_server" else "SERVICE_AUTH_TOKEN_FILE"
    assert found[CONFIG]["data"][token_variable] == "/run/secrets/app/token"


def test_a_settings_change_rolls_the_pods(chart):
    _, chart_dir = chart

    def checksum(*overrides: str) -> str:
        pod = manifests(chart_dir, *overrides)[DEPLOYMENT]["spec"]["template"]
        return pod["metadata"]["annotations"]["checksum/config"]

    assert checksum() == checksum()
    assert checksum() != checksum("--set", "env.LOG_LEVEL=DEBUG")


@pytest.mark.parametrize(("reload", "rolls"), [("roll", True), ("live", False)])
def test_a_settings_file_change_rolls_the_pods_unless_reloaded_live(render, reload, rolls):
    """configReload: the pod template changes with the MCP server's settings
    file, or not (the server reads the file the kubelet updates, mounted as a
    whole folder: no subPath, which the kubelet never updates)."""
    root = render(project_type="mcp_server", include_docker=True, include_kubernetes=True)
    chart_dir = root / "charts" / RELEASE

    def pod(*overrides: str) -> dict:
        found = manifests(chart_dir, "--set", f"configReload={reload}", *overrides)
        return found[DEPLOYMENT]["spec"]["template"]

    edited = pod("--set-string", 'settingsFile=[server]\ngreeting = "Howdy"\n')
    assert (pod() != edited) is rolls
    assert pod() != pod("--set", "env.LOG_LEVEL=DEBUG"), "env: always rolls"
    mounts = [m for c in edited["spec"]["containers"] for m in c["volumeMounts"]]
    assert not [m for m in mounts if "subPath" in m], "a subPath mount is never updated"


def test_an_existing_secret_replaces_the_generated_one(chart):
    _, chart_dir = chart
    assert TOKEN_SECRET in manifests(chart_dir)
    found = manifests(chart_dir, "--set", "auth.existingSecret=team-token")
    assert "Secret" not in {kind for kind, _ in found}
    volumes = found[DEPLOYMENT]["spec"]["template"]["spec"]["volumes"]
    assert {"secretName": "team-token"}.items() <= next(
        v["secret"] for v in volumes if v["name"] == "token"
    ).items()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["--set", "replicaCount=0"], "at '/replicaCount': minimum: got 0, want 1"),
        (["--set", "replicas=3"], "additional properties 'replicas' not allowed"),
        (["--set", "service.type=Public"], "at '/service/type': value must be one of"),
        (
            ["--set", "autoscaling.enabled=true", "--set", "autoscaling.minReplicas=9"],
            "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas",
        ),
        (
            ["--set", "otel.endpoint=collector:4318"],
            "at '/otel/endpoint': 'collector:4318' does not match pattern",
        ),
        (
            ["--set", "otel.collector.sidecar=true", "--set", "otel.endpoint=http://c:4318"],
            "otel.endpoint and otel.collector.sidecar: set one, not both",
        ),
        (["--set", "otel.collector.config=debug"], "at '/otel/collector/config'"),
    ],
)
def test_a_bad_value_fails_with_a_clear_message(chart, overrides, message):
    _, chart_dir = chart
    result = template(chart_dir, *overrides, check=False)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("project_type", "value", "message"),
    [
        ("mcp_server", "configReload=restart", "at '/configReload': value must be one of"),
        # The MCP server's settings file and sessions: the web service has neither.
        ("web_service", "configReload=live", "additional properties 'configReload' not allowed"),
        ("web_service", "settingsFile=x", "additional properties 'settingsFile' not allowed"),
        ("web_service", "server.statelessVariable=X", "'statelessVariable' not allowed"),
    ],
)
def test_a_value_of_no_use_to_the_project_fails_clearly(render, project_type, value, message):
    root = render(project_type=project_type, include_docker=True, include_kubernetes=True)
    result = template(root / "charts" / RELEASE, "--set", value, check=False)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_the_chart_deploys_the_project_version(chart):
    _, chart_dir = chart
    metadata = yaml.safe_load((chart_dir / "Chart.yaml").read_text(encoding="utf-8"))
    assert metadata["appVersion"] == effective()["project_version"]
    image = manifests(chart_dir)[DEPLOYMENT]["spec"]["template"]["spec"]["containers"][0]
    assert re.fullmatch(rf".+/{RELEASE}:{re.escape(metadata['appVersion'])}", image["image"])


def test_ci_checks_the_chart_as_this_test_does(chart, tmp_path):
    """The generated CI's chart step, run here with the same helm and uv."""
    kind, chart_dir = chart
    root = copy_of(chart_dir.parent.parent, tmp_path)
    step = step_runs(root, "ci.yml", "chart")["Lint the Helm chart and validate what it renders"]
    path = os.pathsep.join(
        [os.path.dirname(helm()), os.path.dirname(tool("uv")), os.environ["PATH"]]
    )
    result = run(["bash", "-e", "-c", step], cwd=root, env=tool_env(PATH=path), timeout=300)
    assert "0 chart(s) failed" in result.stdout


def test_the_recipes_drive_helm_on_the_chart(chart):
    kind, chart_dir = chart
    root = chart_dir.parent.parent
    registry = effective(project_type=kind, include_docker=True)["docker_registry"]

    def dry_run(*invocation: str) -> str:
        return run([tool("just"), "--dry-run", *invocation], cwd=root).stderr.strip()

    # The extra arguments follow as "$@" (test_recipes_pass_each_argument_as_the_user_quoted_it).
    assert dry_run("k8s-install") == (
        f"shift; helm upgrade --install {RELEASE} charts/{RELEASE} "
        f'--set image.repository={registry}/{RELEASE} --wait "$@"'
    )
    assert dry_run("k8s-install", "registry.example.com/team", "--namespace", "team") == (
        f"shift; helm upgrade --install {RELEASE} charts/{RELEASE} "
        f'--set image.repository=registry.example.com/team/{RELEASE} --wait "$@"'
    )
    assert dry_run("k8s-uninstall") == f"helm uninstall {RELEASE}"
    assert dry_run("k8s-lint") == f"helm lint --strict charts/{RELEASE}"


def test_env_overrides_what_the_chart_derives_once(chart):
    """docs/kubernetes.md's session-affinity route: env: turns stateless mode off."""
    kind, chart_dir = chart
    variable = "MCP_STATELESS_HTTP" if kind == "mcp_server" else "LOG_LEVEL"
    overrides = ["--set", "replicaCount=3", "--set", f"env.{variable}=false"]
    rendered = template(chart_dir, *overrides).stdout
    configmap = next(d for d in rendered.split("\n---") if "\nkind: ConfigMap" in d)
    assert configmap.count(f"\n  {variable}: ") == 1, "each setting once"
    assert f'\n  {variable}: "false"' in configmap


def test_telemetry_is_off_unless_a_collector_is_named(chart):
    _, chart_dir = chart
    found = manifests(chart_dir)
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in found[CONFIG]["data"]
    assert "initContainers" not in found[DEPLOYMENT]["spec"]["template"]["spec"]
    assert ("ConfigMap", f"{RELEASE}-otel-collector") not in found
    cluster = "http://otel-collector.observability:4318"
    sent = manifests(chart_dir, "--set", f"otel.endpoint={cluster}")[CONFIG]["data"]
    assert sent["OTEL_EXPORTER_OTLP_ENDPOINT"] == cluster


def test_the_collector_sidecar_receives_on_the_pods_loopback(chart):
    """The server sends to the address the sidecar's receiver listens on; the
    sidecar is a native one (an init container that keeps running), hardened
    like the server, probed on its health_check extension, and configured
    from its own ConfigMap, whose change rolls the pods."""
    _, chart_dir = chart
    found = manifests(chart_dir, "--set", "otel.collector.sidecar=true")
    pod = found[DEPLOYMENT]["spec"]["template"]["spec"]
    (sidecar,) = pod["initContainers"]
    assert sidecar["restartPolicy"] == "Always"
    image, _, tag = sidecar["image"].rpartition(":")
    assert image == "otel/opentelemetry-collector-contrib" and re.fullmatch(r"\d+\.\d+\.\d+", tag)
    hardened = sidecar["securityContext"]
    assert hardened["readOnlyRootFilesystem"] and hardened["capabilities"]["drop"] == ["ALL"]
    assert not hardened["allowPrivilegeEscalation"] and hardened["runAsNonRoot"]
    assert {"cpu", "memory"} <= set(sidecar["resources"]["limits"])
    config = yaml.safe_load(
        found[("ConfigMap", f"{RELEASE}-otel-collector")]["data"]["config.yaml"]
    )
    health = config["extensions"]["health_check"]["endpoint"].rpartition(":")[2]
    ports = {port["name"]: port["containerPort"] for port in sidecar["ports"]}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert ports[sidecar[probe]["httpGet"]["port"]] == int(health)
    receiver = config["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    sent = found[CONFIG]["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"]
    assert sent == f"http://{receiver}" and receiver.startswith("127.0.0.1:")
    for pipeline in config["service"]["pipelines"].values():
        assert set(pipeline["exporters"]) <= set(config["exporters"])
        assert set(pipeline["receivers"]) <= set(config["receivers"])
    mount = next(m for m in sidecar["volumeMounts"] if m["name"] == "otel-collector-config")
    assert sidecar["args"] == [f"--config={mount['mountPath']}/config.yaml"]

    def checksum(*overrides: str) -> str:
        deployment = manifests(chart_dir, "--set", "otel.collector.sidecar=true", *overrides)
        return deployment[DEPLOYMENT]["spec"]["template"]["metadata"]["annotations"][
            "checksum/config"
        ]

    assert checksum() != checksum(
        "--set", "otel.collector.config.exporters.debug.verbosity=detailed"
    )
