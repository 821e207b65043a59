"""The package's shape: no import circles (imports inside functions count too), every module
says what it owns, pages stay pages, and layers point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workshop"

#: Which areas each area may import. Pages sit on top; the engine sits on the database.
#: The interface's languages (i18n) sit below everything: any area may say things.
LAYERS = {
    "i18n": {"i18n"},
    "engine": {"engine", "i18n"},
    "content": {"content", "engine", "i18n"},
    "couple": {"couple", "content", "engine", "i18n"},
    "printing": {"printing", "content", "engine", "couple", "i18n"},
    "components": {"components", "engine", "i18n"},
    "views": {"views", "components", "printing", "couple", "content", "engine", "i18n"},
    "cli": {"content", "engine", "printing", "i18n"},
    "server": {"server", "engine", "i18n"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``path`` imports anywhere in it, functions included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in known}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path, known) - {name} for name, path in known.items()}


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle in ``graph`` as the list of modules around it, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = "open"
        stack.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state and (circle := visit(target)):
                return circle
        stack.pop()
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state and (circle := visit(name)):
            return circle
    return None


def test_the_circle_finder_sees_a_circle_through_a_function_level_import():
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": set()}) is None


def test_no_module_of_the_package_imports_itself_round_in_a_circle():
    assert find_circle(import_graph()) is None


def area(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "package"


def test_areas_import_only_the_areas_below_them():
    wrong = [
        f"{name} imports {target}"
        for name, targets in import_graph().items()
        for target in targets
        if area(name) in LAYERS and area(target) not in LAYERS[area(name)]
    ]
    assert wrong == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_every_module_opens_with_a_docstring_saying_what_it_owns(name):
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring, f"{name} has no opening docstring"
    assert len(docstring.split()) >= 5, f"{name}: {docstring!r} says too little"


#: What a page must not do itself: talk SQL, read files, parse YAML/TOML or build PDFs.
PAGE_FORBIDDEN_IMPORTS = {"sqlalchemy", "psycopg", "sqlite3", "yaml", "tomllib", "fpdf"}


@pytest.mark.parametrize(
    "name", sorted(n for n in modules() if area(n) == "views" and n != "workshop.views")
)
def test_pages_call_the_areas_below_instead_of_doing_their_work(name):
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported.isdisjoint(PAGE_FORBIDDEN_IMPORTS), imported & PAGE_FORBIDDEN_IMPORTS
    opened = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "open")
            or (
                isinstance(node.func, ast.Attribute)
                and node.func.attr
                in {"read_text", "read_bytes", "write_bytes", "write_text", "execute"}
            )
        )
    ]
    assert opened == [], f"{name} reads, writes or executes itself at lines {opened}"
