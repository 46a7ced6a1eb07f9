"""Fast tier: what a version tag starts in a generated project, read from the
rendered workflows. The release workflow's jobs follow the pypi_auth_method
answer; each job holds only the permissions its steps use; the image is
scanned by trivy.yaml's policy before a tag pushes it, with attestations.
zizmor and the schemas run on every case in tests/project/test_fast.py; the
check step itself runs in tests/release/test_fast.py."""

from __future__ import annotations

import os
import re

import pytest
import yaml
from commands import run, tool
from questions import choices
from workflows import RELEASE_CHECK, load_workflow

METHODS = choices("pypi_auth_method")
# Every permission a job may be granted beyond reading the code, and why.
WRITES = {
    ("release.yml", "dist"): {"id-token", "attestations"},  # sign the build provenance
    ("release.yml", "pypi"): {"id-token"},  # trusted publishing only
    ("release.yml", "github"): {"contents"},  # create the release
    ("release.yml", "docs"): {"contents"},  # commit the site's version to gh-pages
    ("docker.yml", "image"): {"security-events"},  # upload the scan's SARIF
    ("docker.yml", "push"): {"packages"},  # push to ghcr.io
    ("codeql.yml", "analyze"): {"security-events"},  # upload CodeQL's results
    ("release.yml", "registry"): {"id-token"},  # log in to the MCP Registry
    ("template-update.yml", "update"): {"contents", "pull-requests"},  # its branch and PR
}
# Read scopes a job may hold besides the code.
READS = {
    ("codeql.yml", "analyze"): {"actions"},
    ("release.yml", "registry"): {"actions"},  # wait for the Docker workflow's push
}


def granted(permissions, level: str) -> set[str]:
    if permissions in ({}, None):
        return set()
    return {scope for scope, value in permissions.items() if value == level}


@pytest.mark.parametrize(
    "answers",
    [{"pypi_auth_method": m} for m in METHODS] + [{"include_docker": True}],
    ids=lambda a: "-".join(f"{k}={v}" for k, v in a.items()),
)
def test_every_job_has_only_the_permissions_it_uses(render, answers):
    root = render(**answers)
    for path in sorted((root / ".github" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert workflow["permissions"] in ({}, {"contents": "read"}), path.name
        for name, job in workflow["jobs"].items():
            permissions = job.get("permissions", workflow["permissions"])
            writes = granted(permissions, "write")
            assert writes <= WRITES.get((path.name, name), set()), (path.name, name, writes)
            reads = granted(permissions, "read") - {"contents"}
            assert reads <= READS.get((path.name, name), set()), (path.name, name, reads)


@pytest.mark.parametrize("method", METHODS)
def test_release_jobs_follow_the_pypi_answer(render, method):
    release = load_workflow(render(pypi_auth_method=method), "release.yml")
    assert release[True] == {"push": {"tags": ["v*.*.*"]}}  # YAML reads `on` as True
    jobs = release["jobs"]
    published = method != "none"
    # An MCP server (the default) also packs its bundle and, where PyPI has
    # the release, publishes its registry entry after it; the documentation
    # site (on by default) is published after the GitHub release.
    expected = {"check", "dist", "bundle", "github", "docs"}
    assert set(jobs) == expected | ({"pypi", "registry"} if published else set())
    assert jobs["dist"]["needs"] == jobs["bundle"]["needs"] == "check"
    before_github = {"check", "dist", "bundle"} | ({"pypi"} if published else set())
    assert set(jobs["github"]["needs"]) == before_github
    assert set(jobs["docs"]["needs"]) == {"check", "github"}
    if not published:
        return
    assert set(jobs["registry"]["needs"]) == {"pypi", "github"}
    pypi = jobs["pypi"]
    assert pypi["needs"] == "dist"
    assert pypi["environment"]["name"] == "pypi"
    publish = next(step for step in pypi["steps"] if step.get("name") == "Publish to PyPI")
    if method == "trusted":
        assert pypi["permissions"] == {"id-token": "write"}
        assert publish["run"] == "uv publish --trusted-publishing always dist/*.whl dist/*.tar.gz"
        assert "env" not in publish, "trusted publishing needs no stored secret"
    else:
        assert pypi["permissions"] == {}
        assert publish["env"] == {"UV_PUBLISH_TOKEN": "${{ secrets.PYPI_API_TOKEN }}"}
        assert publish["run"] == "uv publish dist/*.whl dist/*.tar.gz"


@pytest.mark.parametrize(
    "project_type", [kind for kind in choices("project_type") if kind != "mcp_server"]
)
def test_only_an_mcp_server_has_a_bundle_and_a_registry_entry(render, project_type):
    jobs = load_workflow(render(project_type=project_type), "release.yml")["jobs"]
    assert set(jobs) == {"check", "dist", "pypi", "github", "docs"}


def test_the_registry_job_runs_a_pinned_publisher_it_has_checked(render):
    """The publisher is downloaded at the pinned release and run only once its
    SHA-256 matches; with the image, the job waits for the Docker workflow."""
    for answers, waits in (({}, False), ({"include_docker": True}, True)):
        job = load_workflow(render(**answers), "release.yml")["jobs"]["registry"]
        assert job["permissions"] == (
            {"contents": "read", "id-token": "write"} | ({"actions": "read"} if waits else {})
        )
        assert re.fullmatch(r"1[.]([7-9]|[1-9][0-9])[.][0-9]+", job["env"]["MCP_PUBLISHER_VERSION"])
        assert re.fullmatch(r"[0-9a-f]{64}", job["env"]["MCP_PUBLISHER_SHA256"])
        runs = [step.get("run", "") for step in job["steps"]]
        install = next(i for i, body in enumerate(runs) if "mcp-publisher.tar.gz" in body)
        check = runs[install].index("sha256sum --check")
        assert check < runs[install].index("tar -xzf"), "unpacked only once checked"
        assert runs[-1].splitlines() == [
            "./mcp-publisher login github-oidc",
            "./mcp-publisher publish",
        ]
        assert any("docker.yml" in body for body in runs) == waits


def test_a_proprietary_project_does_not_publish_by_default(render):
    release = load_workflow(render(license="Proprietary"), "release.yml")
    assert "pypi" not in release["jobs"]


def test_the_image_is_scanned_then_pushed_with_attestations_on_a_checked_tag(render):
    root = render(include_docker=True)
    docker = load_workflow(root, "docker.yml")
    assert docker[True]["push"]["tags"] == ["v*.*.*"]
    assert "schedule" in docker[True], "a weekly rebuild notices fixes without a commit"
    image, push = docker["jobs"]["image"], docker["jobs"]["push"]
    scan = next(s for s in image["steps"] if s.get("uses", "").startswith("aquasecurity/"))
    assert scan["with"]["trivy-config"] == "trivy.yaml"
    policy = yaml.safe_load((root / "trivy.yaml").read_text(encoding="utf-8"))
    assert policy["severity"] == ["HIGH", "CRITICAL"]
    assert policy["exit-code"] == 1
    assert policy["vulnerability"]["ignore-unfixed"] is True
    assert push["needs"] == "image" and push["if"] == "startsWith(github.ref, 'refs/tags/v')"
    names = [step.get("name") for step in push["steps"]]
    build = push["steps"][-1]["with"]
    assert names.index(RELEASE_CHECK) < len(names) - 1, "the tag is checked before the push"
    assert build["push"] is True and build["platforms"] == "linux/amd64,linux/arm64"
    assert build["sbom"] is True and build["provenance"] == "mode=max"


def test_the_scan_recipe_says_in_one_line_that_the_scanner_is_missing(render, tmp_path):
    root = render(include_docker=True)
    bare = tmp_path / "bin"
    bare.mkdir()
    for command in ("sh", "env"):
        (bare / command).symlink_to(f"/bin/{command}")
    env = {**os.environ, "PATH": str(bare)}
    result = run([tool("just"), "docker-scan"], cwd=root, env=env, check=False)
    assert result.returncode == 127
    assert result.stderr.splitlines()[0] == (
        "docker-scan: trivy is not installed (https://trivy.dev); "
        "the Docker workflow runs the same scan"
    )
