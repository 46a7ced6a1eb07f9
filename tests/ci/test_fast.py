"""Fast tier: .ci/'s scripts on a stub machine (support/stub_machine.py), in
each state a CI machine can be in: nothing installed, everything installed,
and one step failing. Each case checks the exit status, the message, and that
nothing is left behind: no process, nothing in TMPDIR."""

from __future__ import annotations

import re
import time
import tomllib

import pytest
from commands import TEMPLATE_ROOT, executable
from shell import shellcheck
from stub_machine import PACKAGES, STANDIN_PYTHONS, STUBS, StubMachine

LOCK = tomllib.loads((TEMPLATE_ROOT / "uv.lock").read_text(encoding="utf-8"))
EVERYTHING = (
    *("dockerd", "docker", "debootstrap", "npm", "prometheus", "docker-registry"),
    *("htpasswd", "openssl", "podman", "uv"),
)
# The stand-in bases .ci/run makes.
BASES = tuple(f"python:{version}-slim" for version in STANDIN_PYTHONS)


@pytest.fixture
def machine(tmp_path):
    made: list[StubMachine] = []

    def _machine(**state) -> StubMachine:
        made.append(StubMachine(tmp_path / f"machine{len(made)}", **state))
        return made[-1]

    yield _machine
    for each in made:
        each.stop_all()


def assert_clean(machine: StubMachine, engine_started: bool = False) -> None:
    assert machine.leftovers() == [], "a process outlived the script"
    # An engine the run started and stopped keeps its log, like any daemon's.
    kept = ["chora-dockerd.log"] if engine_started else []
    assert machine.left_in_tmp() == kept, "the script left files in TMPDIR"


def until_called(machine: StubMachine, command: str) -> None:
    deadline = time.monotonic() + 10
    while not machine.calls(command):
        assert time.monotonic() < deadline, f"{command} was never called"
        time.sleep(0.1)


def error_lines(result) -> list[str]:
    return result.stderr.strip().splitlines()


# standin-base-image.sh


def test_a_base_on_a_fresh_machine_is_built_imported_and_cleaned_up(machine):
    fresh = machine(installed=("dockerd", "docker"), engine=True)
    result = fresh.run("standin-base-image.sh", "3.13")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "standin-base-image: imported python:3.13-slim"
    assert fresh.calls("apt-get")[-1].endswith(" debootstrap")
    assert " trixie " in fresh.calls("debootstrap")[0]
    image = fresh.imported("python:3.13-slim")
    assert "./usr/bin/python" in image and "./usr/bin/pip" in image
    assert not [path for path in image if path.endswith(("EXTERNALLY-MANAGED", ".deb"))]
    assert "./var/lib/apt/lists/main" not in image
    assert_clean(fresh)


@pytest.mark.parametrize("version", ["3.14", "3.15"])
def test_the_newest_pythons_come_from_forky_as_the_image_default(machine, version):
    fresh = machine(installed=("dockerd", "docker"), engine=True)
    result = fresh.run("standin-base-image.sh", version)
    assert result.returncode == 0, result.stderr
    call = fresh.calls("debootstrap")[0].split()
    assert f"--include=python{version},python{version}-venv,python3-pip,ca-certificates" in call
    # The machine's debootstrap may predate forky: sid's script bootstraps it.
    assert call[-4] == "forky" and call[-1].endswith("/scripts/sid")
    assert "./usr/bin/python3" in fresh.imported(f"python:{version}-slim")
    assert_clean(fresh)


def test_a_base_already_present_is_left_alone(machine):
    warm = machine(installed=EVERYTHING, engine=True, images=BASES)
    result = warm.run("standin-base-image.sh", "3.11")
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "standin-base-image: python:3.11-slim already present",
    )
    assert warm.calls("apt-get") == warm.calls("debootstrap") == []
    assert_clean(warm)


def test_a_failing_debootstrap_is_named_with_its_last_lines(machine):
    broken = machine(installed=EVERYTHING, engine=True)
    broken.fail("debootstrap")
    result = broken.run("standin-base-image.sh", "3.11")
    assert result.returncode == 1
    lines = error_lines(result)
    assert lines[0] == "standin-base-image: debootstrap of bookworm failed; its last lines:"
    assert lines[-1] == "E: Couldn't download packages: python3"
    assert not broken.has_image("python:3.11-slim")
    assert_clean(broken)


def test_a_failing_import_is_one_line(machine):
    broken = machine(installed=EVERYTHING, engine=True)
    broken.fail("docker-import")
    result = broken.run("standin-base-image.sh", "3.13")
    assert result.returncode == 1
    assert error_lines(result)[-1] == "standin-base-image: docker import of python:3.13-slim failed"
    assert not broken.has_image("python:3.13-slim")
    assert_clean(broken)


# standin-base-image.sh for another architecture (emulation.sh)

ARM64_BASE = "python:3.13-slim-arm64"


def test_an_arm64_base_is_debootstrapped_under_emulation_and_built_for_its_platform(machine):
    fresh = machine(installed=("dockerd", "docker"), engine=True)
    result = fresh.run("standin-base-image.sh", "3.13", "arm64")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"standin-base-image: imported {ARM64_BASE}"
    installed = {call.split()[-1] for call in fresh.calls("apt-get") if " install " in call}
    assert installed == {"debootstrap", "qemu-user-static", "binfmt-support"}
    assert fresh.calls("update-binfmts") == ["update-binfmts --enable qemu-aarch64"]
    assert "--arch=arm64" in fresh.calls("debootstrap")[0].split()
    # BuildKit labels the image with its platform; `docker import` would not.
    assert [call for call in fresh.calls("docker") if " import " in call] == []
    platform, dockerfile = fresh.built(ARM64_BASE)
    assert platform == "linux/arm64"
    assert dockerfile.splitlines()[:2] == ["FROM scratch", "ADD rootfs.tar /"]
    assert "./usr/bin/python" in fresh.imported(ARM64_BASE)
    assert_clean(fresh)


def test_an_emulator_already_registered_is_left_alone(machine):
    warm = machine(installed=(*EVERYTHING, "qemu-aarch64-static", "update-binfmts"), engine=True)
    (warm.binfmt / "qemu-aarch64").write_text("enabled\nflags: OCF\n")
    result = warm.run("emulation.sh", "arm64")
    assert (result.returncode, result.stderr) == (0, "")
    assert warm.calls("apt-get") == warm.calls("update-binfmts") == []


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("update-binfmts", "emulation: update-binfmts cannot register qemu-aarch64"),
        ("binfmt-flags", "emulation: qemu-aarch64 is registered without the F flag"),
        (
            "docker-build",
            f"standin-base-image: the BuildKit build of {ARM64_BASE} failed; its last lines:\n"
            "ERROR: failed to solve",
        ),
        (
            "apt-qemu-user-static",
            "system-tools: could not install qemu-user-static: "
            "E: Unable to locate package qemu-user-static",
        ),
    ],
)
def test_an_arm64_base_that_cannot_be_made_fails_in_one_line(machine, failure, message):
    broken = machine(installed=EVERYTHING, engine=True)
    broken.fail(failure)
    result = broken.run("standin-base-image.sh", "3.13", "arm64")
    assert result.returncode == 1
    assert error_lines(result) == message.splitlines()
    assert not broken.has_image(ARM64_BASE)
    assert_clean(broken)


def test_debootstrap_that_apt_cannot_install_is_one_line(machine):
    broken = machine(engine=True)
    broken.fail("apt-debootstrap")
    result = broken.run("standin-base-image.sh", "3.13")
    assert result.returncode == 1
    assert error_lines(result) == [
        "system-tools: could not install debootstrap: E: Unable to locate package debootstrap"
    ]
    assert broken.calls("debootstrap") == []
    assert_clean(broken)


def test_a_base_stopped_halfway_leaves_nothing(machine):
    stopped = machine(installed=EVERYTHING, engine=True)
    stopped.slow("debootstrap")
    process = stopped.start("standin-base-image.sh", "3.13")
    until_called(stopped, "debootstrap")
    assert list(stopped.tmp.iterdir()), "the rootfs is being built in TMPDIR"
    # As .ci/jobs.sh stops a job: the whole process group.
    process.terminate()
    process.wait(timeout=10)
    stopped.stop_all()  # debootstrap's sleep, which the group signal would have ended
    assert stopped.left_in_tmp() == []


def test_a_python_no_debian_release_ships_is_refused_in_one_line(machine):
    result = machine().run("standin-base-image.sh", "3.9")
    assert result.returncode == 2
    assert error_lines(result) == [
        "standin-base-image: no Debian release ships Python 3.9; use 3.11, 3.13, 3.14 or 3.15"
    ]


# docker-engine.sh


def test_a_running_engine_is_used_as_it_is(machine):
    warm = machine(installed=EVERYTHING, engine=True)
    result = warm.run("docker-engine.sh")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert warm.calls("dockerd") == warm.calls("apt-get") == []


def test_an_engine_on_a_fresh_machine_is_installed_started_and_its_pid_printed(machine):
    fresh = machine()
    result = fresh.run("docker-engine.sh")
    assert result.returncode == 0, result.stderr
    assert [call.split()[-1] for call in fresh.calls("apt-get")] == ["-qq", "docker.io"]
    pid = int(result.stdout)
    assert [line.split(":")[0] for line in fresh.leftovers(grace=0)] == [str(pid)], (
        "the one process left is the daemon whose pid was printed"
    )


def test_an_engine_that_never_answers_is_stopped_and_named(machine):
    broken = machine(installed=EVERYTHING)
    broken.fail("dockerd")
    result = broken.run("docker-engine.sh", DOCKERD_WAIT="2")
    assert result.returncode == 1
    assert error_lines(result) == [
        f"docker-engine: dockerd did not answer within 2 s; see {broken.tmp}/chora-dockerd.log"
    ]
    assert broken.leftovers() == []


def test_an_engine_script_stopped_while_it_waits_stops_its_daemon(machine):
    stopped = machine(installed=EVERYTHING)
    stopped.fail("dockerd")
    process = stopped.start("docker-engine.sh", DOCKERD_WAIT="60")
    until_called(stopped, "dockerd")
    process.terminate()
    process.wait(timeout=10)
    assert stopped.leftovers() == []


def test_an_engine_that_dies_at_once_is_named_with_its_last_line(machine):
    broken = machine(installed=EVERYTHING)
    broken.fail("dockerd-exit")
    result = broken.run("docker-engine.sh")
    assert result.returncode == 1
    assert error_lines(result) == [
        "docker-engine: dockerd exited: failed to start daemon: no cgroup mount"
    ]
    assert broken.leftovers() == []


# system-tools.sh


def test_system_tools_asks_apt_for_nothing_that_is_there(machine):
    warm = machine(installed=EVERYTHING)
    result = warm.run("system-tools.sh")
    assert (result.returncode, result.stderr) == (0, "")
    assert warm.calls("apt-get") == []


def test_system_tools_installs_each_missing_package_once(machine):
    fresh = machine()
    result = fresh.run("system-tools.sh")
    assert (result.returncode, result.stderr) == (0, "")
    installs = [call.split()[-1] for call in fresh.calls("apt-get") if " install " in call]
    assert sorted(installs) == sorted(PACKAGES)
    assert fresh.calls("apt-get")[0] == "apt-get update -qq"
    assert all(fresh.has(c) for commands in PACKAGES.values() for c in commands)
    assert_clean(fresh)


def test_system_tools_asks_for_the_one_package_missing(machine):
    """npm above all: a machine's own Node.js carries one, which Debian's conflicts with."""
    almost = machine(installed=tuple(c for c in EVERYTHING if c != "npm"))
    assert almost.run("system-tools.sh").returncode == 0
    assert [c.split()[-1] for c in almost.calls("apt-get") if " install " in c] == ["npm"]


def test_system_tools_names_what_apt_cannot_install_and_installs_the_rest(machine):
    broken = machine()
    broken.fail("apt-prometheus")
    result = broken.run("system-tools.sh")
    assert result.returncode == 1
    assert error_lines(result) == [
        "system-tools: could not install prometheus: E: Unable to locate package prometheus"
    ]
    assert broken.has("dockerd") and broken.has("debootstrap") and not broken.has("prometheus")
    assert_clean(broken)


def test_system_tools_without_root_says_what_it_cannot_install(machine):
    user = machine(installed=tuple(c for c in EVERYTHING if c not in ("debootstrap", "uv")))
    executable(user.stubs / "id", "#!/bin/sh\necho 1000\n")
    result = user.run("system-tools.sh")
    assert result.returncode == 1
    assert error_lines(result) == ["system-tools: not root, cannot install: debootstrap"]
    assert user.calls("apt-get") == []


# run


def test_ci_on_a_fresh_machine_installs_everything_and_passes(machine):
    fresh = machine()
    result = fresh.run("run", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    uv = next(p["version"] for p in LOCK["package"] if p["name"] == "uv")
    assert f"python3 -m pip install --quiet --disable-pip-version-check uv=={uv}" in fresh.calls()
    assert {call.split()[-1] for call in fresh.calls("apt-get") if " install " in call} == set(
        PACKAGES
    )
    assert len(BASES) == 4 and all(fresh.has_image(base) for base in BASES)
    assert "standin-base-image: imported python:3.15-slim" in result.stdout
    assert "slow: exit 0" in result.stdout
    assert "ci: time per step (exit 0)" in result.stdout
    assert_clean(fresh, engine_started=True)


def test_ci_on_a_warm_machine_installs_nothing(machine):
    warm = machine(installed=EVERYTHING, engine=True, images=BASES)
    result = warm.run("run", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert warm.calls("apt-get") == warm.calls("debootstrap") == warm.calls("dockerd") == []
    assert [call for call in warm.calls("python3") if "pip" in call] == []
    assert_clean(warm)


@pytest.mark.parametrize(
    ("failing", "named", "last_line"),
    [
        # Every base fails; the run names the first it sees.
        (
            "debootstrap",
            r"the stand-in python:3\.1[1345]-slim",
            "E: Couldn't download packages: python3",
        ),
        ("n8n", "the n8n install", "n8n: exit 3"),
    ],
)
def test_ci_stops_at_once_when_a_background_job_fails(machine, failing, named, last_line):
    broken = machine(installed=EVERYTHING, engine=True)
    broken.job("fast", seconds=120)
    if failing == "n8n":
        broken.job("n8n", status=3)
    else:
        broken.fail(failing)
    started = time.monotonic()
    result = broken.run("run", timeout=60)
    assert result.returncode == 1
    assert time.monotonic() - started < 30, "it did not wait for the fast tier to end"
    lines = error_lines(result)
    assert re.fullmatch(f"ci: {named} failed \\(exit [13]\\)", lines[0]), lines
    assert lines[1] == "ci: the last lines of its log:"
    assert lines[-1].strip() == last_line
    assert "slow: running" not in result.stdout
    assert_clean(broken)


def test_ci_stops_the_jobs_when_the_fast_tier_fails(machine):
    broken = machine(installed=EVERYTHING, engine=True)
    broken.job("fast", status=1)
    broken.slow("debootstrap")
    result = broken.run("run", timeout=60)
    assert result.returncode == 1
    assert "ci: the fast tier failed (exit 1)" in result.stderr
    assert "ci: time per step (exit 1)" in result.stdout
    assert_clean(broken)


def test_ci_fails_with_its_last_tier(machine):
    broken = machine(installed=EVERYTHING, engine=True, images=BASES)
    broken.job("slow", status=2)
    result = broken.run("run", timeout=60)
    assert result.returncode == 2
    assert "ci: time per step (exit 2)" in result.stdout
    assert_clean(broken)


def test_ci_without_uv_or_pip_says_so_in_one_line(machine):
    broken = machine(installed=tuple(c for c in EVERYTHING if c != "uv"))
    broken.fail("pip")
    result = broken.run("run", timeout=60)
    assert result.returncode == 1
    version = [line for line in error_lines(result) if line.startswith("ci:")]
    assert len(version) == 1 and version[0].startswith("ci: could not install uv 0.")
    assert_clean(broken)


def test_shellcheck_finds_nothing_in_the_ci_scripts_or_their_stubs():
    scripts = [
        TEMPLATE_ROOT / ".ci" / "run",
        *(TEMPLATE_ROOT / ".ci").glob("*.sh"),
        *STUBS.iterdir(),
    ]
    assert shellcheck(scripts, cwd=TEMPLATE_ROOT) == ""


@pytest.mark.parametrize("has_base", [False, True])
def test_ci_runs_the_arm64_tier_where_the_machine_has_its_base(machine, has_base):
    """With the slow and Docker tiers, in one pytest run after the fast tier's."""
    images = (*BASES, "python:3.13-slim-arm64") if has_base else BASES
    warm = machine(installed=EVERYTHING, engine=True, images=images)
    result = warm.run("run", timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    ran = [call.split(" -m ", 2)[-1] for call in warm.calls("python") if "pytest" in call]
    assert ran == [
        "not slow and not docker and not arm64",
        "slow or docker or arm64" if has_base else "slow or docker",
    ]
    assert ("slow, Docker and arm64 tiers" in result.stdout) == has_base
    assert_clean(warm)


def test_an_architecture_without_an_emulator_is_refused_in_one_line(machine):
    result = machine().run("emulation.sh", "riscv64")
    assert (result.returncode, error_lines(result)) == (
        2,
        ["emulation: no emulator known for riscv64; use arm64"],
    )
