"""A machine in a folder, for running .ci/'s scripts with no network, no apt
and no engine: stub commands first on PATH, the machine's state in files.

PATH holds two folders and nothing else: `stubs/` (apt-get, dockerd, docker,
debootstrap, npm, prometheus, update-binfmts, uv, a python3 that stands in
for pip, and .venv/bin/python's pytest and n8n runs:
tests/fixtures/stub-machine/; and commands that only need to be there) and
`bin/` (links to the few real commands the scripts use: bash, tar, mktemp,
...). A command that is not installed yet is absent from `stubs/`; the
apt-get stub installs it from `available/`. Every stub appends its name and
arguments to `calls`, and every process the scripts start carries a token in
its environment, so `leftovers` finds any that outlived them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from commands import TEMPLATE_ROOT, executable, processes_carrying

# The real commands a CI script may use, as a machine of any kind has them.
BASE_COMMANDS = [
    *("bash", "sh", "env", "cat", "cp", "ln", "ls", "mkdir", "mktemp", "mv", "rm", "touch"),
    *("chmod", "tar", "grep", "sed", "tail", "head", "seq", "sleep", "id", "setsid"),
    *("mountpoint", "umount", "dirname", "git", "dpkg"),
]

# Debian package -> the commands it installs (as .ci/system-tools.sh maps them).
PACKAGES = {
    "docker.io": ("dockerd", "docker"),
    "debootstrap": ("debootstrap",),
    "npm": ("npm",),
    "prometheus": ("prometheus",),
    "docker-registry": ("docker-registry",),
    "apache2-utils": ("htpasswd",),
    "openssl": ("openssl",),
    "podman": ("podman",),
}
# The packages emulation.sh asks for by name, for another architecture.
EMULATION_PACKAGES = {
    "qemu-user-static": ("qemu-aarch64-static",),
    "binfmt-support": ("update-binfmts",),
}
# Commands that only need to be there: nothing in .ci/ runs them (the tests do).
PRESENT_ONLY = ("docker-registry", "htpasswd", "openssl", "podman", "qemu-aarch64-static")

# The stub commands, one file each (shellcheck reads them with .ci/'s scripts).
STUBS = TEMPLATE_ROOT / "tests" / "fixtures" / "stub-machine"
# The Pythons .ci/run makes stand-in bases for, as its `bases=(...)` line names them.
STANDIN_PYTHONS = tuple(
    re.search(r"^bases=\((.+)\)$", (TEMPLATE_ROOT / ".ci" / "run").read_text(), re.M)[1].split()
)


class StubMachine:
    """A machine in tmp_path: `installed` names the commands already there,
    `engine` whether an engine answers, `images` the base images it holds."""

    def __init__(
        self,
        root: Path,
        installed: tuple[str, ...] = (),
        engine: bool = False,
        images: tuple[str, ...] = (),
    ) -> None:
        self.root = root
        self.state = root / "state"
        self.stubs = self.state / "stubs"
        self.bin = root / "bin"
        self.tmp = root / "tmp"
        self.repo = root / "repo"
        self.token = uuid.uuid4().hex
        for folder in ("stubs", "available", "packages", "images", "fail", "slow", "sleep", "exit"):
            (self.state / folder).mkdir(parents=True)
        self.bin.mkdir()
        self.tmp.mkdir()
        (self.state / "calls").touch()
        for command in BASE_COMMANDS:
            real = shutil.which(command)
            assert real, f"this machine has no {command}"
            (self.bin / command).symlink_to(real)
        # The interpreter itself, not a shim (pyenv's need pyenv on PATH).
        (self.state / "real-python3").symlink_to(Path(sys.base_prefix) / "bin" / "python3")
        for stub in STUBS.iterdir():
            shutil.copy2(stub, self.state / "available" / stub.name)
        for command in PRESENT_ONLY:
            stub_script = f'#!/bin/bash\necho "{command} $*" >>"$STUB_STATE/calls"\n'
            executable(self.state / "available" / command, stub_script)
        # binfmt_misc, mounted, with no handler registered yet (update-binfmts registers).
        self.binfmt = self.state / "binfmt_misc"
        self.binfmt.mkdir()
        (self.binfmt / "register").touch()
        for package, commands in (PACKAGES | EMULATION_PACKAGES).items():
            (self.state / "packages" / package).write_text("".join(f"{c}\n" for c in commands))
        for command in ("apt-get", "python3", *installed):
            self.install(command)
        if engine:
            (self.state / "engine-up").touch()
        for image in images:
            (self.state / "images" / image).touch()
        shutil.copytree(TEMPLATE_ROOT / ".ci", self.repo / ".ci")
        shutil.copy2(TEMPLATE_ROOT / "uv.lock", self.repo / "uv.lock")

    def install(self, command: str) -> None:
        shutil.copy2(self.state / "available" / command, self.stubs / command)

    def has(self, command: str) -> bool:
        return (self.stubs / command).exists()

    def fail(self, what: str) -> None:
        """Make a step fail: apt-PACKAGE, apt-update, debootstrap, docker-import,
        docker-build, dockerd (never answers), dockerd-exit, pip, update-binfmts,
        binfmt-flags (registers the handler without the F flag)."""
        (self.state / "fail" / what).touch()

    def slow(self, command: str) -> None:
        (self.state / "slow" / command).touch()

    def job(self, name: str, seconds: float = 0, status: int = 0) -> None:
        """How .venv/bin/python's job `fast`, `slow` or `n8n` runs."""
        (self.state / "sleep" / name).write_text(str(seconds))
        (self.state / "exit" / name).write_text(str(status))

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "PATH": f"{self.stubs}:{self.bin}",
            "HOME": str(self.root),
            "TMPDIR": str(self.tmp),
            "LANG": "C.UTF-8",
            "DOCKER": str(self.stubs / "docker"),
            "STUB_STATE": str(self.state),
            "CHORA_STUB_RUN": self.token,
            "BINFMT_MISC": str(self.binfmt),
            **extra,
        }

    def run(self, script: str, *args: str, timeout: float = 60, **env: str):
        """Run .ci/SCRIPT (a path under .ci/) in the repository copy, as CI does."""
        return subprocess.run(
            ["bash", f".ci/{script}", *args],
            cwd=self.repo,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def start(self, script: str, *args: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen(
            ["bash", f".ci/{script}", *args],
            cwd=self.repo,
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )

    def calls(self, command: str | None = None) -> list[str]:
        lines = (self.state / "calls").read_text().splitlines()
        return [line for line in lines if command is None or line.split()[0] == command]

    def has_image(self, tag: str) -> bool:
        return (self.state / "images" / tag).exists()

    def imported(self, tag: str) -> list[str]:
        """The paths of the tar stream `docker import` got for TAG, or of the
        rootfs.tar a `docker build` of TAG added."""
        return (self.state / f"imported-{tag}").read_text().splitlines()

    def built(self, tag: str) -> tuple[str, str]:
        """The platform and the Dockerfile a `docker build` of TAG got."""
        platform, _, dockerfile = (self.state / f"built-{tag}").read_text().partition("\n")
        return platform, dockerfile

    def leftovers(self, grace: float = 3) -> list[str]:
        """Processes the scripts started that still run, after `grace` seconds."""
        deadline = time.monotonic() + grace
        while True:
            found = self._running()
            if not found or time.monotonic() > deadline:
                return [f"{pid}: {command}" for pid, command in found.items()]
            time.sleep(0.1)

    def left_in_tmp(self) -> list[str]:
        return sorted(str(path.relative_to(self.tmp)) for path in self.tmp.iterdir())

    def stop_all(self) -> None:
        for pid in self._running():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def _running(self) -> dict[int, str]:
        return processes_carrying("CHORA_STUB_RUN", self.token)
