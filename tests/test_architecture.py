"""The import graph of ``src/rathaus``: layers without circles.

core (with the audit log) is the bottom and imports nothing above it; the web kit sits on core; the domain
packages sit on both and do not import each other; only the entry points (the app factory, the CLI, the
migrations) read the module list. Every import counts, also those inside functions and under
``TYPE_CHECKING``: a lazy import hides a dependency, it does not remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
DOMAIN = ("minutes", "inbox", "assistant", "appointments", "applications", "governance")
ENTRY_POINTS = ("rathaus.app", "rathaus.cli", "rathaus.modules")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in SRC.rglob("*.py")}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The rathaus modules that ``path`` imports (``from a import b`` is ``a.b`` where that is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("rathaus"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rathaus"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) for name, path in modules.items()}


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "rathaus"
    if parts[1] in DOMAIN:
        return f"domain:{parts[1]}"
    return parts[1]  # core, web, cli, app, modules, __main__


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_graph_covers_the_source_tree() -> None:
    graph = _graph()
    assert {"rathaus.core.jobs", "rathaus.minutes.text.align", "rathaus.app"} <= set(graph)
    assert "rathaus.core.db" in graph["rathaus.core.jobs"]


def test_core_imports_no_module_no_web_no_cli() -> None:
    graph = _graph()
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        if _within(source, "rathaus.core")
        for target in targets
        if not _within(target, "rathaus.core")
    )
    assert wrong == [], "core must import only core:\n" + "\n".join(wrong)


def test_the_web_kit_imports_no_domain_package_and_no_entry_point() -> None:
    graph = _graph()
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        if _within(source, "rathaus.web")
        for target in targets
        if not (_within(target, "rathaus.core") or _within(target, "rathaus.web"))
    )
    assert wrong == [], "the web kit may import core and itself only:\n" + "\n".join(wrong)


def test_domain_packages_do_not_import_each_other() -> None:
    graph = _graph()
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        for target in targets
        if _layer(source).startswith("domain:")
        and _layer(target) != _layer(source)
        and not (_within(target, "rathaus.core") or _within(target, "rathaus.web"))
    )
    assert wrong == [], "a module may import core, the web kit and itself only:\n" + "\n".join(wrong)


def test_only_the_entry_points_read_the_module_list() -> None:
    graph = _graph()
    readers = sorted(
        source
        for source, targets in graph.items()
        if "rathaus.modules" in targets and not any(_within(source, entry) for entry in ENTRY_POINTS)
    )
    assert readers == []
    env = MIGRATIONS / "env.py"
    assert "rathaus.modules" in _imports(env, set(_modules()))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_import_circles_between_files() -> None:
    assert _cycles(_graph()) == []


def test_the_minutes_text_stages_are_pure() -> None:
    """``minutes/text`` works on transcripts alone: no database, no web, nothing of the pipeline's I/O."""
    graph = _graph()
    allowed = (
        "rathaus.minutes.text",
        "rathaus.minutes.schemas",
        "rathaus.core.ai.protocols",
        "rathaus.core.text",
    )
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        if _within(source, "rathaus.minutes.text")
        for target in targets
        if not any(_within(target, name) for name in allowed)
    )
    assert wrong == []
    for path in (SRC / "rathaus" / "minutes" / "text").glob("*.py"):
        assert "sqlalchemy" not in path.read_text(encoding="utf-8"), path.name


def test_the_text_toolkit_is_pure() -> None:
    """``core/text`` is plain string work that the minutes stages rely on: it imports only itself."""
    graph = _graph()
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        if _within(source, "rathaus.core.text")
        for target in targets
        if not _within(target, "rathaus.core.text")
    )
    assert wrong == []
    for path in (SRC / "rathaus" / "core" / "text").glob("*.py"):
        assert "sqlalchemy" not in path.read_text(encoding="utf-8"), path.name


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", DOMAIN)
def test_a_domain_package_is_at_most_two_levels_deep(package: str) -> None:
    root = SRC / "rathaus" / package
    deep = [
        str(path.relative_to(root)) for path in root.rglob("*.py") if len(path.relative_to(root).parts) > 2
    ]
    assert deep == []
