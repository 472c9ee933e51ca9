"""The floors' rule beyond what import-linter checks (docs/architecture.md): an app uses another app
only through its public names — never a name that starts with an underscore."""

import ast
from pathlib import Path

import civicgrid

PACKAGE = Path(civicgrid.__file__).resolve().parent


def _app_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "civicgrid" else None


def _private_uses(path):
    own = path.relative_to(PACKAGE).parts[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported_modules = {}  # local name -> module path of another app
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and _app_of(node.module) not in (None, own):
            if any(part.startswith("_") for part in node.module.split(".")):
                yield f"{path}:{node.lineno} imports {node.module}"
            for alias in node.names:
                if alias.name.startswith("_"):
                    yield f"{path}:{node.lineno} imports {node.module}.{alias.name}"
                imported_modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported_modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            yield f"{path}:{node.lineno} uses {imported_modules[node.value.id]}.{node.attr}"


def test_no_app_uses_another_apps_private_names():
    sources = [
        path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts and len(path.relative_to(PACKAGE).parts) > 1
    ]
    assert len(sources) > 100
    found = [use for path in sources for use in _private_uses(path)]
    assert not found, "use the other app's public modules (actions, selectors, policy, events):\n" + "\n".join(found)
