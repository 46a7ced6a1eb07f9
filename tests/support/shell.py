"""shellcheck on every shell script the repository runs or ships: .ci/'s
scripts, the stub commands, and a generated justfile's recipes as just runs
them (each line with `sh -cu`; a shebang recipe as the script it is)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from commands import run, tool


def shellcheck(paths: list[Path], cwd: Path) -> str:
    """shellcheck's findings for the files (empty when there are none); -x
    follows a `source` to the file it names."""
    result = subprocess.run(
        [tool("shellcheck"), "--external-sources", "--format=gcc", *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def recipe_scripts(root: Path) -> dict[str, str]:
    """The scripts a project's justfile runs, by recipe (`NAME` for a shebang
    recipe, `NAME:LINE` for one line of a recipe), with each `{{ }}` given as the
    name of the variable it reads: a word, as just's value would be."""
    dump = json.loads(run([tool("just"), "--dump", "--dump-format", "json"], cwd=root).stdout)
    scripts = {}
    for name, recipe in dump["recipes"].items():
        lines = ["".join(map(_text, fragments)) for fragments in recipe["body"]]
        if recipe["shebang"]:
            scripts[name] = "\n".join(lines) + "\n"
            continue
        for number, command in enumerate(_commands(lines), 1):
            scripts[f"{name}:{number}"] = "#!/bin/sh\n" + command.lstrip("@-") + "\n"
    return scripts


def _text(fragment) -> str:
    if isinstance(fragment, str):
        return fragment
    expression = fragment[0]
    return expression[1] if expression[0] == "variable" else "value"


def _commands(lines: list[str]) -> list[str]:
    """Lines as just hands them to the shell: one ending in a backslash goes on."""
    commands, current = [], ""
    for line in lines:
        current += line
        if line.endswith("\\"):
            current += "\n"
            continue
        if current.strip():
            commands.append(current)
        current = ""
    return commands


def recipe_findings(root: Path, scratch: Path) -> str:
    """shellcheck's findings in every recipe of ROOT's justfile."""
    paths = []
    for name, script in recipe_scripts(root).items():
        path = scratch / name.replace(":", "-line-")
        path.write_text(script)
        paths.append(path)
    return shellcheck(paths, cwd=scratch)
