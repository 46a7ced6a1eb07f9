"""Migrate a project made by the public chora-base onto this template, once.

Such a project has no .copier-answers.yml, so `copier update` cannot start.
This reads its answers from what it shows (answers.py), renders this
template for them, and brings the Docker layer over file by file:

  merged    Dockerfile, Dockerfile.test, .dockerignore, docker-compose.yml,
            justfile: a three-way merge (base: what the public release
            generated, merge_base.py; theirs: this template's file; yours:
            the project's). Your edits stay; where both sides changed the
            same lines you get conflict markers, never a silent loss.
  added     files of this release that the Docker layer needs and the
            project lacks (docs/docker.md, the health-check module, LICENSE
            for the image, ...), and .copier-answers.yml pinned to this
            template's current release, so later `copier update` runs are
            ordinary.
  adapted   what the new image needs from the project: a __version__ in the
            package, a console script whose module exists (added from this
            release where none does, with the package's modules it imports,
            such as the shared access.py); the dev extra moved to the `dev`
            dependency group, which `uv sync` installs; and, where the
            project has none, the ruff and mypy settings this release's
            files follow, for `just lint`.
  kept      your other files, untouched (README, pyproject, sources, ...).
  left      files the public release made that this template does not.

    python -m adopt ../my-project --dry-run    # the plan, nothing written
    python -m adopt ../my-project              # asks what it cannot read
    python -m adopt ../my-project --defaults --data github_username=acme

The project must be a git work tree with nothing uncommitted (a dry run
allows uncommitted changes), so that `git diff` shows exactly what the
migration did; what its .gitignore leaves out is not migrated.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import copier
import yaml

from adopt.answers import AdoptError, for_this_template, git, read_answers
from adopt.merge_base import FILES, merge_base, public_answers

REPO = Path(__file__).resolve().parent.parent
ANSWERS_FILE = ".copier-answers.yml"
YOURS, THEIRS = "your file", "chora-base"
SERVER_NOTE = (
    "docker compose serves MCP over streamable HTTP: make your server's main() honour "
    "MCP_TRANSPORT, MCP_SERVER_HOST and MCP_SERVER_PORT (see this template's server.py)"
)


@dataclass
class Step:
    action: str  # merged, added, adapted, kept, left, not added, note
    path: str
    note: str = ""
    content: str | None = None  # what to write; None writes nothing
    conflicts: int = 0


def parse_data(pairs: list[str]) -> dict:
    data = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise AdoptError(f"--data takes KEY=VALUE (got {pair!r})")
        data[key.strip()] = yaml.safe_load(value)
    return data


def check_work_tree(project: Path, clean: bool) -> None:
    status = git(project, "status", "--porcelain")
    if status.returncode != 0:
        raise AdoptError(f"{project} is not a git work tree: run git init and commit it first")
    if clean and status.stdout.strip():
        raise AdoptError(f"{project} has uncommitted changes: commit or stash them first")


def render_template(template: str, answers: dict, ask: bool, scratch: Path) -> Path:
    """This template rendered for the answers (copier's own validators run);
    the scratch project includes the answers file copier writes."""
    destination = scratch / "rendered"
    # copier prints "No git tags found in template; using HEAD as ref" even
    # when quiet; the report says what the answers are pinned to instead.
    with contextlib.redirect_stderr(io.StringIO()):
        copier.run_copy(
            template, destination, data=answers, defaults=not ask, unsafe=False, quiet=True
        )
    return destination


def merge3(yours: str, base: str, theirs: str) -> tuple[str, int]:
    """git merge-file: the merged text and the number of conflicts."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, text in (("yours", yours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        result = subprocess.run(
            ["git", "merge-file", "-p", "-L", YOURS, "-L", "public chora-base", "-L", THEIRS]
            + paths,
            capture_output=True,
            text=True,
        )
    if result.returncode < 0 or result.returncode > 127:
        raise AdoptError(f"git merge-file failed: {result.stderr.strip()}")
    return result.stdout, result.returncode


def project_files(project: Path) -> set[str]:
    """The project's files as git sees them: what its .gitignore leaves out
    (virtualenvs, caches, runtime data) is not the project's to migrate."""
    listed = git(project, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    return {path for path in listed.stdout.split("\0") if path and (project / path).is_file()}


def rendered_files(rendered: Path) -> set[str]:
    return {p.relative_to(rendered).as_posix() for p in rendered.rglob("*") if p.is_file()}


def read(root: Path, path: str) -> str:
    return (root / path).read_text(encoding="utf-8")


def version_steps(project: Path, slug: str, package: str) -> list[Step]:
    """The image's health check and docker-verify read package.__version__."""
    path = f"src/{package}/__init__.py"
    block = (
        f'from importlib.metadata import version as _version\n\n__version__ = _version("{slug}")\n'
    )
    if not (project / path).is_file():
        # Only the version: this template's own __init__ imports its examples.
        text = f'"""The {slug} package."""\n\n{block}'
        note = "the package had no __init__.py; the image reads its __version__"
        return [Step("added", path, note, text)]
    text = read(project, path)
    if re.search(r"(?m)^__version__\b", text):
        return [Step("kept", path)]
    adapted = f"{text.rstrip()}\n\n# Added by chora-base's migration: the image reads it.\n{block}"
    return [Step("adapted", path, "__version__ from the installed metadata", adapted)]


def dependency_names(dependencies: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", dep, maxsplit=1)[0].lower() for dep in dependencies}


def package_imports(rendered: Path, module_path: str) -> list[str]:
    """The render's modules that `module_path` imports from its own package,
    directly or through one another (relative imports), in the order found."""
    found: list[str] = []
    pending = [module_path]
    while pending:
        path = pending.pop(0)
        here = Path(path).parent
        for node in ast.walk(ast.parse(read(rendered, path))):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = here.joinpath(*[".."] * (node.level - 1), *(node.module or "").split("."))
            # `from .pkg import name` imports pkg, and name too where it is a module of pkg.
            names = [alias.name for alias in node.names] + ([""] if node.module else [])
            for name in names:
                target = Path(os.path.normpath(base / name))
                for candidate in (f"{target}.py", f"{target}/__init__.py"):
                    if (rendered / candidate).is_file() and candidate not in found:
                        found.append(candidate)
                        pending.append(candidate)
    return [path for path in found if path != module_path]


def console_script_steps(project: Path, rendered: Path, answers: dict) -> list[Step]:
    """The image runs the project's console script: make it name a module that exists."""
    ours = tomllib.loads(read(project, "pyproject.toml"))
    theirs = tomllib.loads(read(rendered, "pyproject.toml"))
    slug, package = answers["project_name"], answers["package_name"]
    target = theirs.get("project", {}).get("scripts", {}).get(slug)
    current = ours.get("project", {}).get("scripts", {}).get(slug)
    if target is None:
        return []  # a library: the image runs python
    if current:
        module = current.split(":")[0].replace(".", "/")
        if (project / "src" / f"{module}.py").is_file() or (
            project / "src" / module / "__init__.py"
        ).is_file():
            return []
    module_path = f"src/{package}/{target.split(':')[0].split('.')[-1]}.py"
    steps = []
    if not (project / module_path).is_file():
        note = f"the console script's module; {current or 'no script'} named none that exists"
        steps.append(Step("added", module_path, note, read(rendered, module_path)))
        for needed in package_imports(rendered, module_path):
            if not (project / needed).is_file():
                note = f"imported by {module_path}"
                steps.append(Step("added", needed, note, read(rendered, needed)))
    text = read(project, "pyproject.toml")
    line = f'{slug} = "{target}"'
    pattern = rf"(?m)^{re.escape(slug)}\s*=\s*\"[^\"]*\"\s*$"
    if re.search(pattern, text):
        text = re.sub(pattern, line, text, count=1)
    elif re.search(r"(?m)^\[project\.scripts\]\s*$", text):
        text = re.sub(r"(?m)^\[project\.scripts\]\s*$", f"[project.scripts]\n{line}", text, count=1)
    else:
        text = text.rstrip("\n") + f"\n\n[project.scripts]\n{line}\n"
    wanted = theirs["project"].get("dependencies", [])
    have = dependency_names(ours.get("project", {}).get("dependencies", []))
    missing = [dep for dep in wanted if dependency_names([dep]) - have]
    if missing:
        inserted = "".join(f'    "{dep}",\n' for dep in missing)
        text, count = re.subn(r"(?m)^(dependencies\s*=\s*\[\n)", rf"\g<1>{inserted}", text, count=1)
        if not count:
            raise AdoptError(f"pyproject.toml: cannot find the dependencies list to add {missing}")
    note = f"console script {line}" + (f"; dependencies {', '.join(missing)}" if missing else "")
    steps.append(Step("adapted", "pyproject.toml", note, text))
    return steps


DEV_EXTRA = re.compile(r"(?ms)^dev\s*=\s*\[.*?^\]\s*?\n")
EMPTY_EXTRAS = re.compile(r"(?m)^\[project\.optional-dependencies\]\s*\n(?=\s*(\[|\Z))")


def _pyproject(project: Path, adapted: list[Step]) -> tuple[Step | None, str]:
    """pyproject.toml as the steps so far leave it: the step that adapts it, if any."""
    previous = next((s for s in adapted if s.path == "pyproject.toml"), None)
    if previous is not None and previous.content is not None:
        return previous, previous.content
    return previous, read(project, "pyproject.toml")


def _adapted(adapted: list[Step], previous: Step | None, text: str, note: str) -> list[Step]:
    """The steps with pyproject.toml's new text: one step for the file."""
    if previous:
        previous.content, previous.note = text, f"{previous.note}; {note}"
        return adapted
    return [*adapted, Step("adapted", "pyproject.toml", note, text)]


def dev_group_steps(project: Path, adapted: list[Step]) -> list[Step]:
    """`uv sync` (just install, the test image) installs the `dev` dependency
    group, not the `dev` extra that the public release wrote: move it."""
    previous, text = _pyproject(project, adapted)
    parsed = tomllib.loads(text)
    extra = parsed.get("project", {}).get("optional-dependencies", {}).get("dev")
    if extra is None or "dev" in parsed.get("dependency-groups", {}):
        return adapted
    table = re.search(r"(?m)^\[project\.optional-dependencies\]\s*$", text)
    block = DEV_EXTRA.search(text, table.end()) if table else None
    if block is None:
        raise AdoptError("pyproject.toml: cannot find the dev extra to move to a dependency group")
    text = text[: block.start()] + text[block.end() :]
    text = EMPTY_EXTRAS.sub("", text)
    listed = "".join(f"    {dep!r},\n".replace("'", '"') for dep in extra)
    text = (
        text.rstrip("\n")
        + "\n\n# Development tools: `uv sync` installs this group (it was the dev extra).\n"
        + f"[dependency-groups]\ndev = [\n{listed}]\n"
    )
    moved = tomllib.loads(text)
    if moved["dependency-groups"]["dev"] != extra or "dev" in moved["project"].get(
        "optional-dependencies", {}
    ):
        raise AdoptError("pyproject.toml: moving the dev extra to a dependency group failed")
    return _adapted(adapted, previous, text, "dev extra moved to the dev dependency group")


# A table of this release's ruff or mypy settings, with its sub-tables apart.
TOOL_TABLE = re.compile(r"(?ms)^\[tool\.(?P<tool>ruff|mypy)(?:\.[\w.-]+)?\]\n.*?(?=^\[|\Z)")


def tool_settings_steps(project: Path, rendered: Path, adapted: list[Step]) -> list[Step]:
    """`just lint` runs ruff and mypy with pyproject.toml's settings, and this
    release's files follow the template's (line length 100, strict mypy): add
    them where the project has none. mypy reads the folders that hold Python."""
    previous, text = _pyproject(project, adapted)
    present = tomllib.loads(text).get("tool", {})
    tables = []
    for table in TOOL_TABLE.finditer(read(rendered, "pyproject.toml")):
        if table["tool"] in present:
            continue
        block = table[0].rstrip("\n")
        if table["tool"] == "mypy":
            others = [name for name in ("scripts", "tests") if any((project / name).rglob("*.py"))]
            folders = ["src", *others]
            listed = ", ".join(f'"{name}"' for name in folders)
            block = re.sub(r"(?m)^files = .*$", f"files = [{listed}]", block)
        tables.append((table["tool"], block))
    if not tables:
        return adapted
    text = text.rstrip("\n") + "\n\n" + "\n\n".join(block for _, block in tables) + "\n"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AdoptError(
            f"pyproject.toml: adding the ruff and mypy settings failed: {error}"
        ) from None
    names = " and ".join(sorted({tool for tool, _ in tables}))
    return _adapted(adapted, previous, text, f"{names} settings added, as this release's")


def plan(project: Path, rendered: Path, answers: dict) -> list[Step]:
    package = answers["package_name"]
    docker_support = {
        "LICENSE",  # the Dockerfile copies it
        "docs/docker.md",
        "config/settings.toml",
        ".github/workflows/docker.yml",
        f"src/{package}/kit/healthcheck.py",
    }
    ours, theirs = project_files(project), rendered_files(rendered) - {ANSWERS_FILE}
    context = public_answers(project, answers)
    pinned = f"pinned to {answers['_commit']} of {answers['_src_path']}"
    steps = [Step("added", ANSWERS_FILE, pinned, read(rendered, ANSWERS_FILE))]
    adapted = []
    if "Dockerfile" in theirs:  # this release's production image (docker_production)
        adapted = version_steps(project, answers["project_name"], package)
        adapted += console_script_steps(project, rendered, answers)
    adapted = dev_group_steps(project, adapted)
    adapted = tool_settings_steps(project, rendered, adapted)
    handled = {step.path for step in adapted}
    for path in sorted(theirs - handled):
        if path in FILES and path in ours:
            base, source = merge_base(project, path, context)
            merged, conflicts = merge3(read(project, path), base or "", read(rendered, path))
            note = f"base {source}; " + (f"{conflicts} conflict(s)" if conflicts else "clean")
            steps.append(Step("merged", path, note, merged, conflicts))
        elif path in ours:
            steps.append(Step("kept", path))
        elif path in FILES or path in docker_support:
            steps.append(Step("added", path, "", read(rendered, path)))
        else:
            steps.append(Step("not added", path))
    steps += adapted
    if answers["project_type"] == "mcp_server" and f"src/{package}/server.py" not in ours:
        steps.append(Step("note", "", SERVER_NOTE))
    steps += [Step("left", path) for path in sorted(ours - theirs - handled - {ANSWERS_FILE})]
    return steps


def grouped(paths: list[str], fold_over: int = 3) -> str:
    """The paths, a folder with more than fold_over of them shown as `folder/ (N files)`."""
    folders: dict[str, list[str]] = {}
    for path in paths:
        head, sep, _ = path.partition("/")
        folders.setdefault(head + sep, []).append(path)
    shown = []
    for head, members in folders.items():
        if head.endswith("/") and len(members) > fold_over:
            shown.append(f"{head} ({len(members)} files)")
        else:
            shown += members
    return ", ".join(shown)


def report(steps: list[Step], answers: dict, dry_run: bool) -> str:
    lines = [
        f"adopt: {answers['project_name']} ({answers['project_type']})"
        + (" -- dry run, nothing written" if dry_run else "")
    ]
    for step in steps:
        if step.action in ("merged", "added", "adapted"):
            verb = {"merged": "merge", "added": "add", "adapted": "adapt"}[step.action]
            label = verb if dry_run else step.action
            note = f"  ({step.note})" if step.note else ""
            lines.append(f"  {label:<8} {step.path}{note}")
    for action, meaning in (
        ("kept", "yours, not rewritten"),
        ("left", "made by the public release, not by this template"),
        ("not added", "this template's own examples and files; your code stays yours"),
    ):
        paths = [step.path for step in steps if step.action == action]
        if paths:
            lines.append(f"  {action} ({meaning}): {grouped(paths)}")
    lines += [f"  note: {step.note}" for step in steps if step.action == "note"]
    conflicted = [step.path for step in steps if step.conflicts]
    if conflicted:
        expected = "expected in" if dry_run else "to resolve in"
        lines.append(
            f"conflicts {expected}: {', '.join(conflicted)} (<<<<<<< {YOURS} ... "
            f">>>>>>> {THEIRS}; keep this release's structure, carry your change into it)"
        )
    if not dry_run:
        lines += [
            "Next: review with `git diff`, resolve any conflicts, then",
            "  git add -A && git commit -m 'Migrate to chora-base'",
            "and from then on `copier update` brings each new release.",
        ]
    return "\n".join(lines)


def apply(project: Path, steps: list[Step]) -> None:
    for step in steps:
        if step.content is not None:
            target = project / step.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.content, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="the project made by the public chora-base")
    parser.add_argument(
        "--template",
        default=str(REPO),
        help="chora-base as copier should find it later: a URL or an absolute path "
        "(default: this clone)",
    )
    parser.add_argument(
        "-d", "--data", action="append", default=[], metavar="KEY=VALUE", help="an answer"
    )
    parser.add_argument(
        "--defaults", action="store_true", help="take the template's default for what is unknown"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    args = parser.parse_args(argv)
    project = args.project.resolve()
    try:
        if (project / ANSWERS_FILE).exists():
            raise AdoptError(f"{project / ANSWERS_FILE} exists already: run copier update")
        answers = for_this_template({**read_answers(project), **parse_data(args.data)})
        check_work_tree(project, clean=not args.dry_run)
        answers.setdefault("copyright_year", str(date.today().year))
        ask = not args.defaults and sys.stdin.isatty()
        if not ask and not args.defaults:
            raise AdoptError("no terminal to ask on: pass --defaults and --data KEY=VALUE")
        if "project_type" not in answers and not ask:
            raise AdoptError(
                "cannot tell the project type from its files: pass --data project_type=TYPE"
            )
        with tempfile.TemporaryDirectory(prefix="chora-adopt-") as scratch:
            rendered = render_template(args.template, answers, ask, Path(scratch))
            recorded = yaml.safe_load(read(rendered, ANSWERS_FILE))
            steps = plan(project, rendered, recorded)
    except AdoptError as exc:
        print(f"adopt: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # a copier validator refused an answer
        print(f"adopt: {str(exc).splitlines()[-1]}", file=sys.stderr)
        return 2
    if not args.dry_run:
        apply(project, steps)
    print(report(steps, recorded, args.dry_run))
    return 0
