"""The layering, computed from the code: the ground floor and the config never reach an edge.

Imports are read with ``ast`` from every module of the package, including
imports inside functions (lazy imports still tie modules together), so the
rules hold however an import is written.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import opskit

PACKAGE_DIR = Path(opskit.__file__).parent
EDGES = ("opskit.cli", "opskit.commands", "opskit.console")
ACTIONS = ("opskit.actions",)
GROUND_FLOOR = (
    "opskit.result",
    "opskit.errors",
    "opskit.catalog",
    "opskit.masking",
    "opskit.paths",
    "opskit.parsed_cache",
    "opskit.userdirs",
    "opskit.timeutil",
    "opskit.text",
)
BELOW_THE_EDGES = ("opskit.config", "opskit.store", "opskit.grammar", *GROUND_FLOOR)


def module_files() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        parts = ["opskit", *path.relative_to(PACKAGE_DIR).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Every module name an import statement in ``path`` refers to (absolute)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def owning_module(name: str) -> str | None:
    """The package module a dotted name belongs to (``opskit.x.y.Name`` -> ``opskit.x.y``)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {owning_module(name) for name in imported_names(module, path)}
        graph[module] = {target for target in targets if target and target != module}
        graph[module].discard("opskit")  # the package root holds only __version__
    return graph


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def reachable(graph: dict[str, set[str]], start: str) -> dict[str, str]:
    """Every module ``start`` reaches, each with the module that imports it on the way."""
    seen: dict[str, str] = {}
    stack = [start]
    while stack:
        current = stack.pop()
        for target in graph[current]:
            if target not in seen:
                seen[target] = current
                stack.append(target)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root, targets in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(targets)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_sees_the_package_and_its_imports() -> None:
    graph = import_graph()

    assert "opskit.config.load" in graph
    assert "opskit.grammar" in graph["opskit.config.load"]
    assert "opskit.result" in graph["opskit.catalog"]


def test_no_module_below_the_edges_reaches_an_edge_or_an_action() -> None:
    graph = import_graph()
    offences = []
    for module in graph:
        if not within(module, BELOW_THE_EDGES):
            continue
        via = reachable(graph, module)
        for target in via:
            if within(target, EDGES + ACTIONS):
                offences.append(f"{module} reaches {target} (imported by {via[target]})")

    assert offences == []


def test_no_import_circle_among_the_modules() -> None:
    assert cycles(import_graph()) == []


def test_a_circle_is_found_when_there_is_one() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert cycles(graph) == [["a", "b", "c"]]
