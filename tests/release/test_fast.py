"""A generated project's `just release X.Y.Z`, in a scratch git repository:
it sets the version, heads the CHANGELOG's unreleased changes with it,
commits and tags; it refuses, in one line, what would make a bad release.
The release workflow's own check step (and the one before the Docker
workflow's push) accepts the tag it makes, and no other."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from commands import copy_of, executable, run, tool, tool_env
from distribution import REGISTRY_SCHEMA
from edits import RELEASE_NOTE, write_release_notes
from template_repo import GIT_IDENTITY, commit, git
from workflows import RELEASE_CHECK, step_runs


@pytest.fixture
def project(render, tmp_path):
    root = copy_of(render(include_docker=True, include_kubernetes=True), tmp_path)
    write_release_notes(root)
    git("init", "-q", "-b", "main", cwd=root)
    commit(root, "Start from chora-base")
    return root


def release(root, version: str):
    return run(
        [tool("just"), "release", version], cwd=root, env=tool_env(**GIT_IDENTITY), check=False
    )


def test_release_sets_the_version_moves_the_notes_commits_and_tags(project):
    result = release(project, "0.2.0")
    assert result.returncode == 0, result.stderr
    assert 'version = "0.2.0"' in (project / "pyproject.toml").read_text()
    changelog = (project / "CHANGELOG.md").read_text()
    section = re.search(
        r"## \[0\.2\.0\] - \d{4}-\d{2}-\d{2}\n\n(.*?)\n## \[0\.1\.0\]", changelog, re.S
    )
    assert section and section[1] == RELEASE_NOTE, "the unreleased notes belong to 0.2.0 now"
    assert changelog.index("## [Unreleased]") < changelog.index("## [0.2.0]")
    assert git("log", "-1", "--format=%s", cwd=project).strip() == "Release 0.2.0"
    assert 'appVersion: "0.2.0"' in (project / "charts" / "my-project" / "Chart.yaml").read_text()
    assert versions_in_the_distribution_files(project) == {
        "server.json": "0.2.0",
        "pypi": "0.2.0",
        "oci": "ghcr.io/your-username/my-project:0.2.0",
        "manifest.json": "0.2.0",
    }
    assert git("cat-file", "-t", "v0.2.0", cwd=project).strip() == "tag"
    assert git("status", "--porcelain", cwd=project).strip() == ""


@pytest.mark.parametrize(
    ("version", "setup", "message"),
    [
        ("1.2", None, "VERSION must be X.Y.Z (got '1.2')"),
        ("0.1.0", None, "VERSION must be greater than 0.1.0"),
        ("0.0.9", None, "VERSION must be greater than 0.1.0"),
        ("0.2.0", "dirty", "the work tree has uncommitted changes"),
        ("0.2.0", "tagged", "tag v0.2.0 exists already"),
        ("0.2.0", "no notes", "CHANGELOG.md has nothing under '## [Unreleased]'"),
    ],
)
def test_release_refuses_with_one_line(project, version, setup, message):
    if setup == "dirty":
        (project / "README.md").write_text("edited\n")
    if setup == "tagged":
        git("tag", "v0.2.0", cwd=project)
    if setup == "no notes":
        changelog = project / "CHANGELOG.md"
        changelog.write_text(changelog.read_text().replace(RELEASE_NOTE, ""))
        commit(project, "No notes")
    before = git("rev-parse", "HEAD", cwd=project)
    result = release(project, version)
    assert result.returncode != 0
    # just adds its own "recipe failed" line after the one the recipe prints.
    assert result.stderr.splitlines()[0].startswith(f"release: {message}"), result.stderr
    assert git("rev-parse", "HEAD", cwd=project) == before, "nothing committed"


# pre-commit hooks that stop a commit: one that fails, one that rewrites a
# file it was given (as the whitespace fixers do) and so fails too.
STOPPING_HOOKS = {
    "fails": 'echo "check-yaml: could not parse" >&2\nexit 1\n',
    "rewrites": (
        "printf ' \\n' >> CHANGELOG.md\n"
        'echo "trailing-whitespace: files were modified by this hook"\nexit 1\n'
    ),
}


@pytest.mark.parametrize("hook", list(STOPPING_HOOKS))
def test_a_commit_that_a_hook_stops_leaves_the_tree_as_it_was(project, hook):
    executable(project / ".git" / "hooks" / "pre-commit", "#!/bin/sh\n" + STOPPING_HOOKS[hook])
    before = git("rev-parse", "HEAD", cwd=project)
    result = release(project, "0.2.0")
    assert result.returncode != 0
    said = result.stderr.splitlines()[0]
    assert said.startswith("release: git commit failed (exit 1): "), result.stderr
    assert said.endswith("; nothing changed, nothing was released"), said
    assert "Traceback" not in result.stderr
    assert git("status", "--porcelain", cwd=project) == "", "a file was left changed or staged"
    assert git("rev-parse", "HEAD", cwd=project) == before
    assert git("tag", "--list", cwd=project) == ""


def versions_in_the_distribution_files(root) -> dict[str, str]:
    entry = json.loads((root / "server.json").read_text())
    found = {"server.json": entry["version"]}
    for package in entry["packages"]:
        kind = package["registryType"]
        found[kind] = package["identifier"] if kind == "oci" else package["version"]
    found["manifest.json"] = json.loads((root / "manifest.json").read_text())["version"]
    return found


def check_steps(root):
    """The check step of the release workflow and the one before the image push."""
    return [
        step_runs(root, "release.yml", "check")[RELEASE_CHECK],
        step_runs(root, "docker.yml", "push")[RELEASE_CHECK],
    ]


def run_step(root, command: str, tag: str):
    return run(["bash", "-e", "-c", command], cwd=root, env=tool_env(TAG=tag), check=False)


def test_the_workflows_accept_the_tag_a_release_makes(project):
    assert release(project, "0.2.0").returncode == 0
    for command in check_steps(project):
        result = run_step(project, command, "v0.2.0")
        assert result.returncode == 0, result.stderr
    assert (project / "release-notes.md").read_text() == RELEASE_NOTE, "the GitHub release's notes"


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("v0.3.0", "tag 'v0.3.0' does not match pyproject.toml's version 0.2.0"),
        ("0.2.0", "tag '0.2.0' does not match pyproject.toml's version 0.2.0"),
    ],
)
def test_the_workflows_refuse_another_tag(project, tag, message):
    assert release(project, "0.2.0").returncode == 0
    for command in check_steps(project):
        result = run_step(project, command, tag)
        assert result.returncode != 0
        assert result.stderr.strip() == f"release: {message} (v0.2.0)"


def test_the_workflows_refuse_a_version_without_notes(project):
    """A tag pushed by hand, on a version the CHANGELOG does not describe."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.3.0"'))
    for command in check_steps(project):
        result = run_step(project, command, "v0.3.0")
        assert result.returncode != 0
        assert result.stderr.strip() == "release: CHANGELOG.md has no '## [0.3.0]' section"


def test_the_workflows_refuse_a_chart_that_deploys_another_version(project):
    assert release(project, "0.2.0").returncode == 0
    chart = project / "charts" / "my-project" / "Chart.yaml"
    chart.write_text(chart.read_text().replace('appVersion: "0.2.0"', 'appVersion: "0.1.0"'))
    for command in check_steps(project):
        result = run_step(project, command, "v0.2.0")
        assert result.returncode != 0
        assert (
            result.stderr.strip()
            == "release: charts/my-project/Chart.yaml's appVersion is not 0.2.0"
        )


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        (
            "server.json",
            ('"version": "0.2.0",\n  "repository"', '"version": "0.1.0",\n  "repository"'),
            "server.json's version is '0.1.0'",
        ),
        (
            "server.json",
            (
                '"version": "0.2.0",\n      "runtimeHint"',
                '"version": "0.1.0",\n      "runtimeHint"',
            ),
            "server.json's pypi package is '0.1.0'",
        ),
        (
            "server.json",
            ("my-project:0.2.0", "my-project:latest"),
            "server.json's image is 'ghcr.io/your-username/my-project:latest'",
        ),
        (
            "manifest.json",
            ('"version": "0.2.0"', '"version": "0.1.0"'),
            "manifest.json's version is '0.1.0'",
        ),
    ],
)
def test_the_workflows_refuse_a_registry_entry_or_bundle_of_another_version(
    project, name, edit, message
):
    assert release(project, "0.2.0").returncode == 0
    path = project / name
    assert path.read_text().count(edit[0]) == 1
    path.write_text(path.read_text().replace(*edit))
    for command in check_steps(project):
        result = run_step(project, command, "v0.2.0")
        assert result.returncode != 0
        assert result.stderr.strip() == f"release: {message}: not 0.2.0, pyproject.toml's version"


REGISTRY_STEP = "Add the bundle, as the GitHub release holds it, to server.json"


def test_the_registry_job_lists_the_bundle_with_its_checksum(project):
    """The registry job's step, run here as the runner would: server.json then
    lists the bundle the GitHub release holds, and stays valid."""
    assert release(project, "0.2.0").returncode == 0
    bundle = project / "dist" / "my-project-0.2.0.mcpb"
    bundle.parent.mkdir()
    bundle.write_bytes(b"a bundle's bytes")
    command = step_runs(project, "release.yml", "registry")[REGISTRY_STEP]
    result = run_step(project, command, "v0.2.0")
    assert result.returncode == 0, result.stderr
    entry = json.loads((project / "server.json").read_text())
    assert entry["packages"][-1] == {
        "registryType": "mcpb",
        "identifier": (
            "https://github.com/your-username/my-project/releases/download/v0.2.0/"
            "my-project-0.2.0.mcpb"
        ),
        "fileSha256": hashlib.sha256(b"a bundle's bytes").hexdigest(),
        "transport": {"type": "stdio"},
    }
    assert [package["registryType"] for package in entry["packages"]] == ["pypi", "oci", "mcpb"]
    run(
        [tool("check-jsonschema"), "--schemafile", str(REGISTRY_SCHEMA), "server.json"], cwd=project
    )
    again = run_step(project, command, "v0.2.0")
    assert again.returncode == 0 and json.loads((project / "server.json").read_text()) == entry


def test_the_registry_step_refuses_a_missing_bundle_in_one_line(project):
    assert release(project, "0.2.0").returncode == 0
    command = step_runs(project, "release.yml", "registry")[REGISTRY_STEP]
    before = (project / "server.json").read_text()
    result = run_step(project, command, "v0.2.0")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "release: cannot read the bundle dist/my-project-0.2.0.mcpb: No such file or directory"
    )
    assert (project / "server.json").read_text() == before
