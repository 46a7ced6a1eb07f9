"""Fast tier: a generated package shows its owner what is theirs. The top level
holds the user's modules and the examples, the template's machinery is the one
folder `kit/`, and the imports keep the boundary: the kit imports nothing of
the user's, the user's files (the examples among them) import the kit through
its public names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from questions import choices, effective

HTTP_TYPES = [
    kind for kind in choices("project_type") if effective(project_type=kind)["serves_http"]
]
# The user's modules at the package's top level, by project type.
USER_MODULES = {
    "mcp_server": {"__init__.py", "__main__.py", "config.py", "main.py", "server.py", "tools.py"},
    "web_service": {"__init__.py", "__main__.py", "app.py"},
}


def imports(module: Path, package_dir: Path) -> set[str]:
    """The absolute names of the package's modules that MODULE imports from
    (`from .kit import Access` gives PACKAGE.kit)."""
    parts = list(module.relative_to(package_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level + (module.name == "__init__.py")]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name.split(".")[0] == package_dir.name}


@pytest.fixture(params=HTTP_TYPES, scope="module")
def package(request, render) -> tuple[str, Path]:
    root = render(project_type=request.param, include_docker=True)
    return request.param, next((root / "src").iterdir())


def test_the_top_level_is_the_users_the_examples_and_the_kit(package):
    kind, package_dir = package
    entries = {path.name for path in package_dir.iterdir()} - {"py.typed"}
    folders = {"kit"} | ({"examples"} if kind == "mcp_server" else set())
    assert entries == USER_MODULES[kind] | folders


def test_the_kit_says_it_is_kept_by_the_template(package):
    _, package_dir = package
    docstring = ast.get_docstring(ast.parse((package_dir / "kit" / "__init__.py").read_text()))
    assert docstring and docstring.splitlines()[0].startswith("Kept by the template:")


def test_the_kit_imports_nothing_of_the_users(package):
    _, package_dir = package
    name = package_dir.name
    for module in (package_dir / "kit").glob("*.py"):
        outside = {
            imported
            for imported in imports(module, package_dir)
            if imported != name and not imported.startswith(f"{name}.kit")
        }
        # The package's own root only for its version.
        assert outside == set(), f"kit/{module.name} imports {outside}"


def test_the_users_files_import_the_kit_by_its_public_names(package):
    _, package_dir = package
    name = package_dir.name
    users = [*package_dir.glob("*.py"), *package_dir.glob("examples/*.py")]
    for module in users:
        inside = {i for i in imports(module, package_dir) if i.startswith(f"{name}.kit.")}
        assert inside == set(), f"{module.name} reaches into {inside}"


def test_the_examples_import_what_the_users_files_may(render):
    package_dir = next((render() / "src").iterdir())
    name = package_dir.name
    allowed = {name, f"{name}.config", f"{name}.kit", f"{name}.examples"}
    for module in package_dir.glob("examples/*.py"):
        for imported in imports(module, package_dir):
            assert imported in allowed or imported.startswith(f"{name}.examples."), (
                f"examples/{module.name} imports {imported}"
            )


def test_the_kits_names_are_listed_alike_for_mypy_and_for_its_import(package):
    """kit/__init__.py lists each name three times from one list in the template:
    for mypy (TYPE_CHECKING), in __all__, and in the map its __getattr__ reads."""
    _, package_dir = package
    tree = ast.parse((package_dir / "kit" / "__init__.py").read_text(encoding="utf-8"))
    typed, listed, homes = {}, [], {}
    for node in tree.body:
        if isinstance(node, ast.If):  # if TYPE_CHECKING:
            for imported in node.body:
                assert isinstance(imported, ast.ImportFrom)
                typed |= {alias.name: imported.module for alias in imported.names}
        elif isinstance(node, ast.Assign) and node.targets[0].id == "__all__":
            listed = ast.literal_eval(node.value)
        elif isinstance(node, ast.Assign) and node.targets[0].id == "_HOME":
            homes = ast.literal_eval(node.value)
    assert typed == homes
    assert sorted(listed) == sorted(homes)
    modules = {path.stem for path in (package_dir / "kit").glob("*.py")} - {"__init__"}
    assert set(homes.values()) <= modules
