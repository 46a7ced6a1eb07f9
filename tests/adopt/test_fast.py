"""python -m adopt migrates projects of the public chora-base release, run
as a user runs it: from a plain clone of this repository (no tags, nothing
else), with the copier CLI for the update that follows."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml
from commands import TEMPLATE_ROOT, run, tool, tool_env
from edits import conflicted, resolve_taking_the_template
from markdown import bash_block_after, command_lines
from public_projects import USER_EDITS, adopt, make_user_edits, public_project
from questions import choices
from releases import CURRENT, PUBLIC
from template_repo import GIT_IDENTITY, commit, git

from adopt.answers import for_this_template, read_answers

PROJECT_TYPES = choices("project_type")


def test_the_fixture_is_broken_where_the_public_release_was(tmp_path):
    root = public_project(tmp_path / "legacy-mcp", "mcp_server")
    assert run([tool("just"), "--summary"], cwd=root, check=False).returncode != 0
    (root / ".env").touch()
    assert run([tool("docker-compose"), "config", "-q"], cwd=root, check=False).returncode != 0


@pytest.mark.parametrize("project_type", PROJECT_TYPES)
def test_answers_are_read_from_a_public_project(tmp_path, project_type):
    name = "legacy-" + project_type.replace("_", "-")
    answers = read_answers(public_project(tmp_path / name, project_type))
    assert answers == {
        "project_name": name,
        "package_name": name.replace("-", "_"),
        "project_description": "A Python project built with chora-base template",
        "project_version": "0.3.0",
        "author_name": "Grace Hopper",
        "author_email": "grace@example.org",
        "github_username": "acme",
        "python_version": "3.11",
        "project_type": project_type,
        "license": "MIT",
        "include_tests": False,
        "include_pre_commit": True,
        "include_github_actions": True,
        "include_justfile": True,
        "include_docker": True,
        "docker_strategy": "production",
        "test_coverage_threshold": 85,
    }


def test_a_library_with_tests_keeps_its_own_production_dockerfile(clone, tmp_path):
    """The public release gave a library a production image; this template gives
    it the test image alone. Its Dockerfile and compose file are left as they are."""
    root = public_project(tmp_path / "legacy-library", "library")
    (root / "tests").mkdir()
    (root / "tests" / "test_import.py").write_text("import legacy_library\n")
    commit(root, "Tests")
    fitted = for_this_template(read_answers(root))
    assert fitted["include_docker"] and "docker_strategy" not in fitted
    assert not for_this_template(read_answers(root) | {"include_tests": False})["include_docker"]
    before = {name: (root / name).read_bytes() for name in ("Dockerfile", "docker-compose.yml")}
    migrated = adopt(clone, root, "--defaults")
    assert migrated.returncode == 0, migrated.stderr
    for name, text in before.items():
        assert (root / name).read_bytes() == text, name
    left = re.search(r"(?m)^  left \(.*?\): (.*)$", migrated.stdout)[1]
    assert "Dockerfile" in left.split(", ") and "docker-compose.yml" in left.split(", ")
    assert (root / "Dockerfile.test").is_file()


def test_dry_run_prints_the_plan_and_writes_nothing(clone, tmp_path):
    root = public_project(tmp_path / "legacy-mcp", "mcp_server")
    make_user_edits(root)
    # Runtime data the v1.9.0 compose file bind-mounts, which the project ignores.
    with (root / ".gitignore").open("a") as gitignore:
        gitignore.write("n8n_data/\n")
    commit(root, "ignore n8n data")
    (root / "n8n_data").mkdir()
    (root / "n8n_data" / "database.sqlite").write_text("runtime data\n")
    result = adopt(clone, root, "--defaults", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("adopt: legacy-mcp (mcp_server) -- dry run, nothing written")
    assert re.search(
        r"(?m)^  merge +Dockerfile  \(base as your first commit has it; ", result.stdout
    )
    assert re.search(r"(?m)^  add +docs/docker\.md$", result.stdout)
    assert "conflicts expected in: " in result.stdout
    assert "scripts/setup.sh" in re.search(r"(?m)^  left .*$", result.stdout)[0]
    assert "n8n_data" not in result.stdout, "an ignored file was planned for"
    assert git("status", "--porcelain", cwd=root) == ""
    assert not (root / ".copier-answers.yml").exists()


@pytest.fixture(scope="module", params=PROJECT_TYPES)
def migrated(request, clone, tmp_path_factory):
    """A public project with a user's edits, migrated: (root, adopt's output)."""
    project_type = request.param
    name = "legacy-" + project_type.replace("_", "-")
    root = public_project(tmp_path_factory.mktemp("adopt") / name, project_type)
    make_user_edits(root)
    before = {p: (root / p).read_bytes() for p in git("ls-files", cwd=root).splitlines()}
    result = adopt(clone, root, "--defaults", "--data", "github_username=acme")
    assert result.returncode == 0, result.stderr
    return root, result.stdout, before


def test_answers_file_is_pinned_to_the_clone_as_it_is(migrated, clone):
    root, _, _ = migrated
    recorded = yaml.safe_load((root / ".copier-answers.yml").read_text())
    assert recorded["_src_path"] == str(clone)
    assert recorded["_commit"] == git("describe", "--tags", "--always", cwd=clone).strip()
    assert recorded["project_name"] == root.name
    # A library's Docker support is its test image, which needs the tests it lacks.
    assert recorded["include_docker"] is (recorded["project_type"] != "library")


def test_every_user_edit_is_kept_or_shown_as_a_conflict(migrated):
    root, output, _ = migrated
    for name, old, new in USER_EDITS:
        merged = (root / name).read_text().splitlines()
        added = [line for line in new.splitlines() if line and line not in old.splitlines()]
        assert added and all(line in merged for line in added), f"{name} lost {added}"
    reported = re.search(r"(?m)^conflicts to resolve in: ([^(]+) \(", output)
    assert (reported[1].split(", ") if reported else []) == conflicted(root)


def test_files_the_template_does_not_make_are_left_alone(migrated):
    root, output, before = migrated
    left = ["scripts/setup.sh", ".chora/memory/README.md", "dev-docs/README.md"]
    for path in left + ["AGENTS.md"]:
        assert (root / path).read_bytes() == before[path]
    listed = re.search(r"(?m)^  left \(.*?\): (.*)$", output)[1]
    assert all(path in listed for path in left)
    kept = re.search(r"(?m)^  kept \(.*?\): (.*)$", output)[1]
    assert "AGENTS.md" in kept, "both make an AGENTS.md: the project's stays"
    assert (root / "README.md").read_bytes() == before["README.md"], "README is the user's"


def test_what_the_image_needs_is_added_or_adapted(migrated):
    root, output, before = migrated
    package = root.name.replace("-", "_")
    answers = read_answers(root)
    if answers["project_type"] != "library":  # a production image, which needs these
        for path in ("LICENSE", "docs/docker.md", f"src/{package}/__init__.py"):
            assert (root / path).is_file(), path
        assert "__version__" in (root / f"src/{package}/__init__.py").read_text()
    pyproject = (root / "pyproject.toml").read_text()
    # `uv sync` installs dependency groups, not extras: the dev extra moves.
    ours, theirs = tomllib.loads(pyproject), tomllib.loads(before["pyproject.toml"].decode())
    extras = theirs["project"].pop("optional-dependencies")
    assert ours["dependency-groups"] == {"dev": extras.pop("dev")}
    if extras:
        theirs["project"]["optional-dependencies"] = extras
    assert re.search(r"(?m)^  adapted  pyproject\.toml  \(.*dev extra moved to the dev", output)
    del ours["dependency-groups"]
    # `just lint`'s settings, as this release's files follow them, where it had none.
    assert re.search(r"(?m)^  adapted  pyproject\.toml  \(.*mypy and ruff settings added", output)
    settings = {name: ours["tool"].pop(name) for name in ("mypy", "ruff")}
    assert settings["ruff"]["line-length"] == 100 and settings["mypy"]["strict"] is True
    assert settings["mypy"]["files"] == ["src"], "the folders that hold Python"
    if answers["project_type"] == "mcp_server":
        assert ours == theirs, "its console script works"
        assert (root / f"src/{package}/kit/healthcheck.py").is_file()
    elif answers["project_type"] in ("cli_tool", "web_service"):
        module = "cli" if answers["project_type"] == "cli_tool" else "app"
        assert f'{root.name} = "{package}.{module}:main"' in pyproject
        assert re.search(
            rf"(?m)^  adapted  pyproject\.toml  \(console script {root.name} =", output
        )
        assert (root / f"src/{package}/{module}.py").is_file()
    else:
        assert ours == theirs, "a library runs no script"


def test_resolved_files_pass_their_tools(migrated, tmp_path):
    root, _, _ = migrated
    resolve_taking_the_template(root)
    assert conflicted(root) == []
    kind = read_answers(root)["project_type"]
    # The files this template made: a library's Dockerfile and a CLI's compose
    # file are the public release's, left as they were.
    if kind != "library":
        result = run([tool("hadolint"), "--failure-threshold", "style", "Dockerfile"], cwd=root)
        assert result.stdout.strip() == ""
    run([tool("just"), "--summary"], cwd=root)
    if kind in ("mcp_server", "web_service"):
        run([tool("docker-compose"), "config", "--quiet"], cwd=root)


def reword_comments(root: Path) -> None:
    """The public release's own comments, which the re-created base words differently."""
    for name in ("Dockerfile", "Dockerfile.test", ".dockerignore", "docker-compose.yml"):
        path = root / name
        text = re.sub(r"(?m)^# (.*)$", r"# [public wording] \1", path.read_text())
        path.write_text(text)
    git("add", "-A", cwd=root)
    git("commit", "-q", "--amend", "--no-edit", cwd=root)


def test_the_first_commit_is_the_base_when_its_instructions_are_the_public_ones(clone, tmp_path):
    root = public_project(tmp_path / "legacy-web", "web_service")
    reword_comments(root)
    result = adopt(clone, root, "--defaults")
    assert result.returncode == 0, result.stderr
    assert conflicted(root) == [], "the first commit's own comments counted as the user's"


def test_an_edited_first_commit_is_not_trusted_as_the_base(clone, tmp_path):
    root = public_project(tmp_path / "legacy-web", "web_service")
    dockerfile = root / "Dockerfile"
    edited = dockerfile.read_text().replace("PORT=8000", "PORT=8000 \\\n    WORKERS=4")
    dockerfile.write_text(edited)
    git("add", "-A", cwd=root)
    git("commit", "-q", "--amend", "--no-edit", cwd=root)
    result = adopt(clone, root, "--defaults")
    assert "Dockerfile  (base re-created from the public release;" in result.stdout
    assert "WORKERS=4" in dockerfile.read_text(), "an edit in the first commit was dropped"


def test_a_following_copier_update_brings_a_newer_commit(clone_for_update, tmp_path):
    root = public_project(tmp_path / "legacy-mcp", "mcp_server")
    assert adopt(clone_for_update, root, "--defaults").returncode == 0
    resolve_taking_the_template(root)
    commit(root, "Migrate to chora-base")
    template = (
        clone_for_update / "template" / "docs" / "{% if include_docker %}docker.md{% endif %}.jinja"
    )
    template.write_text(template.read_text() + "\nA newer release's note.\n")
    justfile = clone_for_update / "template" / "{% if include_justfile %}justfile{% endif %}.jinja"
    justfile.write_text(justfile.read_text().replace("# List the recipes", "# List every recipe"))
    commit(clone_for_update, "A newer commit")
    run([tool("copier"), "update", "--defaults"], cwd=root, env=tool_env(**GIT_IDENTITY))
    assert conflicted(root) == []
    assert (root / "docs" / "docker.md").read_text().endswith("A newer release's note.\n")
    assert "# List every recipe" in (root / "justfile").read_text()
    recorded = yaml.safe_load((root / ".copier-answers.yml").read_text())
    assert (
        recorded["_commit"] == git("describe", "--tags", "--always", cwd=clone_for_update).strip()
    )


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("nothing", "has no pyproject.toml; is it a chora-base project?"),
        ("dirty", "has uncommitted changes: commit or stash them first"),
        ("answered", "exists already: run copier update"),
        ("no-terminal", "no terminal to ask on: pass --defaults and --data KEY=VALUE"),
        ("bad-data", "author_email 'not-an-email' is not a valid email address"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(clone, tmp_path, setup, message):
    root = tmp_path / "legacy-mcp"
    args = ["--defaults"]
    if setup == "nothing":
        root.mkdir()
    else:
        public_project(root, "mcp_server")
    if setup == "dirty":
        (root / "README.md").write_text("changed\n")
    if setup == "answered":
        (root / ".copier-answers.yml").write_text("_commit: x\n")
        commit(root, "answers")
    if setup == "no-terminal":
        args = []
    if setup == "bad-data":
        args += ["--data", "author_email=not-an-email"]
    status = git("status", "--porcelain", cwd=root) if setup != "nothing" else ""
    result = adopt(clone, root, *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    if setup != "nothing":
        assert git("status", "--porcelain", cwd=root) == status


def test_an_unknown_project_type_must_be_given(clone, tmp_path):
    root = public_project(tmp_path / "legacy-tool", "cli_tool")
    for name in ("Dockerfile", "Dockerfile.test", "docker-compose.yml", ".dockerignore"):
        (root / name).unlink()
    commit(root, "no Docker")
    result = adopt(clone, root, "--defaults")
    assert result.returncode == 2 and "--data project_type=TYPE" in result.stderr
    given = adopt(clone, root, "--defaults", "--data", "project_type=cli_tool")
    assert given.returncode == 0, given.stderr
    assert yaml.safe_load((root / ".copier-answers.yml").read_text())["project_type"] == "cli_tool"


@pytest.mark.parametrize(
    ("comment", "project_type"),
    [
        ("MCP Server", "mcp_server"),
        ("Web Service", "web_service"),
        ("CLI Tool", "cli_tool"),
        ("(Library)", "library"),
    ],
)
def test_the_type_shows_in_the_public_compose_comment(tmp_path, comment, project_type):
    """The public release named the type above the service; the re-created base words
    its comments differently, so this path is checked on its own."""
    root = public_project(tmp_path / "legacy-x", "library")
    (root / "Dockerfile").unlink()
    compose = root / "docker-compose.yml"
    text = compose.read_text()
    assert "\n# the library\n" in text
    compose.write_text(text.replace("# the library", f"# legacy-x {comment}"))
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"fastmcp>=0.3.0",', ""))
    assert read_answers(root)["project_type"] == project_type


def test_step_6_brings_the_tools_this_release_checks_with(render):
    """The guide's `uv add` names the versions a project of this release has."""
    guide = (TEMPLATE_ROOT / "docs" / "upgrading" / f"v{PUBLIC}-to-v{CURRENT}.md").read_text()
    line = command_lines(bash_block_after(guide, "## 6."))[0]
    assert line.startswith("uv add --group dev ")
    pyproject = tomllib.loads((render() / "pyproject.toml").read_text(encoding="utf-8"))
    dev = {spec.split("#")[0].strip() for spec in pyproject["dependency-groups"]["dev"]}
    asked = shlex.split(line.removeprefix("uv add --group dev "))
    assert asked and set(asked) <= dev, (asked, dev)
