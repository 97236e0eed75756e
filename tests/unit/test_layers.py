"""The architecture, read from the imports: no cycles between packages or files, and no layer importing a
higher one (the order is the README's, in LAYERS). Every import counts, including lazy and type-only ones."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Lowest first. A module may import its own layer and those below it, never one above.
LAYERS = [
    ["bot.types", "bot.errors", "bot.config", "bot.commands"],  # ground: values, errors, settings, the commands
    ["bot.state"],  # the state stores
    ["bot.kb"],  # the knowledge base: documents, chunks, vector stores, ask
    ["bot.slack"],  # Slack I/O: replies through the pacer, uploads, permalinks, the safe file downloader
    ["bot.providers"],  # models: embedders, answerers, Google clients
    ["bot.find", "bot.routing"],  # features: Find, and the router
    ["bot.draw"],  # Draw (saves drawings into the knowledge base's images)
    ["bot.services"],  # the app assembled: build_services
    ["bot.conversation", "bot.offers", "bot.assistant", "bot.warmup"],  # one request, end to end
    ["handlers", "bot.doctor", "bot.doctor_base", "bot.doctor_models", "bot.console"],  # Slack listeners, checks
    ["bot.app", "bot.server", "bot.http_server"],  # the Bolt app and its transports
    ["bot.cli"],  # the `curator` command
]


def _modules() -> dict[str, Path]:
    """Every module of the product, by dotted name."""
    found = {}
    for path in [*REPO.glob("bot/**/*.py"), *REPO.glob("handlers/**/*.py")]:
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> set[str]:
    """The product modules a file imports, anywhere in it (top level, functions, TYPE_CHECKING blocks)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in names if name in MODULES}


EDGES = {module: _imports(module, path) - {module} for module, path in MODULES.items()}


def _layer(module: str) -> int:
    for index, layer in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in layer):
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and to the README's layout section")


def _package(module: str) -> str:
    """The package a module belongs to: its folder (a top-level module of bot/ is its own node)."""
    if MODULES[module].name == "__init__.py" or module.count(".") < 2 and module.startswith("bot."):
        return module
    return module.rsplit(".", 1)[0]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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


def test_no_file_imports_another_that_imports_it_back():
    assert _cycles(EDGES) == []


def test_no_package_cycles():
    packages: dict[str, set[str]] = defaultdict(set)
    for module, targets in EDGES.items():
        source = _package(module)
        packages[source] |= {_package(t) for t in targets
                             if not _package(t).startswith(source + ".") and not source.startswith(_package(t) + ".")}
        packages[source].discard(source)
    assert _cycles(dict(packages)) == []


def test_no_layer_imports_a_higher_one():
    upward = sorted(f"{module} -> {target}" for module, targets in EDGES.items() for target in targets
                    if _layer(target) > _layer(module))
    assert upward == []


def test_the_checker_sees_cycles_upward_and_relative_imports():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _layer("bot.kb.ask") < _layer("bot.find.service") < _layer("bot.cli.main")
    assert "bot.console.emulator_http" in EDGES["bot.console.emulator"], "a relative import is an import too"
    assert "bot.find.index" in EDGES["bot.services"], "a lazy, type-only import is an import too"
