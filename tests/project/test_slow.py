"""Slow tier: each project type installs and passes its own gates.

Each type is installed once by following its docs (conftest's `installed`:
`just install`, `just lint`, `just coverage` run there); this checks what
they printed, then runs `just build` and a release, and that pyproject.toml
alone sets the coverage threshold that `just coverage` and the CI workflow
enforce.
"""

from __future__ import annotations

import json
import os
import re
import tarfile
import tomllib
from pathlib import Path

import pytest
from commands import copy_of, project_env, python_dir, run, tool
from docs_site import REFERENCE, reference_anchors
from documented import MCP_INSTALL, install_group
from edits import (
    RELEASE_NOTE,
    coverage_verdict,
    raise_threshold_above_reach,
    total_coverage,
    write_release_notes,
)
from example_server import TOOLS, stdio_tool_names
from markdown import command_lines
from questions import choices, newer_pythons
from template_repo import GIT_IDENTITY, git
from workflows import RELEASE_CHECK, load_workflow, step_runs

PROJECT_TYPES = choices("project_type")


def readme_client_configs(root: Path) -> list[dict]:
    """The stdio entries of the README's MCP client configurations, with this
    project's absolute path where the README says to put it."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Connecting an MCP client", 1)[1].split("\n#", 1)[0]
    blocks = re.findall(r"```json\n(.+?)\n```", section, flags=re.S)
    assert len(blocks) == 2, "Claude Desktop/Cursor and VS Code"
    entries = []
    for block in blocks:
        slug = tomllib.loads((root / "pyproject.toml").read_text())["project"]["name"]
        config = json.loads(block.replace(f"/absolute/path/to/{slug}", str(root)))
        servers = config.get("mcpServers") or config["servers"]
        entries += list(servers.values())
    return entries


# The threshold is read from pyproject.toml by the same `coverage` recipe and
# CI "Test" step in every project type (tests/project/test_fast.py holds them
# equal), so one type with a quick suite shows that both enforce it.
THRESHOLD_CASE = "library"


# The answers each type is installed with (the MCP server's install is shared).
INSTALLS = {kind: {"project_type": kind} for kind in PROJECT_TYPES} | {"mcp_server": MCP_INSTALL}


@pytest.mark.parametrize(
    "project_type",
    [pytest.param(kind, marks=install_group(**INSTALLS[kind])) for kind in PROJECT_TYPES],
)
def test_project_installs_and_passes_its_own_gates(installed, project_type, tmp_path_factory):
    """The install its docs did (`just install`, `just lint`, `just coverage` ran
    there), then the build and a release, as the README and docs/releasing.md say."""
    project = installed(**INSTALLS[project_type])
    root, env = project.root, project.env
    just = tool("just")
    assert (root / ".git" / "hooks" / "pre-commit").is_file(), "just install set no git hook"
    if project_type == "mcp_server":
        for config in readme_client_configs(root):
            assert stdio_tool_names(config["command"], *config.get("args", [])) == TOOLS
    assert ran_output(project, "just lint") is not None
    tests = ran_output(project, "just coverage")
    assert tests is not None and " passed" in tests
    assert coverage_verdict(tests) == "85% reached"
    # Every line a new project has is tested, so any threshold copier.yml takes passes.
    assert total_coverage(tests) == "100%"
    # The documentation site, built strictly by the README's `just docs-build`.
    assert ran_output(project, "just docs-build") is not None
    reference = (root / "site" / "reference" / "index.html").read_text(encoding="utf-8")
    assert set(REFERENCE[project_type]) <= reference_anchors(reference)
    run([just, "build"], cwd=root, env=env)
    assert list((root / "dist").glob("*.whl")), "just build made no wheel"
    # The pre-commit hooks run the project's locked tools: offline, on every file.
    run([str(root / ".venv" / "bin" / "pre-commit"), "run", "--all-files"], cwd=root, env=env)
    # A release re-locks (uv.lock records the project's version): CI's install still passes.
    # Its commit goes through the hooks `just install` set.
    committer = {**env, **GIT_IDENTITY}
    write_release_notes(root)
    run(["git", "add", "-A"], cwd=root, env=committer)
    run(["git", "commit", "-qm", "Release notes"], cwd=root, env=committer)
    run([just, "release", "0.2.0"], cwd=root, env=committer)
    run(["bash", "-c", ci_steps(root)["Install exactly what uv.lock pins"]], cwd=root, env=env)
    assert git("describe", "--tags", cwd=root).strip() == "v0.2.0"
    # The release workflow's own steps accept the tag and build its distributions.
    release = step_runs(root, "release.yml", "check") | step_runs(root, "release.yml", "dist")
    run(["bash", "-c", release[RELEASE_CHECK]], cwd=root, env={**env, "TAG": "v0.2.0"})
    assert (root / "release-notes.md").read_text() == RELEASE_NOTE
    run(["bash", "-c", "rm -rf dist && " + release["Build the sdist and wheel"]], cwd=root, env=env)
    assert sorted(p.name for p in (root / "dist").glob("my_project-*")) == [
        "my_project-0.2.0-py3-none-any.whl",
        "my_project-0.2.0.tar.gz",
    ]
    with tarfile.open(root / "dist" / "my_project-0.2.0.tar.gz") as sdist:
        packed = {Path(*Path(name).parts[1:]) for name in sdist.getnames()}
    tests = {path.relative_to(root) for path in (root / "tests").rglob("*.py")}
    assert tests and tests <= packed, "the sdist lacks the tests"
    if project_type != THRESHOLD_CASE:
        return
    # The quickest site to build.
    check_the_docs_job_publishes_the_version(root, env, tmp_path_factory.mktemp("pages"))
    raise_threshold_above_reach(root, "my_project")
    refused = run([just, "coverage"], cwd=root, env=env, timeout=600, check=False)
    assert refused.returncode != 0
    assert coverage_verdict(refused.stdout) == "100% not reached"
    env = {**env, "PATH": f"{root / '.venv' / 'bin'}:{env['PATH']}"}
    in_ci = run(["bash", "-c", ci_steps(root)["Test"]], cwd=root, env=env, check=False)
    assert in_ci.returncode != 0, "CI does not read the threshold from pyproject.toml"
    assert coverage_verdict(in_ci.stdout) == "100% not reached"


def check_the_docs_job_publishes_the_version(root: Path, env: dict[str, str], work: Path) -> None:
    """release.yml's docs step, run as the runner would for two releases (each
    in a fresh clone's state: no local gh-pages branch), against a bare
    repository standing in for GitHub (git's insteadOf): the gh-pages branch
    keeps each version's site, `latest` is the newest, and mike lists both."""
    pages = work / "pages.git"
    git("init", "-q", "--bare", str(pages), cwd=work)
    token, repository = "a-token", "acme/my-project"
    config = work / "gitconfig"
    remote = f"https://x-access-token:{token}@github.com/{repository}.git"
    config.write_text(f'[url "{pages.as_uri()}"]\n\tinsteadOf = {remote}\n', encoding="utf-8")
    runner = {**env, "GH_TOKEN": token, "GITHUB_REPOSITORY": repository}
    runner["GIT_CONFIG_GLOBAL"] = str(config)
    publish = step_runs(root, "release.yml", "docs")["Publish this version of the site as latest"]
    for tag in ("v0.2.0", "v0.3.0"):
        try:
            run(["bash", "-c", publish], cwd=root, env={**runner, "TAG": tag}, timeout=600)
        finally:
            git("remote", "remove", "pages", cwd=root)
            git("branch", "-D", "gh-pages", cwd=root)
    published = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=pages).split())
    assert {"0.2.0/index.html", "0.3.0/index.html", "latest/index.html"} <= published
    versions = json.loads(git("show", "gh-pages:versions.json", cwd=pages))
    assert [(v["version"], v["aliases"]) for v in versions] == [
        ("0.3.0", ["latest"]),
        ("0.2.0", []),
    ]


def ran_output(project, command: str) -> str | None:
    """What the docs' block running `command` printed (None if no block ran it)."""
    for ran in project.ran:
        if command in command_lines(ran.body):
            return ran.stdout
    return None


def ci_steps(root: Path) -> dict[str, str]:
    return step_runs(root, "ci.yml", "check")


OLDEST = choices("python_version")[0]


def locked_on_the_oldest_python(render, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A project on the oldest Python the template offers, locked, and an
    environment in which uv finds every Python of CI's matrix that this
    machine has (the newer ones run in their images: test_docker_pythons.py)."""
    # The examples' tests add nothing to what the steps prove: left out, for time.
    root = copy_of(render(python_version=OLDEST, include_examples=False), tmp_path)
    matrix = load_workflow(root, "ci.yml")["jobs"]["check"]["strategy"]["matrix"]["python"]
    assert matrix == choices("python_version")
    on_this_machine = [v for v in matrix if v not in newer_pythons()]
    env = project_env(OLDEST)
    env["PATH"] = os.pathsep.join([*(str(python_dir(v)) for v in on_this_machine), env["PATH"]])
    run([tool("uv"), "lock"], cwd=root, env=env, timeout=300)
    return root, env


# The newest Python of the matrix is the one every other install here runs on;
# the oldest is its other end, where requires-python and the lock's markers
# bite. The versions between add time, not a case.
@pytest.mark.xdist_group("ci-matrix-oldest")
def test_ci_installs_from_the_lock_and_passes_on_the_oldest_python_of_its_matrix(render, tmp_path):
    """CI's own steps on its oldest Python (setup-uv's python-version sets UV_PYTHON)."""
    root, env = locked_on_the_oldest_python(render, tmp_path)
    steps = ci_steps(root)
    step_env = {**env, "UV_PYTHON": OLDEST}
    install = steps["Install exactly what uv.lock pins"]
    run(["bash", "-c", install], cwd=root, env=step_env, timeout=600)
    ran = run(
        ["bash", "-c", "\n".join([".venv/bin/python --version", steps["Test"]])],
        cwd=root,
        env=step_env,
        timeout=600,
    )
    assert ran.stdout.startswith(f"Python {OLDEST}."), ran.stdout
    assert coverage_verdict(ran.stdout) == "85% reached"
    # Without the examples too, every line is tested (CI's step writes no TOTAL row).
    assert "Total coverage: 100.00%" in ran.stdout


def test_a_lock_behind_pyproject_stops_cis_install_with_uvs_message(render, tmp_path):
    root, env = locked_on_the_oldest_python(render, tmp_path)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"mcp>=2.3,<3",', '"mcp>=2.3,<3",\n    "packaging>=24",'))
    install = ci_steps(root)["Install exactly what uv.lock pins"]
    stale = run(["bash", "-c", install], cwd=root, env=env, check=False)
    assert stale.returncode != 0
    # uv wraps its message at 80 columns when it writes to a pipe.
    message = " ".join(stale.stderr.split())
    assert "needs to be updated, but `--locked` was provided" in message, stale.stderr
