"""The shape of the code (issue 14, docs/code-map.md): no module reaches for another module's
private names, and no module grows past 800 lines. The dependency arrows between apps and the
absence of import circles inside an app are checked by import-linter (`lint-imports`, run by
`make lint`; contracts in pyproject.toml)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("config", "accounts", "indicators", "returns", "audits", "complaints", "scrutiny", "demo")
# The two return derivations follow the DfE's own specifications step by step (docs/0009).
LONG_BY_NATURE = {"returns/derive_cin.py", "returns/derive_903.py"}
MOST_LINES = 800


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path
    for app in APPS
    for path in (ROOT / app).rglob("*.py")
    if "migrations" not in path.parts
}


def private_names_taken(name: str, path: Path) -> list[str]:
    """Private names this module takes from another of ours: `from x import _y`, or `x._y`
    where `x` is one of our modules it imported."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    taken: list[str] = []
    module_aliases: dict[str, str] = {}
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    module_aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _level in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = f"{base}.{node.module}" if node.level and node.module else node.module
            source = source or base
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:
                    module_aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
                elif alias.name.startswith("_") and source in MODULES and source != name:
                    taken.append(f"{name} imports {alias.name} from {source}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and module_aliases.get(node.value.id, name) != name
        ):
            taken.append(f"{name} reads {module_aliases[node.value.id]}.{node.attr}")
    return taken


def test_no_module_takes_another_modules_private_names() -> None:
    taken = [found for name, path in MODULES.items() for found in private_names_taken(name, path)]
    assert taken == []


@pytest.mark.parametrize("app", APPS)
def test_no_module_is_longer_than_800_lines(app: str) -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for name, path in MODULES.items()
        if name.partition(".")[0] == app
        and str(path.relative_to(ROOT)) not in LONG_BY_NATURE
        and (lines := len(path.read_text().splitlines())) > MOST_LINES
    }
    assert too_long == {}
