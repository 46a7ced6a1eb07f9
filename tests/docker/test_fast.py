"""Fast tier for the Docker layer: every project type x strategy, checked
with hadolint, `docker compose config` and `just --dry-run`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from commands import checkov_results, copy_of, executable, run, tool, tool_env
from n8n import VERSION as N8N_TESTED
from questions import choices, docker_strategies, effective, newer_pythons
from stub_machine import STANDIN_PYTHONS

PROJECT_TYPES = choices("project_type")
IMAGE = "my-project"
REGISTRY = "ghcr.io/your-username"
# docker-verify is a script: its first lines are pinned here, what the script
# does is proven on the engine (test_docker_image.py). Where another recipe
# runs it, the expected list holds this placeholder for the whole script.
VERIFY = "<the docker-verify script for {tag}>"
# Every build runs `just lock` first, so a fresh project builds in one command.
LOCK = 'uv lock "$@"'
VERIFY_HEAD = [
    "#!/usr/bin/env sh",
    "set -eu",
    "docker run --rm -i --entrypoint python my-project:{tag} - \"{tag}\" <<'PYTHON'",
]
# docker-push is a script too (what it does is proven with a stub docker below
# and against a real registry in test_docker_registry.py): its head is pinned.
PUSH = "<the docker-push script for {registry} {tag}>"
PUSH_HEAD = [
    "#!/usr/bin/env sh",
    "set -eu",
    "target='{registry}/my-project:{tag}'",
    "docker tag my-project:'{tag}' \"$target\"",
]
# docker-release pushes latest by running the justfile's own docker-push.
PUSH_LATEST = "just docker-push '{registry}' latest"

# Recipe invocation -> the exact commands `just --dry-run` must print. Extra
# arguments are "$@" there; test_recipes_pass_each_argument_as_the_user_quoted_it
# (tests/project/test_fast.py) runs recipes to see what they get.
COMMON_RECIPES = {
    "docker-build-test": [
        LOCK,
        "docker build --file Dockerfile.test --tag my-project-test:latest .",
    ],
    "docker-test": [
        LOCK,
        "docker build --file Dockerfile.test --tag my-project-test:latest .",
        'docker run --rm my-project-test:latest python -m pytest "$@"',
    ],
    "docker-coverage": [
        LOCK,
        "docker build --file Dockerfile.test --tag my-project-test:latest .",
        "#!/usr/bin/env sh",
        "set -eu",
        'container="my-project-coverage-$$"',
        'docker create --name "$container" my-project-test:latest \\',
        "    python -m pytest --cov=my_project --cov-report=term-missing \\",
        "    --cov-report=xml:/app/reports/coverage.xml >/dev/null",
        "# Removing the container never decides the exit status: the tests' does.",
        "trap 'docker rm --force \"$container\" >/dev/null 2>&1 || true' EXIT",
        "status=0",
        'docker start --attach "$container" || status=$?',
        'if docker cp "$container":/app/reports/coverage.xml ./coverage.xml; then',
        '    echo "coverage.xml copied from $container"',
        "else",
        '    echo "docker-coverage: the tests wrote no coverage.xml" >&2',
        '    [ "$status" -ne 0 ] || status=1',
        "fi",
        'exit "$status"',
    ],
}
RELEASE_CHECK = (
    "echo \"1.2.0\" | grep -Eq '^[0-9]+\\.[0-9]+\\.[0-9]+$' || "
    "{ echo \"docker-release: VERSION must be X.Y.Z (got '1.2.0')\" >&2; exit 2; }"
)
# A pushed image carries an SBOM and a provenance attestation, as CI's push does.
ATTESTATIONS = "--provenance=mode=max --sbom=true"
SCANNER_CHECK = (
    'command -v trivy >/dev/null 2>&1 || { echo "docker-scan: trivy is not installed '
    '(https://trivy.dev); the Docker workflow runs the same scan" >&2; exit 127; }'
)
PRODUCTION_RECIPES = {
    "docker-build": [LOCK, "docker build --tag my-project:latest ."],
    "docker-build 1.2.0": [LOCK, "docker build --tag my-project:1.2.0 ."],
    "docker-build-multi 1.2.0": [
        LOCK,
        "docker buildx inspect multiarch >/dev/null 2>&1 || "
        "docker buildx create --name multiarch --driver docker-container",
        "docker buildx build --builder multiarch --platform linux/amd64,linux/arm64 "
        f"{ATTESTATIONS} --tag {REGISTRY}/my-project:1.2.0 --push .",
    ],
    "docker-build-multi 1.2.0 registry.example.com/team": [
        LOCK,
        "docker buildx inspect multiarch >/dev/null 2>&1 || "
        "docker buildx create --name multiarch --driver docker-container",
        "docker buildx build --builder multiarch --platform linux/amd64,linux/arm64 "
        f"{ATTESTATIONS} --tag registry.example.com/team/my-project:1.2.0 --push .",
    ],
    "docker-verify": [VERIFY.format(tag="latest")],
    "docker-verify 1.2.0": [VERIFY.format(tag="1.2.0")],
    "docker-scan": [SCANNER_CHECK, "trivy image --config trivy.yaml my-project:latest"],
    "docker-scan 1.2.0": [SCANNER_CHECK, "trivy image --config trivy.yaml my-project:1.2.0"],
    "docker-shell 1.2.0": ["docker run --rm -it --entrypoint /bin/sh my-project:1.2.0"],
    "docker-push ghcr.io/acme 1.2.0": [PUSH.format(registry="ghcr.io/acme", tag="1.2.0")],
    "docker-release 1.2.0 ghcr.io/acme": [
        RELEASE_CHECK,
        LOCK,
        "docker build --tag my-project:1.2.0 .",
        VERIFY.format(tag="1.2.0"),
        PUSH.format(registry="ghcr.io/acme", tag="1.2.0"),
        "docker tag my-project:1.2.0 my-project:latest",
        PUSH_LATEST.format(registry="ghcr.io/acme"),
    ],
    "docker-release 1.2.0": [
        RELEASE_CHECK,
        LOCK,
        "docker build --tag my-project:1.2.0 .",
        VERIFY.format(tag="1.2.0"),
        PUSH.format(registry=REGISTRY, tag="1.2.0"),
        "docker tag my-project:1.2.0 my-project:latest",
        PUSH_LATEST.format(registry=REGISTRY),
    ],
}
# The compose stack's recipes: only a program that serves has a stack.
STACK_RECIPES = {
    "docker-compose-up": [
        LOCK,
        "docker build --tag my-project:latest .",
        "docker compose up --detach --wait",
    ],
    "docker-compose-down": ["docker compose down"],
    "docker-logs": ['docker compose logs --tail=200 "$@"'],
    "docker-rebuild": [
        LOCK,
        "docker build --tag my-project:latest .",
        "docker compose up --detach --wait --force-recreate",
    ],
    "docker-stop": ["docker compose stop"],
    "docker-clean": [
        "docker compose down --remove-orphans",
        "docker volume rm --force my-project-ephemeral",
        "docker image prune --force --filter label=org.opencontainers.image.title=my-project",
    ],
    "docker-clean-all": [
        "docker compose down --remove-orphans",
        "docker volume rm --force my-project-ephemeral",
        "docker image prune --force --filter label=org.opencontainers.image.title=my-project",
        'docker compose --profile "*" down --volumes --remove-orphans',
        "docker image ls --filter reference=my-project --filter reference=my-project-test "
        "--quiet | xargs -r docker image rm --force",
    ],
}
# A one-shot program's image has no stack: its cleaning is of images alone.
IMAGE_CLEANING = {
    "docker-clean": [
        "docker image prune --force --filter label=org.opencontainers.image.title=my-project",
    ],
    "docker-clean-all": [
        "docker image prune --force --filter label=org.opencontainers.image.title=my-project",
        "docker image ls --filter reference=my-project --filter reference=my-project-test "
        "--quiet | xargs -r docker image rm --force",
    ],
}
DOCKER_RUN = {
    "mcp_server": {"docker-run": ['shift; docker run --rm -i my-project:latest "$@"']},
    "web_service": {
        "docker-run 1.2.0": ['shift; docker run --rm -p 8000:8000 my-project:1.2.0 "$@"']
    },
    "cli_tool": {"docker-run latest stats": ['shift; docker run --rm -i my-project:latest "$@"']},
}


# The compose stack with the OpenTelemetry Collector, and the development
# service, for the types that serve HTTP.
COLLECTOR = "http://otel-collector:4318"
OBSERVE = {
    "docker-observe": [
        LOCK,
        "docker build --tag my-project:latest .",
        f"OTEL_EXPORTER_OTLP_ENDPOINT={COLLECTOR} docker compose --profile observability up "
        "--detach --wait",
    ],
    "docker-dev": [
        LOCK,
        "docker build --tag my-project:latest .",
        "docker compose --profile dev up --detach --wait my-project-dev",
        "docker compose --profile dev watch --no-up my-project-dev",
    ],
}
SERVES_HTTP = [kind for kind in PROJECT_TYPES if effective(project_type=kind)["serves_http"]]


# Each type and strategy a render may have: a library has no production image.
CASES = [(kind, strategy) for kind in PROJECT_TYPES for strategy in docker_strategies(kind)]


def test_every_type_with_a_production_image_has_its_docker_run():
    assert set(DOCKER_RUN) == {t for t, s in CASES if s == "production"}


def expected_recipes(project_type: str, strategy: str) -> dict[str, list[str]]:
    recipes = dict(COMMON_RECIPES)
    if strategy == "production":
        recipes |= PRODUCTION_RECIPES | DOCKER_RUN[project_type]
        if project_type in SERVES_HTTP:
            recipes |= STACK_RECIPES | OBSERVE
        else:
            recipes |= IMAGE_CLEANING
    return recipes


@pytest.fixture(params=CASES, ids="-".join)
def docker_project(request, render):
    project_type, strategy = request.param
    root = render(project_type=project_type, include_docker=True, docker_strategy=strategy)
    return project_type, strategy, root


def dry_run_env() -> dict[str, str]:
    """The plain defaults a user has: no DOCKER or COMPOSE override."""
    env = tool_env()
    env.pop("DOCKER", None)
    env.pop("COMPOSE", None)
    return env


def test_hadolint_reports_nothing(docker_project):
    _, strategy, root = docker_project
    dockerfiles = ["Dockerfile.test"] + (["Dockerfile"] if strategy == "production" else [])
    for dockerfile in dockerfiles:
        assert "hadolint ignore" not in (root / dockerfile).read_text(encoding="utf-8")
        result = run([tool("hadolint"), "--failure-threshold", "style", dockerfile], cwd=root)
        assert result.stdout.strip() == "", result.stdout
    assert not (root / ".hadolint.yaml").exists()


@pytest.fixture(scope="module")
def dockerfile_policies(render, tmp_path_factory) -> dict:
    """checkov's Dockerfile results for every project type x strategy, from one run."""
    scanned = tmp_path_factory.mktemp("dockerfiles")
    for project_type, strategy in CASES:
        root = render(project_type=project_type, include_docker=True, docker_strategy=strategy)
        for dockerfile in dockerfiles(strategy):
            case = scanned / f"{project_type}-{strategy}"
            case.mkdir(exist_ok=True)
            (case / dockerfile).write_text((root / dockerfile).read_text(encoding="utf-8"))
    return checkov_results(scanned, "dockerfile")


def dockerfiles(strategy: str) -> list[str]:
    return ["Dockerfile.test"] + (["Dockerfile"] if strategy == "production" else [])


def test_checkov_finds_nothing_in_the_dockerfiles(docker_project, dockerfile_policies):
    """checkov's Dockerfile policies (non-root user, health check, tagged bases, ...)."""
    project_type, strategy, _ = docker_project
    for dockerfile in dockerfiles(strategy):
        checks = dockerfile_policies[f"{project_type}-{strategy}/{dockerfile}"]
        assert len(checks["passed"]) > 0, dockerfile
        assert checks["failed"] == [], [c["check_id"] for c in checks["failed"]]


def test_every_docker_recipe_dry_runs_to_the_exact_commands(docker_project):
    project_type, strategy, root = docker_project
    just = tool("just")
    expected = expected_recipes(project_type, strategy)
    listed = {
        r for r in run([just, "--summary"], cwd=root).stdout.split() if r.startswith("docker")
    }
    assert listed == {invocation.split()[0] for invocation in expected}
    scripts = {}  # placeholder -> the whole script the recipe prints
    if strategy == "production":
        for tag in ("latest", "1.2.0"):
            script = dry_run(root, "docker-verify", tag)
            assert script[:3] == [line.format(tag=tag) for line in VERIFY_HEAD]
            assert script[-1] == "PYTHON"
            scripts[VERIFY.format(tag=tag)] = script
        for registry in ("ghcr.io/acme", REGISTRY):
            script = dry_run(root, "docker-push", registry, "1.2.0")
            head = [line.format(registry=registry, tag="1.2.0") for line in PUSH_HEAD]
            assert script[:4] == head
            scripts[PUSH.format(registry=registry, tag="1.2.0")] = script
    for invocation, commands in expected.items():
        printed = dry_run(root, *invocation.split())
        wanted = []
        for command in commands:
            wanted += scripts.get(command, [command])
        assert printed == wanted, invocation


def dry_run(root, *invocation: str) -> list[str]:
    """What `just --dry-run` prints for a recipe, line by line; where a recipe
    runs the justfile again, that command reads `just`."""
    just = tool("just")
    result = run([just, "--dry-run", *invocation], cwd=root, env=dry_run_env())
    again = f"'{just}' --justfile '{root / 'justfile'}'"
    return [line.rstrip().replace(again, "just") for line in result.stderr.strip().splitlines()]


# How the stub docker below ends `start` (the tests' status), `cp` and `rm`,
# and the status docker-coverage must end with.
COVERAGE_ENDINGS = {
    "tests pass": ((0, 0, 0), 0),
    "tests fail": ((1, 0, 0), 1),
    "tests fail and write no report": ((2, 1, 0), 2),
    "tests pass and write no report": ((0, 1, 0), 1),
    "the container cannot be removed": ((0, 0, 1), 0),
}


@pytest.mark.parametrize("ending", list(COVERAGE_ENDINGS))
def test_docker_coverage_ends_with_the_tests_status(render, tmp_path, ending):
    """Its cleanup never fails a run that passed, and never hides the tests' status."""
    (start, cp, rm), expected = COVERAGE_ENDINGS[ending]
    docker = tmp_path / "docker"
    executable(
        docker,
        f'#!/bin/sh\ncase "$1" in start) exit {start} ;; cp) exit {cp} ;; rm) exit {rm} ;; esac\n',
    )
    root = render(include_docker=True)
    env = {**dry_run_env(), "DOCKER": str(docker)}
    # --no-deps: the image is the stub's; what is checked is the script's ending.
    result = run([tool("just"), "--no-deps", "docker-coverage"], cwd=root, env=env, check=False)
    assert result.returncode == expected, result.stderr
    assert ("wrote no coverage.xml" in result.stderr) == bool(cp)


def test_release_refuses_a_bad_version(render):
    root = render(include_docker=True)
    env = dry_run_env()
    result = run([tool("just"), "_check-version", "1.2"], cwd=root, env=env, check=False)
    assert result.returncode == 2
    assert "VERSION must be X.Y.Z (got '1.2')" in result.stderr


def compose_config(root, *args: str) -> dict:
    result = run([tool("docker-compose"), *args, "config", "--format", "json"], cwd=root)
    return json.loads(result.stdout)


def uncommented(example: str) -> str:
    """.env.example with every documented setting switched on."""
    return re.sub(r"(?m)^# ([A-Z][A-Z0-9_]*=)", r"\1", example)


@pytest.mark.parametrize("project_type", SERVES_HTTP)
def test_compose_config_with_and_without_env_and_profiles(render, tmp_path, project_type):
    root = copy_of(render(project_type=project_type, include_docker=True), tmp_path)
    raw = yaml.safe_load((root / "docker-compose.yml").read_text(encoding="utf-8"))
    assert "version" not in raw, "the version key is obsolete"
    profiles = {
        "mcp_server": ["n8n", "observability", "dev"],
        "web_service": ["observability", "dev"],
    }
    variants = [[]] + [["--profile", p] for p in profiles[project_type]]
    example = (root / ".env.example").read_text(encoding="utf-8")
    # No .env; .env.example copied as is (must change nothing); every setting switched on.
    env_files = [None, example, uncommented(example)]
    configs = {}
    for env_file in env_files:
        if env_file is not None:
            (root / ".env").write_text(env_file, encoding="utf-8")
        for variant in variants:
            config = compose_config(root, *variant)
            configs[(env_file, tuple(variant))] = config
            service = config["services"][IMAGE]
            assert service["image"] == f"{IMAGE}:latest"
            assert service["build"]["dockerfile"] == "Dockerfile"
            assert config["networks"][IMAGE]["name"] == f"{IMAGE}-network"
    for variant in variants:
        plain = configs[(None, tuple(variant))]
        assert configs[(example, tuple(variant))] == plain, ".env.example as is changed the stack"
        # The documented values are the stack's defaults. (env_file also hands the
        # compose-only settings, such as IMAGE_TAG, to the container: set those aside.)
        switched_on = configs[(uncommented(example), tuple(variant))]["services"]
        for name, service in switched_on.items():
            extra = set(service.get("environment", {})) - set(
                plain["services"][name].get("environment", {})
            )
            assert extra <= set(re.findall(r"(?m)^# ([A-Z][A-Z0-9_]*)=", example))
            for key in extra:
                del service["environment"][key]
        assert switched_on == plain["services"]


def test_compose_mcp_stack_shape(render):
    root = render(include_docker=True)
    config = compose_config(root, "--profile", "n8n")
    server = config["services"][IMAGE]
    env = server["environment"]
    assert env["MCP_TRANSPORT"] == "streamable-http"
    assert env["MCP_SERVER_HOST"] == "0.0.0.0"
    assert IMAGE in env["MCP_ALLOWED_HOSTS"].split(",")
    mounts = {v["target"]: v for v in server["volumes"]}
    assert mounts["/app/config"]["read_only"] is True
    assert mounts["/app/data"]["type"] == "volume"
    assert mounts["/app/ephemeral"]["type"] == "volume"
    n8n = config["services"]["n8n"]
    image, _, version = n8n["image"].rpartition(":")
    assert image.endswith("n8nio/n8n") and version == N8N_TESTED, "the n8n the tests drive"
    workflows = {v["target"]: v for v in n8n["volumes"]}["/workflows"]
    assert workflows["read_only"] is True and workflows["source"] == str(root / "n8n")
    workflow = json.loads((root / "n8n" / "mcp-tools.json").read_text(encoding="utf-8"))
    urls = {node["parameters"].get("endpointUrl") for node in workflow["nodes"][1:]}
    assert urls == {n8n["environment"]["MCP_ENDPOINT_URL"]}, "the service name, as compose says"
    assert n8n["depends_on"][IMAGE]["condition"] == "service_healthy"
    assert n8n["environment"]["MCP_ENDPOINT_URL"] == f"http://{IMAGE}:8000/mcp"
    assert "healthcheck" in n8n
    assert set(n8n["profiles"]) == {"n8n"}
    default = compose_config(root)
    assert "n8n" not in default["services"], "n8n must be opt-in"


# How a registry answers the stub docker's push, and the one line docker-push
# must end with (None: it succeeds and says what it pushed).
PUSH_ENDINGS = {
    "pushed": (0, "ghcr.io/acme/my-project:1.2.0", None),
    "no credentials": (
        1,
        "no basic auth credentials",
        "docker-push: ghcr.io/acme/my-project:1.2.0 was not pushed: no basic auth credentials "
        "(log in first: docker login ghcr.io)",
    ),
    "wrong credentials": (
        1,
        "unauthorized: authentication required",
        "docker-push: ghcr.io/acme/my-project:1.2.0 was not pushed: unauthorized: "
        "authentication required (log in first: docker login ghcr.io)",
    ),
    "no registry there": (
        1,
        'Get "https://ghcr.io/v2/": dial tcp: lookup ghcr.io: no such host',
        "docker-push: ghcr.io/acme/my-project:1.2.0 was not pushed: "
        'Get "https://ghcr.io/v2/": dial tcp: lookup ghcr.io: no such host',
    ),
}


@pytest.mark.parametrize("ending", list(PUSH_ENDINGS))
def test_docker_push_fails_in_one_line_that_says_why(render, tmp_path, ending):
    status, last_line, message = PUSH_ENDINGS[ending]
    docker = executable(
        tmp_path / "docker",
        '#!/bin/sh\necho "$*" >> "$0.log"\n'
        'if [ "$1" = push ]; then echo "The push refers to repository [x]"; '
        f"echo '{last_line}' >&2; exit {status}; fi\n",
    )
    root = render(include_docker=True)
    env = {**dry_run_env(), "DOCKER": str(docker)}
    result = run(
        [tool("just"), "docker-push", "ghcr.io/acme", "1.2.0"], cwd=root, env=env, check=False
    )
    assert result.returncode == status
    target = "ghcr.io/acme/my-project:1.2.0"
    assert Path(f"{docker}.log").read_text().splitlines() == [
        f"tag my-project:1.2.0 {target}",
        f"push --quiet {target}",
    ]
    if message is None:
        assert result.stdout.strip() == f"pushed {target}"
    else:
        # The recipe's one line, then just's own note that the recipe failed.
        assert result.stderr.splitlines()[0] == message.replace("docker login", f"{docker} login")
        assert "docker-push" in result.stderr.splitlines()[1]
        assert len(result.stderr.splitlines()) == 2, result.stderr


def test_builds_keep_the_health_check_under_podman(render, tmp_path):
    """podman writes OCI images, which have no HEALTHCHECK, unless BUILDAH_FORMAT
    (or --format) says docker: every build recipe runs with it. (A real podman
    build keeps it: test_podman.py.)"""
    podman = tmp_path / "podman"
    executable(podman, '#!/bin/sh\necho "$1 format=$BUILDAH_FORMAT"\n')
    root = render(include_docker=True)
    env = {**dry_run_env(), "DOCKER": str(podman)}
    for recipe in ("docker-build", "docker-build-test"):
        result = run([tool("just"), "--no-deps", recipe], cwd=root, env=env)
        assert result.stdout.strip() == "build format=docker", recipe


def test_compose_file_follows_env_overrides(render, tmp_path):
    root = copy_of(render(include_docker=True), tmp_path)
    (root / ".env").write_text("MCP_TRANSPORT=sse\nMCP_SERVER_PORT=9001\n", encoding="utf-8")
    server = compose_config(root)["services"][IMAGE]
    assert server["environment"]["MCP_TRANSPORT"] == "sse"
    assert server["ports"][0]["target"] == 9001


def test_ci_only_docs_cover_what_the_readme_points_to(render):
    """A test-image-only project: its README points to the test image, coverage
    and the CI job, and docs/docker.md has each; neither promises compose."""
    root = render(include_docker=True, docker_strategy="ci-only")
    readme = (root / "README.md").read_text(encoding="utf-8")
    docs = (root / "docs" / "docker.md").read_text(encoding="utf-8")
    pointer = readme.split("See [docs/docker.md](docs/docker.md) for ", 1)[1].split("\n\n")[0]
    assert "compose" not in pointer and "volumes" not in pointer
    for promised, heading in (
        ("test image", "just docker-test"),
        ("coverage", "coverage.xml"),
        ("CI job", "## In CI"),
    ):
        assert promised in pointer and heading in docs
    assert "## Troubleshooting" in docs and "compose" not in docs.lower()


PUBLISH_ADDRESS = {"mcp_server": "MCP_PUBLISH_ADDRESS", "web_service": "SERVICE_PUBLISH_ADDRESS"}


@pytest.mark.parametrize("project_type", list(PUBLISH_ADDRESS))
def test_compose_hardens_the_serving_container(render, tmp_path, project_type):
    """Read-only root, /tmp in memory, no capabilities, no privilege gain, limits,
    rotated logs, and a port on this machine only unless .env says otherwise."""
    root = copy_of(render(project_type=project_type, include_docker=True), tmp_path)
    service = compose_config(root)["services"][IMAGE]
    assert service["read_only"] is True
    assert service["tmpfs"] == ["/tmp:size=64m"]
    assert service["cap_drop"] == ["ALL"]
    assert service["security_opt"] == ["no-new-privileges:true"]
    assert service["pids_limit"] == 128 and service["mem_limit"] == str(512 * 1024 * 1024)
    assert service["logging"]["options"] == {"max-size": "10m", "max-file": "3"}
    assert [port["host_ip"] for port in service["ports"]] == ["127.0.0.1"]
    (root / ".env").write_text(f"{PUBLISH_ADDRESS[project_type]}=0.0.0.0\n", encoding="utf-8")
    opened = compose_config(root)["services"][IMAGE]
    assert [port["host_ip"] for port in opened["ports"]] == ["0.0.0.0"]


@pytest.mark.parametrize(
    ("project_type", "recipe", "command"),
    [
        ("mcp_server", "mcp-token", "python -m my_project.kit.access"),
        ("web_service", "service-token", "python -m my_project.kit.access"),
    ],
)
def test_token_recipe_asks_the_running_server(render, project_type, recipe, command):
    root = render(project_type=project_type, include_docker=True)
    assert dry_run(root, recipe) == [f"docker compose exec -T my-project {command}"]


@pytest.mark.parametrize("project_type", SERVES_HTTP)
def test_the_observability_profile_adds_a_hardened_collector(render, tmp_path, project_type):
    """Off by default, and the server exports nothing; with the profile and the
    endpoint docker-observe sets, the server sends to the collector's OTLP/HTTP
    receiver on the project network, and the collector, hardened like the
    server, reads its configuration read-only from the config tier and
    publishes its Prometheus exporter on this machine only."""
    root = copy_of(render(project_type=project_type, include_docker=True), tmp_path)
    default = compose_config(root)
    assert "otel-collector" not in default["services"]
    assert default["services"][IMAGE]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == ""
    result = run(
        [tool("docker-compose"), "--profile", "observability", "config", "--format", "json"],
        cwd=root,
        env=tool_env(OTEL_EXPORTER_OTLP_ENDPOINT=COLLECTOR),
    )
    stack = json.loads(result.stdout)
    assert stack["services"][IMAGE]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == COLLECTOR
    collector = stack["services"]["otel-collector"]
    image, _, version = collector["image"].rpartition(":")
    assert image == "otel/opentelemetry-collector-contrib"
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    server = stack["services"][IMAGE]
    for key in ("read_only", "cap_drop", "security_opt", "tmpfs", "logging"):
        assert collector[key] == server[key], key
    assert collector["mem_limit"] and collector["pids_limit"] and collector["cpus"]
    assert set(collector["networks"]) == set(server["networks"])
    (mount,) = collector["volumes"]
    assert mount["read_only"] is True and mount["source"] == str(
        root / "config/otel-collector.yaml"
    )
    assert collector["command"] == [f"--config={mount['target']}"]
    config = yaml.safe_load((root / "config/otel-collector.yaml").read_text(encoding="utf-8"))
    receiver = config["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    assert receiver == "0.0.0.0:" + COLLECTOR.rpartition(":")[2]
    scraped = int(config["exporters"]["prometheus"]["endpoint"].rpartition(":")[2])
    assert [(p["host_ip"], p["target"]) for p in collector["ports"]] == [("127.0.0.1", scraped)]
    for signal, pipeline in config["service"]["pipelines"].items():
        assert pipeline["receivers"] == ["otlp"], signal
        assert set(pipeline["processors"]) <= set(config["processors"]), signal
        assert set(pipeline["exporters"]) <= set(config["exporters"]), signal
    assert set(config["service"]["extensions"]) <= set(config["extensions"])


@pytest.mark.parametrize("project_type", SERVES_HTTP)
def test_the_dev_profile_serves_src_from_a_service_as_hardened_as_the_stack(
    render, tmp_path, project_type
):
    """The development service is the stack's service with ./src mounted
    read-only where PYTHONPATH looks first, under the stack's name on the
    network, and compose watch rules that restart it on a change under src/
    and rebuild it on a change of the dependencies; off by default."""
    root = copy_of(render(project_type=project_type, include_docker=True), tmp_path)
    assert f"{IMAGE}-dev" not in compose_config(root)["services"]
    services = compose_config(root, "--profile", "dev")["services"]
    server, dev = services[IMAGE], services.pop(f"{IMAGE}-dev")
    assert dev.pop("profiles") == ["dev"]
    watch = {rule["path"]: rule["action"] for rule in dev.pop("develop")["watch"]}
    assert watch == {
        str(root / "src"): "restart",
        str(root / "pyproject.toml"): "rebuild",
        str(root / "uv.lock"): "rebuild",
    }
    mounts = {mount["target"]: mount for mount in dev.pop("volumes")}
    source = mounts.pop(dev["environment"].pop("PYTHONPATH"))
    assert source["source"] == str(root / "src") and source["read_only"] is True
    assert list(mounts.values()) == server.pop("volumes")
    assert dev.pop("networks") == {IMAGE: {"aliases": [IMAGE]}}
    assert server.pop("networks") == {IMAGE: None}
    assert dev == server, "the development service differs from the stack's in more than src"


def test_ci_makes_a_stand_in_base_for_each_newer_python():
    """The Docker tier runs the choices newer than the default in their bases
    (test_docker_pythons.py): a new choice needs a base .ci/run makes."""
    assert set(newer_pythons()) <= set(STANDIN_PYTHONS)
    assert newer_pythons(), "no choice is newer than the default: nothing runs in a base"
