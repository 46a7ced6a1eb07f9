"""Fast tier: the repository keeps its promises to a newcomer, a maintainer and CI."""

import re
import sys
import tomllib

import yaml
from answer_space import PROFILES
from commands import TEMPLATE_ROOT, run, tool
from markdown import bash_block_after, command_lines
from questions import ASKED
from releases import PREVIOUS
from tiers import TIER_MARKERS
from workflows import load_workflow

README = (TEMPLATE_ROOT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (TEMPLATE_ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
CHANGELOG = (TEMPLATE_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
CI_RUN = (TEMPLATE_ROOT / ".ci" / "run").read_text(encoding="utf-8")
LOCK = tomllib.loads((TEMPLATE_ROOT / "uv.lock").read_text(encoding="utf-8"))
TEMPLATE_CI = next((TEMPLATE_ROOT / "template").glob("*.github*/workflows/ci.yml.jinja"))
# The tiers' -m selections, each test in exactly one of the runs that make up CI.
TIER_RUNS = ['-m "not slow and not docker and not arm64"', '-m "slow or docker"']
# .ci/run's arm64 tier, where the machine can emulate arm64 (not on GitHub's runners).
ARM64_RUN = "-m arm64"


def documented_test_command() -> str:
    return bash_block_after(CONTRIBUTING, "## Run this repository's tests").strip()


def test_the_readme_opens_with_the_two_commands_that_matter():
    """After the line that brings uv: the render of "Start a project" with
    the same copier, and CONTRIBUTING.md's test command."""
    uv, render, tests = command_lines(bash_block_after(README, "# chora-base"))
    assert uv.startswith("python3 -m venv .tools && .tools/bin/pip install")
    install, copy = command_lines(bash_block_after(README, "## Start a project"))
    assert render == f"uvx --from {install.removeprefix('uv tool install ')} {copy}"
    assert tests == documented_test_command()


def test_ci_runs_the_documented_test_command_tier_by_tier():
    install, pytest = documented_test_command().split(" && ")
    assert install == "uv sync --locked", "the test tools come from the lock"
    ci_lines = [line.strip() for line in CI_RUN.splitlines()]
    assert install in ci_lines
    # A tier runs in the foreground or as a job (.ci/jobs.sh's job_start ... COMMAND);
    # the slow and Docker tiers, with the arm64 tier where it runs, on three
    # workers (tests/ci/test_fast.py runs .ci/run on a stub machine with and
    # without the arm64 base).
    command, workers = pytest.split(" -n ")
    assert workers == "2"
    assert [line[line.index(command) :] for line in ci_lines if command in line] == [
        f"{pytest} {TIER_RUNS[0]}",
        f'{command} -n 3 -m "$tiers"',
    ]
    assert f"tiers={TIER_RUNS[1].removeprefix('-m ')}" in CI_RUN


def test_the_github_workflow_runs_the_same_tiers_with_pinned_actions():
    workflow = load_workflow(TEMPLATE_ROOT, "ci.yml")
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    pytest = documented_test_command().split(" && ")[1]
    assert [r for r in runs if r.startswith(pytest)] == [f"{pytest} {s}" for s in TIER_RUNS]
    assert runs.count("uv sync --locked") == len(workflow["jobs"])
    assert workflow["permissions"] == {"contents": "read"}
    template_pins = set(re.findall(r"uses: (\S+@[0-9a-f]{40})", TEMPLATE_CI.read_text()))
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert step["uses"] in template_pins, "pinned to the commit the template uses"
            if step.get("uses", "").startswith("astral-sh/setup-uv@"):
                assert step["with"]["version"] == locked_version("uv")
    schema = [tool("check-jsonschema"), "--builtin-schema"]
    run([*schema, "vendor.github-workflows", TEMPLATE_ROOT / ".github/workflows/ci.yml"])
    run([*schema, "vendor.dependabot", TEMPLATE_ROOT / ".github/dependabot.yml"])
    audit = run([tool("zizmor"), "--offline", "--format", "plain", ".github"], cwd=TEMPLATE_ROOT)
    assert "No findings to report" in audit.stdout, audit.stdout


def test_a_scheduled_workflow_runs_the_arm64_tier_with_pinned_actions():
    """GitHub's runner has no arm64 stand-in base: the tier runs there weekly,
    on the real base, with qemu from the runner's packages."""
    workflow = load_workflow(TEMPLATE_ROOT, "arm64.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}  # YAML reads `on` as True
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    runs = [step.get("run", "") for step in job["steps"]]
    pytest = documented_test_command().split(" && ")[1]
    assert runs[-2:] == ["uv sync --locked", f"{pytest} {ARM64_RUN}"]
    assert any("qemu-user-static" in command for command in runs)
    assert job["env"]["ARM64_BASE_TAG"] == "3.13-slim"
    ci_steps = {
        s["uses"]: s
        for j in load_workflow(TEMPLATE_ROOT, "ci.yml")["jobs"].values()
        for s in j["steps"]
        if "uses" in s
    }
    for step in job["steps"]:
        if "uses" in step:
            assert step["uses"] in ci_steps, "pinned as in ci.yml"
    schema = [tool("check-jsonschema"), "--builtin-schema"]
    run([*schema, "vendor.github-workflows", TEMPLATE_ROOT / ".github/workflows/arm64.yml"])


def locked_version(name: str) -> str:
    return next(p["version"] for p in LOCK["package"] if p["name"] == name)


def test_ci_installs_uv_at_the_locked_version():
    printed = run([sys.executable, TEMPLATE_ROOT / ".ci" / "locked-version.py", "uv"]).stdout
    assert printed.strip() == locked_version("uv")
    assert "python3 .ci/locked-version.py uv" in CI_RUN


def test_every_test_tool_is_locked_and_the_lock_is_current():
    groups = tomllib.loads((TEMPLATE_ROOT / "pyproject.toml").read_text())["dependency-groups"]
    locked = {package["name"] for package in LOCK["package"]}
    for requirement in groups["test"]:
        assert re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0] in locked, requirement
    check = run([tool("uv"), "lock", "--check", "--offline"], cwd=TEMPLATE_ROOT, check=False)
    assert check.returncode == 0, check.stderr


def test_quoted_benchmark_commands_use_options_the_benchmark_has():
    help_text = run([sys.executable, "-m", "benchmarks.image", "--help"], cwd=TEMPLATE_ROOT)
    accepted = set(re.findall(r"--[a-z][a-z0-9-]*", help_text.stdout))
    current = CONTRIBUTING + CHANGELOG.split(f"## [{PREVIOUS}]", 1)[0]
    commands = re.findall(r"-m benchmarks\.image([^`\n]*)", current)
    assert commands, "CONTRIBUTING.md no longer shows how to run the benchmark"
    used = {option for command in commands for option in re.findall(r"--[a-z][a-z0-9-]*", command)}
    assert used <= accepted


def test_the_documented_search_names_a_profile_and_a_file_that_exist():
    """CONTRIBUTING.md's wider answer-space search, as a maintainer pastes it."""
    searches = re.findall(r"-m pytest (\S+) --hypothesis-profile=(\w+)", CONTRIBUTING)
    assert searches, "CONTRIBUTING.md no longer shows the wider search"
    for path, profile in searches:
        assert (TEMPLATE_ROOT / path).is_file(), path
        assert profile in PROFILES, profile


def test_the_tier_table_names_every_test_file():
    for prefix in TIER_MARKERS:
        assert f"`tests/*/{prefix}*.py`" in CONTRIBUTING
    test_files = sorted((TEMPLATE_ROOT / "tests").rglob("test_*.py"))
    assert test_files
    for test_file in test_files:
        subject = test_file.relative_to(TEMPLATE_ROOT / "tests").parts
        assert len(subject) == 2, f"{test_file}: tests live in tests/<subject>/"
        assert subject[0] in CONTRIBUTING, f"CONTRIBUTING.md's layout names no {subject[0]}"


def test_the_layout_table_names_every_top_level_part():
    listed = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    tracked = [
        p
        for p in run(listed, cwd=TEMPLATE_ROOT).stdout.splitlines()
        if (TEMPLATE_ROOT / p).exists()
    ]
    parts = {path.split("/")[0] for path in tracked if "/" in path}
    for part in parts:
        assert f"`{part}/" in CONTRIBUTING, f"CONTRIBUTING.md's layout names no {part}/"


def test_the_question_table_names_every_question_asked():
    table = README.split("## What each question gives", 1)[1].split("\n## ", 1)[0]
    for question in ASKED:
        assert re.search(rf"^\| `{question}` \|", table, re.M), f"README: no row for {question}"


def test_the_repository_justfile_parses():
    recipes = run([tool("just"), "--summary"], cwd=TEMPLATE_ROOT).stdout.split()
    expected = {"install", "lock", "test", "test-fast", "benchmark", "docker-setup", "render"}
    assert expected <= set(recipes)
    install = run([tool("just"), "--dry-run", "install"], cwd=TEMPLATE_ROOT).stderr
    assert install.strip() == "uv sync --locked"


def test_the_update_example_works_for_a_project_without_docker():
    block = bash_block_after(README, "## Keep a project up to date")
    assert "copier update" in block
    assert "docker" not in block, "not every project has the Docker recipes"


def test_dependabot_updates_the_lock_and_the_actions():
    config = yaml.safe_load((TEMPLATE_ROOT / ".github" / "dependabot.yml").read_text())
    ecosystems = {update["package-ecosystem"] for update in config["updates"]}
    assert ecosystems == {"uv", "github-actions"}
