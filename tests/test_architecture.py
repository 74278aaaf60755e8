"""The shape of the package: no import cycle, blueprints apart, Whoosh behind the search module.

Read from the source with `ast`, so an import hidden inside a function counts as much as one at
the top of a module: a lazy import that only dodges a cycle is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "catalogue"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def imports(name: str) -> list[tuple[str, ast.stmt, bool]]:
    """Return (imported catalogue module, statement, inside a function) for every import of a module."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module != "__future__":
                if child.level:
                    base = package[:len(package) - (child.level - 1)]
                    source = ".".join(base + ([child.module] if child.module else []))
                else:
                    source = child.module or ""
                for alias in child.names:
                    target = f"{source}.{alias.name}"
                    target = target if target in MODULES else source
                    if target in MODULES and target != name:
                        found.append((target, child, nested))
            elif isinstance(child, ast.Import):
                found.extend((a.name, child, nested) for a in child.names if a.name in MODULES)
            visit(child, nested)

    visit(tree, False)
    return found


def graph() -> dict[str, set[str]]:
    return {name: {target for target, _, _ in imports(name)} for name in MODULES}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return found


def audience(name: str) -> str | None:
    """Return the blueprint a module belongs to: the module (or package) that defines it."""
    for owner in BLUEPRINTS:
        if name == owner or name.startswith(owner + "."):
            return owner
    return None


BLUEPRINTS = sorted(
    module_name(path).removesuffix(".blueprint")
    for path in MODULES.values()
    if "Blueprint(" in path.read_text(encoding="utf-8")
)


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back():
    assert cycles(graph()) == []


def test_the_blueprints_are_the_audiences():
    assert BLUEPRINTS == sorted([
        "catalogue.alerts", "catalogue.api", "catalogue.auth", "catalogue.contact",
        "catalogue.contribute",
        "catalogue.embed", "catalogue.exports", "catalogue.media.serving", "catalogue.moderation",
        "catalogue.observatory",
        "catalogue.public", "catalogue.reports", "catalogue.selection",
    ])


@pytest.mark.parametrize("name", sorted(n for n in MODULES if audience(n)))
def test_a_blueprint_imports_no_other_blueprint(name):
    others = {target for target, _, _ in imports(name)
              if audience(target) not in (None, audience(name))}
    assert not others, f"{name} imports {sorted(others)}: move what they share out of the blueprints"


def test_only_the_app_factory_imports_inside_a_function():
    """A function-level import of our own modules hides a cycle; the factory is the exception
    (blueprints are imported when an app is made, as in Flask's tutorial)."""
    lazy = sorted(f"{name} line {node.lineno}" for name in MODULES
                  for _, node, nested in imports(name) if nested and name != "catalogue")
    assert lazy == []


def test_only_the_search_package_imports_whoosh():
    outside = []
    for name, path in MODULES.items():
        if name.startswith("catalogue.search"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            outside += [f"{name}: {n}" for n in names if n.split(".")[0] == "whoosh"]
    assert outside == []
