"""The shape of the returns app (issue 14): every kind of import has its handler, and the app's
modules import one another without a circle and without reaching for each other's private
names. Every import statement counts, those inside functions included."""

import ast
from pathlib import Path

from returns.kinds import HANDLERS
from returns.kinds.base import ImportHandler
from returns.models import ImportKind

APP = Path(__file__).resolve().parents[2] / "returns"


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in APP.rglob("*.py") if "migrations" not in path.parts}


def imports_of(name: str, path: Path) -> tuple[set[str], list[str]]:
    """The app's modules this one imports, and the private names it takes from them."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imported: set[str] = set()
    private: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _level in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = f"{base}.{node.module}" if node.level and node.module else node.module
            source = source or base
            imported.add(source)
            for alias in node.names:
                imported.add(f"{source}.{alias.name}")
                if alias.name.startswith("_") and source in MODULES:
                    private.append(f"{name} takes {alias.name} from {source}")
    return imported & set(MODULES), private


def test_every_kind_of_import_has_a_handler() -> None:
    assert set(HANDLERS) == set(ImportKind.values)
    assert all(ImportHandler in type(handler).__mro__ for handler in HANDLERS.values())


def test_the_apps_modules_import_each_other_without_a_circle_or_private_names() -> None:
    graph: dict[str, set[str]] = {}
    taken: list[str] = []
    for name, path in MODULES.items():
        graph[name], private = imports_of(name, path)
        graph[name].discard(name)
        taken += private
    assert taken == []

    # A depth-first walk: a module met again on the path being walked closes a circle.
    finished: set[str] = set()

    def circle_from(start: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
        for other in sorted(graph[start]):
            if other in path:
                return (*path[path.index(other) :], other)
            if other not in finished:
                found = circle_from(other, (*path, other))
                if found:
                    return found
        finished.add(start)
        return None

    assert [circle for name in sorted(graph) if (circle := circle_from(name, (name,)))] == []
