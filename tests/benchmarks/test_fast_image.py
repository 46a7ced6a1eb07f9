"""The image benchmark builds each release's Dockerfile from a base of its own
(benchmarks.image.cold_base says why): whichever way a release names its base,
every stage that started from python:X-slim (base_of) starts from the given
base, and no other stage changes."""

import re
import subprocess

import pytest
from commands import TEMPLATE_ROOT
from releases import PREVIOUS_COMMIT
from template_repo import PRE_DOCKER_TEMPLATE

from benchmarks.image import base_arguments, base_of

# Release 1.9.1's production Dockerfile, as its commit holds it.
DOCKERFILE_1_9_1 = (
    "template/{% if include_docker and docker_strategy == 'production' %}"
    "Dockerfile{% endif %}.jinja"
)
COLD = "bench-mcp-base:0123456789ab"
VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def stage_bases(dockerfile: str, build_args: dict[str, str]) -> list[str]:
    """What each FROM starts from, its global ARGs resolved as the builder does."""
    values: dict[str, str] = {}

    def resolve(text: str) -> str:
        return VARIABLE.sub(lambda m: values.get(m[1] or m[2], ""), text)

    bases = []
    for line in dockerfile.splitlines():
        if not bases and (arg := re.match(r"ARG (\w+)(?:=(\S*))?$", line)):
            name, default = arg.groups()
            values[name] = build_args.get(name, resolve(default or ""))
        elif found := re.match(r"FROM (\S+)", line):
            bases.append(resolve(found[1]))
    return bases


def options_to_args(options: list[str]) -> dict[str, str]:
    assert options[::2] == ["--build-arg"] * (len(options) // 2), options
    return dict(value.split("=", 1) for value in options[1::2])


def from_jinja(text: str) -> str:
    return text.replace("{{ python_version }}", "3.13")


def release_1_9_1() -> str:
    shown = subprocess.run(
        ["git", "show", f"{PREVIOUS_COMMIT}:{DOCKERFILE_1_9_1}"],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return from_jinja(shown.stdout)


def public_1_9_0() -> str:
    [dockerfile] = PRE_DOCKER_TEMPLATE.glob("template/*Dockerfile{% endif %}.jinja")
    return from_jinja(dockerfile.read_text(encoding="utf-8"))


@pytest.mark.parametrize("release", ["current", "1.9.1", "public 1.9.0"])
def test_every_stage_from_the_base_starts_from_the_given_one(release, render, tmp_path):
    if release == "current":
        text = (render(include_docker=True) / "Dockerfile").read_text(encoding="utf-8")
    else:
        text = release_1_9_1() if release == "1.9.1" else public_1_9_0()
    assert base_of(text) == "python:3.13-slim"
    before = stage_bases(text, {})
    assert "python:3.13-slim" in before, before

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text, encoding="utf-8")
    options = base_arguments(dockerfile, COLD)
    after = stage_bases(dockerfile.read_text(encoding="utf-8"), options_to_args(options))

    assert after == [COLD if base.startswith("python:") else base for base in before]


def test_the_current_release_takes_its_base_from_build_arguments(render, tmp_path):
    """Since the Docker release the base is the user's build arguments; the
    benchmark uses them, not an edit of the Dockerfile."""
    dockerfile = tmp_path / "Dockerfile"
    text = (render(include_docker=True) / "Dockerfile").read_text(encoding="utf-8")
    dockerfile.write_text(text, encoding="utf-8")
    assert base_arguments(dockerfile, COLD) != []
    assert dockerfile.read_text(encoding="utf-8") == text
