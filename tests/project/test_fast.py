"""Fast tier: render the template and check the output with the real tools.

One case for the defaults, one per project type and one per toggle; not the
cross-product. Which files a case must produce comes from copier.yml's own
computed values (questions.effective), not from conditions spelled here.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import jinja2
import pytest
import yaml
from commands import TEMPLATE_ROOT, copy_of, copy_plainly, executable, run, text_of, tool
from distribution import check_the_distribution_files
from questions import (
    CONFIG,
    QUESTIONS,
    check_answer_keys,
    choices,
    docker_strategies,
    effective,
)
from shell import recipe_findings
from workflows import step_runs, zizmor_findings, zizmor_findings_allowed

CASES = {
    "defaults": {},
    **{
        kind: {"project_type": kind}
        for kind in choices("project_type")
        if kind != QUESTIONS["project_type"]["default"]
    },
    "no_examples": {"include_examples": False},
    "no_tests": {"include_tests": False},
    "no_pre_commit": {"include_pre_commit": False},
    "no_github_actions": {"include_github_actions": False},
    **{
        f"pypi_{method}": {"pypi_auth_method": method}
        for method in choices("pypi_auth_method")
        if method != "trusted"
    },
    "no_justfile": {"include_justfile": False},
    "python_oldest": {"python_version": choices("python_version")[0]},
    # ruff formats for requires-python: 3.14's except clauses differ (PEP 758).
    "python_newest": {"python_version": choices("python_version")[-1]},
    "tricky_text": {
        "project_description": 'Say "hi" \\ it\'s fine: ünïcödé',
        "author_name": 'Seán "Ace" O\'Brien \\',
    },
    "docker_production": {"include_docker": True},
    "docker_ci_only": {"include_docker": True, "docker_strategy": "ci-only"},
    "docker_without_tests": {"include_docker": True, "include_tests": False},
    "docker_without_justfile": {"include_docker": True, "include_justfile": False},
    "kubernetes": {"include_docker": True, "include_kubernetes": True},
    "kubernetes_without_justfile": {
        "include_docker": True,
        "include_kubernetes": True,
        "include_justfile": False,
    },
}

# The Helm chart, under charts/<project_slug>/.
CHART_FILES = ["Chart.yaml", "values.yaml", "values.schema.json"] + [
    f"templates/{name}"
    for name in [
        "NOTES.txt",
        "_helpers.tpl",
        "configmap.yaml",
        "deployment.yaml",
        "hpa.yaml",
        "ingress.yaml",
        "networkpolicy.yaml",
        "pdb.yaml",
        "pvc.yaml",
        "secret.yaml",
        "service.yaml",
        "serviceaccount.yaml",
    ]
]
# The MCP server's examples package, and its tests.
EXAMPLE_FILES = {
    "src": ["__init__.py", "client_logging.py", "prompts.py", "resources.py", "tools.py"],
    "tests": ["test_features.py", "test_live_settings.py"],
}
# Every project with GitHub Actions has these; docker.yml comes with Docker.
ALWAYS_WORKFLOWS = [
    "ci.yml",
    "codeql.yml",
    "dependency-review.yml",
    "release.yml",
    "template-update.yml",
]

SERVES_HTTP = [
    kind for kind in choices("project_type") if effective(project_type=kind)["serves_http"]
]
# The template's machinery, under src/PACKAGE/kit/ (serves_http).
KIT_FILES = ["__init__.py", "access.py", "env.py", "reload.py", "serving.py", "telemetry.py"]
TYPE_FILES = {
    "mcp_server": {
        "src": ["__main__.py", "config.py", "main.py", "server.py", "tools.py"],
        "kit": [*KIT_FILES, "auth.py", "limits.py", "mcp_metrics.py", "protocol_errors.py"],
        "tests": [
            "conformance_server.py",
            "conftest.py",
            "starter.py",
            "test_access.py",
            "test_auth.py",
            "test_config.py",
            "test_env.py",
            "test_kit.py",
            "test_metrics.py",
            "test_protocol.py",
            "test_reload.py",
            "test_server.py",
            "test_telemetry.py",
            "test_tools.py",
            "test_transports.py",
        ],
        "docs": ["distribution.md", "observability.md", "security.md"],
        "scripts": ["dev.py"],
        # The conformance suite's runner, with the tests' fixture server.
        "test_scripts": ["conformance.py"],
        # Where users install it from: the MCP Registry, MCPB hosts.
        "root": ["server.json", "manifest.json", ".mcpbignore", "icon.png"],
    },
    "library": {"src": ["core.py"], "tests": ["test_core.py"]},
    "cli_tool": {"src": ["__main__.py", "cli.py", "completion.py"], "tests": ["test_cli.py"]},
    "web_service": {
        "src": ["__main__.py", "app.py"],
        "kit": [*KIT_FILES, "drain.py", "logs.py"],
        "tests": [
            "conftest.py",
            "starter.py",
            "test_access.py",
            "test_app.py",
            "test_env.py",
            "test_kit.py",
            "test_reload.py",
            "test_telemetry.py",
        ],
        "docs": ["observability.md"],
        "scripts": ["dev.py"],
    },
}


def answers_for(case: str) -> dict:
    """Every value the case's render uses, computed ones included."""
    return effective(**CASES[case])


def test_cases_cover_every_project_type():
    assert set(TYPE_FILES) == set(choices("project_type"))
    assert {answers_for(case)["project_type"] for case in CASES} == set(choices("project_type"))


def expected_files(answers: dict) -> set[str]:
    package = answers["package_name"]
    files = {
        ".copier-answers.yml",
        ".gitignore",
        ".python-version",
        "AGENTS.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "SECURITY.md",
        "LICENSE",
        "README.md",
        "pyproject.toml",
        f"src/{package}/__init__.py",
        f"src/{package}/py.typed",
        "scripts/release.py",
        "docs/releasing.md",
    }
    type_files = TYPE_FILES[answers["project_type"]]
    files |= {f"src/{package}/{name}" for name in type_files["src"]}
    files |= {f"src/{package}/kit/{name}" for name in type_files.get("kit", [])}
    files |= {f"docs/{name}" for name in type_files.get("docs", [])}
    files |= {f"scripts/{name}" for name in type_files.get("scripts", [])}
    files |= set(type_files.get("root", []))
    if answers["include_tests"]:
        files |= {"tests/test_version.py"} | {f"tests/{name}" for name in type_files["tests"]}
        files |= {f"scripts/{name}" for name in type_files.get("test_scripts", [])}
    if answers["mcp_examples"]:
        files |= {f"src/{package}/examples/{name}" for name in EXAMPLE_FILES["src"]}
        if answers["include_tests"]:
            files |= {f"tests/examples/{name}" for name in EXAMPLE_FILES["tests"]}
    if answers["dotenv_settings"]:
        # Settings that `just run`, `just dev` or compose read from a .env.
        files.add(".env.example")
    if answers["include_pre_commit"]:
        files.add(".pre-commit-config.yaml")
    if answers["include_github_actions"]:
        files |= {".github/dependabot.yml"}
        files |= {f".github/workflows/{name}" for name in ALWAYS_WORKFLOWS}
    if answers["include_justfile"]:
        files.add("justfile")
    if answers["include_docs"]:
        files |= {"mkdocs.yml", "scripts/docs_site.py", "docs/index.md", "docs/reference.md"}
    if answers["include_docker"]:
        files |= {".dockerignore", "docs/docker.md"}
        if answers["include_github_actions"]:
            files.add(".github/workflows/docker.yml")
    if answers["docker_tests"]:
        files.add("Dockerfile.test")
    if answers["docker_production"]:
        files |= {"Dockerfile", "docker-compose.yml", "trivy.yaml"}
    if answers["image_serves_http"]:
        files.add(f"src/{package}/kit/healthcheck.py")
        if answers["include_tests"]:
            files.add("tests/test_healthcheck.py")
        files.add("config/otel-collector.yaml")
        if answers["project_type"] == "mcp_server":
            files.add("config/settings.toml")
    if answers["n8n_workflow"]:
        files.add("n8n/mcp-tools.json")
    if answers["kubernetes_chart"]:
        chart = f"charts/{answers['project_slug']}"
        files |= {f"{chart}/{name}" for name in CHART_FILES} | {"docs/kubernetes.md"}
        if answers["chart_settings"]:  # the settings file's ConfigMap
            files.add(f"{chart}/templates/settings.yaml")
    return files


def project_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(params=list(CASES), scope="module")
def case(request, render):
    answers = CASES[request.param]
    return request.param, render(**answers)


def test_file_set(case):
    name, root = case
    assert project_files(root) == expected_files(answers_for(name))


@pytest.mark.parametrize(
    "name", [name for name in CASES if answers_for(name)["project_type"] == "mcp_server"]
)
def test_an_mcp_server_has_its_registry_entry_and_bundle_manifest(render, name):
    check_the_distribution_files(render(**CASES[name]), answers_for(name))


def test_no_unrendered_jinja(case):
    _, root = case
    for path in root.rglob("*"):
        if not path.is_file() or path.name == "justfile":
            # just's own {{ }} interpolation is checked by `just --summary` below.
            continue
        chart = path.relative_to(root).parts[0] == "charts"
        if chart and path.name not in ("Chart.yaml", "values.yaml"):
            # Helm's Go templates and the values schema are copied as they are;
            # helm renders them in tests/kubernetes/test_fast.py.
            continue
        text = text_of(path)
        text = re.sub(r"\$\{\{.*?\}\}", "", text)  # GitHub Actions expressions
        text = re.sub(r"pattern=\{\{\w+\}\}", "", text)  # docker/metadata-action tag patterns
        text = re.sub(r"\{\{ ?(json )?\.[\w.]+ ?\}\}", "", text)  # Go templates (docker inspect)
        for marker in ("{{", "}}", "{%", "%}", "{#", "#}"):
            assert marker not in text, f"{path.relative_to(root)} contains {marker!r}"


def test_structured_files_parse(case):
    name, root = case
    for path in root.rglob("*"):
        if path.suffix == ".toml":
            tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.parent.name == "templates" and path.parent.parent.parent.name == "charts":
            continue  # Go templates of YAML: helm renders them (tests/kubernetes/test_fast.py)
        elif path.suffix in (".yml", ".yaml"):
            yaml.safe_load(path.read_text(encoding="utf-8"))
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    answers = answers_for(name)
    assert project["description"] == answers["project_description"]
    assert project["authors"][0]["name"] == answers["author_name"]


def test_answers_file_records_every_answer(case):
    name, root = case
    recorded = yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert recorded["_src_path"] == str(TEMPLATE_ROOT)
    assert "_commit" in recorded
    for question, value in CASES[name].items():
        assert recorded[question] == value


def test_no_check_is_silenced(case):
    """Zero findings without ignores: AGENTS.md promises it to every contributor."""
    _, root = case
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "noqa" not in text and "type: ignore" not in text, path.relative_to(root)


def test_ruff_is_clean_and_formatting_changes_nothing(case):
    _, root = case
    ruff = tool("ruff")
    run([ruff, "check", "--no-cache", "."], cwd=root)
    run([ruff, "format", "--no-cache", "--check", "."], cwd=root)


@pytest.mark.parametrize("name", [c for c in CASES if answers_for(c)["include_justfile"]])
def test_every_recipe_passes_shellcheck(render, name, tmp_path):
    """Each recipe as just runs it: a line with `sh -cu`, a shebang recipe as its script."""
    assert recipe_findings(render(**CASES[name]), tmp_path) == ""


@pytest.mark.parametrize(
    "case",
    [
        {"project_type": kind, "include_docker": True, "include_kubernetes": True}
        for kind in choices("project_type")
    ],
    ids=lambda case: case["project_type"],
)
def test_just_list_shows_one_whole_sentence_per_recipe(render, case):
    """`just --list` shows the comment line right above a recipe: that line is a
    whole sentence, never the end of one begun on the line before."""
    root = render(**case)
    lines = (root / "justfile").read_text(encoding="utf-8").splitlines()
    dumped = json.loads(run([tool("just"), "--dump", "--dump-format", "json"], cwd=root).stdout)
    for name, recipe in dumped["recipes"].items():
        if recipe["private"]:
            continue
        doc = recipe["doc"]
        assert doc and doc[0].isupper(), f"{name}: {doc!r}"
        above = lines[lines.index(f"# {doc}") - 1]
        assert not above.startswith("#") or above.endswith("."), f"{name}: {above!r} / {doc!r}"


@pytest.mark.parametrize("name", [c for c in CASES if answers_for(c)["include_justfile"]])
def test_justfile_parses_with_expected_recipes(render, name):
    root = render(**CASES[name])
    summary = set(run([tool("just"), "--summary"], cwd=root).stdout.split())
    expected = {"install", "lint", "format", "run", "build", "clean"}
    if answers_for(name)["include_tests"]:
        expected |= {"test", "coverage"}
    if answers_for(name)["serves_http"]:
        expected.add("dev")
    else:
        assert "dev" not in summary, "nothing to serve"
    assert expected <= summary


@pytest.mark.parametrize("project_type", SERVES_HTTP)
def test_just_dev_watches_src_and_runs_the_program(render, project_type):
    """The recipe's command, as `just --dry-run` prints it: scripts/dev.py
    watching src/ and starting the program as `just run` does, in place of
    the recipe's shell, so that signals and the end of `just` reach it
    (test_slow_dev.py sends them)."""
    root = render(project_type=project_type)
    printed = run([tool("just"), "--dry-run", "dev"], cwd=root).stderr.strip()
    command = "exec .venv/bin/python scripts/dev.py src .venv/bin/python -m my_project"
    if project_type == "mcp_server":
        command = 'MCP_TRANSPORT="${MCP_TRANSPORT:-streamable-http}" ' + command
    assert printed == command


@pytest.mark.parametrize("project_type", choices("project_type"))
def test_recipes_pass_each_argument_as_the_user_quoted_it(render, project_type, tmp_path):
    """`just run stats 'my file.txt'` gives the program one file name, and
    `just test -k 'a or b'` gives pytest one expression: stubs of
    .venv/bin/python, docker (DOCKER) and helm print the arguments they got,
    one per line."""
    answers = {"project_type": project_type, "include_docker": True, "include_kubernetes": True}
    root = copy_of(render(**answers), tmp_path)
    stubs = tmp_path / "stubs"
    for stub in [root / ".venv" / "bin" / "python", stubs / "docker", stubs / "helm", stubs / "uv"]:
        executable(stub, '#!/bin/sh\nprintf "%s\\n" "$@"\n')
    env = {**os.environ, "DOCKER": str(stubs / "docker"), "PATH": f"{stubs}:{os.environ['PATH']}"}
    spaced = ["-k", "a or b", "tests/x y.py", "it's"]
    calls = {"test": spaced, "docker-test": spaced}
    if effective(**answers)["image_serves_http"]:
        calls["docker-logs"] = ["--since", "1 hour"]
    if effective(**answers)["entry_module"]:
        calls["run"] = ["stats", "my file.txt", "it's"]
        calls["docker-run latest"] = ["stats", "my file.txt"]
    if effective(**answers)["kubernetes_chart"]:
        calls["k8s-install registry.example.com"] = ["--set", "env.GREETING=a b"]
        calls["k8s-template"] = ["--set", "env.GREETING=a b"]
    for recipe, arguments in calls.items():
        invocation = [tool("just"), *recipe.split(), *arguments]
        printed = run(invocation, cwd=root, env=env).stdout.splitlines()
        assert printed[-len(arguments) :] == arguments, (recipe, printed)


@pytest.mark.parametrize("project_type", SERVES_HTTP)
def test_just_run_and_dev_serve_with_the_settings_in_dotenv(render, project_type, tmp_path):
    """`.env.example` says `just run` and `just dev` read .env: a stub
    .venv/bin/python prints the port variable the program would read."""
    root = copy_of(render(project_type=project_type), tmp_path)
    # The port's variable beside the address's: SERVICE_PORT, MCP_SERVER_PORT.
    variable = effective(project_type=project_type)["host_variable"].removesuffix("HOST") + "PORT"
    assert f"# {variable}=" in (root / ".env.example").read_text(encoding="utf-8")
    (root / ".env").write_text(f"{variable}=9005\n", encoding="utf-8")
    executable(root / ".venv" / "bin" / "python", f'#!/bin/sh\necho "${{{variable}:-unset}}"\n')
    for recipe in ["run", "dev"]:
        assert run([tool("just"), recipe], cwd=root).stdout.strip() == "9005", recipe


# What only an MCP server has: the protocol's name, its registry entry and
# bundle, its tools, the Inspector, and the chart values for its settings file
# and sessions.
MCP_ONLY = re.compile(
    r"(?i)mcp|server\.json|manifest\.json|tools/call|inspector"
    r"|settingsFile|configReload|statelessVariable|allowedHostsVariable"
)


@pytest.mark.parametrize(
    ("project_type", "strategy"),
    [
        (kind, strategy)
        for kind in choices("project_type")
        if kind != "mcp_server"
        for strategy in docker_strategies(kind)
    ],
)
def test_no_mcp_word_file_or_value_in_another_type(render, project_type, strategy):
    """Every toggle on, so that every file a render can have is read."""
    toggles = {
        name: True
        for name, question in QUESTIONS.items()
        if question.get("type") == "bool" and question.get("when") is not False
    }
    root = render(project_type=project_type, docker_strategy=strategy, **toggles)
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if ".git" in relative.parts or not path.is_file():
            continue
        if MCP_ONLY.search(str(relative)):
            found.append(str(relative))
        for number, line in enumerate(text_of(path).splitlines(), 1):
            if MCP_ONLY.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", [c for c in CASES if answers_for(c)["include_github_actions"]])
def test_workflows_are_schema_valid(render, name):
    workflows = sorted((render(**CASES[name]) / ".github" / "workflows").glob("*.yml"))
    assert workflows
    run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
        + [str(w) for w in workflows]
    )


def test_dependabot_configuration_is_schema_valid(render):
    config = render() / ".github" / "dependabot.yml"
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(config)])
    ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(config.read_text())["updates"]}
    assert ecosystems == {"uv", "github-actions"}


@pytest.mark.parametrize("name", [c for c in CASES if answers_for(c)["include_github_actions"]])
def test_zizmor_finds_nothing_in_the_workflows(render, name):
    """Actions pinned to commits, no credentials left by checkout, least privilege,
    a cooldown on Dependabot's updates; the one finding allowed is the one the
    answer asks for (workflows.zizmor_findings_allowed)."""
    root = render(**CASES[name])
    assert not list(root.rglob("zizmor.yml")), "no zizmor configuration, so no ignores"
    findings, status = zizmor_findings(root)
    assert findings == zizmor_findings_allowed(answers_for(name)["pypi_auth_method"])
    assert findings or status == 0


def test_python_version_agrees_everywhere(case):
    """requires-python is the source; where a tool cannot read it, the copy agrees."""
    name, root = case
    version = answers_for(name)["python_version"]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == f">={version}"
    # uv takes this one rather than the newest Python it could download.
    assert (root / ".python-version").read_text(encoding="utf-8") == f"{version}\n"
    assert "target-version" not in pyproject["tool"]["ruff"], "ruff reads requires-python"
    settings = run([tool("ruff"), "check", "--no-cache", "--show-settings", "."], cwd=root)
    assert f"linter.unresolved_target_version = {version}\n" in settings.stdout
    justfile = root / "justfile"
    if justfile.exists():
        assert version not in justfile.read_text(encoding="utf-8"), "uv reads requires-python"
    ci = root / ".github" / "workflows" / "ci.yml"
    if ci.exists():
        # CI tests the minimum and every newer Python the template offers.
        offered = choices("python_version")
        job = yaml.safe_load(ci.read_text(encoding="utf-8"))["jobs"]["check"]
        assert job["strategy"]["matrix"]["python"] == offered[offered.index(version) :]
        lint = next(step for step in job["steps"] if step.get("name") == "Lint")
        assert lint["if"] == f"matrix.python == '{version}'"
    for dockerfile in ("Dockerfile", "Dockerfile.test"):
        if (root / dockerfile).exists():
            text = (root / dockerfile).read_text(encoding="utf-8")
            assert f"ARG PYTHON_VERSION={version}" in text


def test_readme_prerequisites_name_what_the_commands_need(case):
    name, root = case
    answers = answers_for(name)
    section = (root / "README.md").read_text(encoding="utf-8").split("## Prerequisites", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert f"Python {answers['python_version']} or newer" in section
    assert "`pipx install uv`" in section
    assert ("`uv tool install rust-just`" in section) == answers["include_justfile"]
    assert ("Docker 23 or newer" in section) == answers["include_docker"]
    assert ("Compose v2" in section) == answers["image_serves_http"]


def test_post_copy_message_names_only_what_the_project_has(case):
    name, _ = case
    answers = answers_for(name)
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    message = environment.from_string(CONFIG["_message_after_copy"]).render(
        **answers, _copier_conf={"dst_path": "my-project"}
    )
    assert ("just test" in message) == (answers["include_justfile"] and answers["include_tests"])
    install = "just install" if answers["include_justfile"] else "uv sync"
    # The install writes uv.lock, so the first commit comes after it and holds the lock.
    assert message.index(install) < message.index("git add -A") < message.index("git commit")


def test_documented_just_commands_exist_as_recipes(case):
    _, root = case
    docs = [root / name for name in ("README.md", "AGENTS.md", "CONTRIBUTING.md")]
    docs += sorted((root / "docs").glob("*.md"))
    text = "\n".join(doc.read_text(encoding="utf-8") for doc in docs)
    mentioned = set(re.findall(r"(?:^\s*|`)just ([a-z][a-z0-9-]*)", text, flags=re.MULTILINE))
    if not (root / "justfile").exists():
        assert not mentioned, f"docs mention just recipes but there is no justfile: {mentioned}"
        return
    assert mentioned, "the docs mention no just recipe"
    recipes = set(run([tool("just"), "--summary"], cwd=root).stdout.split())
    assert mentioned <= recipes


def test_text_files_pass_the_pre_commit_fixers(case, tmp_path):
    """What a user's first `pre-commit run --all-files` would otherwise rewrite."""
    _, root = case
    root = copy_of(root, tmp_path)
    # The hooks take text files only (pre-commit's `types: [text]`), not the icon.
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and text_of(p))
    config = yaml.safe_load(
        (
            TEMPLATE_ROOT
            / "template"
            / "{% if include_pre_commit %}.pre-commit-config.yaml{% endif %}"
        ).read_text(encoding="utf-8")
    )
    excludes = {
        hook["id"]: hook.get("exclude", "^$") for repo in config["repos"] for hook in repo["hooks"]
    }
    for fixer in ("end-of-file-fixer", "trailing-whitespace-fixer", "check-yaml", "check-toml"):
        kind = {"check-yaml": (".yml", ".yaml"), "check-toml": (".toml",)}.get(fixer)
        hook = fixer.removesuffix("-fixer") if fixer == "trailing-whitespace-fixer" else fixer
        targets = [
            f
            for f in files
            if (kind is None or f.endswith(kind)) and not re.search(excludes[hook], f)
        ]
        run([tool(fixer), *targets], cwd=root)


@pytest.mark.parametrize("license_name", choices("license"))
def test_license_text_matches_answer(render, license_name):
    root = render(license=license_name, author_name="Ada Lovelace", copyright_year="2031")
    text = (root / "LICENSE").read_text(encoding="utf-8")
    marker = {
        "MIT": "MIT License",
        "Apache-2.0": "Apache License",
        "GPL-3.0": "GNU GENERAL PUBLIC LICENSE",
        "BSD-3-Clause": "BSD 3-Clause License",
        "Proprietary": "All rights reserved",
    }[license_name]
    assert marker in text
    if license_name not in ("Apache-2.0", "GPL-3.0"):
        assert "2031" in text and "Ada Lovelace" in text
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license-files"] == ["LICENSE"]
    spdx = pyproject["project"]["license"]
    assert spdx.startswith(license_name.split("-")[0]) or spdx == "LicenseRef-Proprietary"


def test_rendering_twice_gives_identical_files(tmp_path):
    trees = []
    for name in ("first", "second"):
        root = copy_plainly(tmp_path / name, {"include_docker": True})
        trees.append({p: (root / p).read_bytes() for p in sorted(project_files(root))})
    dirty = run(["git", "status", "--porcelain"], cwd=TEMPLATE_ROOT).stdout.strip()
    if dirty:
        # Copier copies a dirty template through a throwaway commit of its own.
        for tree in trees:
            answers = tree[".copier-answers.yml"].decode()
            tree[".copier-answers.yml"] = re.sub(r"(?m)^_commit: .*$", "", answers).encode()
    assert trees[0] == trees[1]


def test_plain_copy_needs_no_trust(tmp_path):
    """The newcomer's command: `copier copy --defaults` without --trust."""
    check_answer_keys({})
    copy_plainly(tmp_path / "project")
    assert (tmp_path / "project" / "src" / "my_project" / "server.py").is_file()
    answers = yaml.safe_load((tmp_path / "project" / ".copier-answers.yml").read_text())
    assert answers["project_type"] == "mcp_server"


def test_inspector_recipes_run_the_pinned_inspector_on_the_server(render):
    root = render()
    inspector = answers_for("defaults")["mcp_inspector"]
    server = ".venv/bin/python -m my_project"
    for invocation, expected in [
        (["inspect"], f"npx --yes {inspector} --web {server}"),
        # The arguments follow as "$@" (test_recipes_pass_each_argument_as_the_user_quoted_it).
        (
            ["inspect-cli", "--method", "tools/list"],
            f'npx --yes {inspector} --cli --connect-timeout 60000 {server} "$@"',
        ),
    ]:
        result = run([tool("just"), "--dry-run", *invocation], cwd=root)
        assert result.stderr.strip() == expected


def test_every_type_enforces_the_threshold_with_the_same_recipe_and_ci_step(render):
    """The slow tier proves on one project type that `just coverage` and CI's Test
    step fail under pyproject.toml's threshold (test_slow.py's THRESHOLD_CASE);
    every type runs the same recipe and step, and holds the threshold there."""
    enforced = set()
    for kind in choices("project_type"):
        root = render(project_type=kind)
        recipe = run([tool("just"), "--show", "coverage"], cwd=root).stdout
        step = step_runs(root, "ci.yml", "check")["Test"]
        pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        threshold = QUESTIONS["test_coverage_threshold"]["default"]
        assert pyproject["tool"]["coverage"]["report"]["fail_under"] == threshold
        enforced.add((recipe, step))
    assert len(enforced) == 1, enforced


@pytest.mark.parametrize(
    ("project_type", "install"),
    [
        ("library", "pip install my-project"),
        ("cli_tool", "uv tool install my-project"),
        ("cli_tool", "pipx install my-project"),
    ],
)
def test_a_package_readme_opens_with_how_users_install_it(render, project_type, install):
    """The README is the PyPI page: its users' install line comes before the
    contributors' sections."""
    readme = (render(project_type=project_type) / "README.md").read_text(encoding="utf-8")
    assert install in readme
    assert readme.index(install) < readme.index("## Prerequisites")


@pytest.mark.parametrize(
    "answers", [{}, {"include_examples": False}], ids=["examples", "no-examples"]
)
def test_the_readme_names_what_is_there(render, answers):
    readme = (render(**answers) / "README.md").read_text(encoding="utf-8")
    assert "src/my_project/tools.py" in readme
    assert ("include_examples=false" in readme) == (answers == {})
    assert ("--tool-name count" in readme) == (answers == {})
