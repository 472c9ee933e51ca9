"""accounts.E001 / E002: the policy table and the code agree.

E001: code uses a permission no role can be granted (a typo, or a permission nobody was given).
E002: an app grants, declares as a clearance, or marks a permission that does not exist (neither
Django's view/add/change/delete of an installed model nor one an app declares).

The uses are found by reading the project's modules (tests and migrations aside): string literals
"app.codename" passed to the permission helpers (`scope_codes`, `allowed`, `has_perm`,
`permission_required`, …) or as a `permission=`/`perms=` keyword, assigned to a name that says
PERMISSION, and `Model.objects.restrict(user, "action")` (the permission "app.action_model").
"""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register

from civicgrid.accounts import roles

# Functions and methods whose string arguments are permissions.
PERMISSION_CALLS = frozenset(
    {
        "has_perm",
        "has_perms",
        "permission_required",
        "scope_codes",
        "allowed",
        "allowed_within",
        "role_has_permission",
        "require",
        "_require",
        "scoped",
    }
)
PERMISSION_KEYWORDS = frozenset({"permission", "permissions", "perm", "perms", "permission_required"})
PERMISSION_SHAPE = re.compile(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\Z")
# A module worth parsing: it names a permission-shaped string or restricts a queryset.
MAY_USE = re.compile(r"""["'][a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*["']|\.restrict\(""")
SKIPPED_DIRS = frozenset({"tests", "migrations", "__pycache__"})


@register()
def check_permissions(app_configs=None, **kwargs):
    return permission_errors(project_sources())


def project_sources():
    """The folders of the project's own apps (those below BASE_DIR, not installed packages)."""
    base = Path(settings.BASE_DIR).resolve()
    folders = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            folders.append(path)
    return folders


def permission_errors(sources, entries=None):
    """The errors for the modules below `sources` (folders or files) against the registered policy
    entries (or `entries`)."""
    entries = list(roles.REGISTRY) if entries is None else list(entries)
    known = roles.known_permissions() | {name for entry in entries for name in entry.declares}
    clearances = frozenset().union(*(entry.clearances for entry in entries))
    granted = frozenset().union(*(p for entry in entries for p in entry.grants.values()))
    errors = []
    for entry in entries:
        for role, permissions in sorted(entry.grants.items()):
            for permission in sorted(permissions - known):
                errors.append(
                    Error(
                        f"{entry.app} grants {role.value} the permission {permission!r}, which does not exist",
                        hint="use Django's view/add/change/delete_<model> of an installed model, or declare it",
                        obj=f"{entry.app}.permissions",
                        id="accounts.E002",
                    )
                )
        for permission in sorted(entry.clearances - known):
            errors.append(
                Error(
                    f"{entry.app} marks {permission!r} as a clearance, but it does not exist",
                    obj=f"{entry.app}.permissions",
                    id="accounts.E002",
                )
            )
    # Who can be granted what: any role that lists it, and the system admin everything that exists
    # but the clearances.
    holdable = granted | (known - clearances)
    for permission, where in permission_uses(sources):
        if permission in known and permission in holdable:
            continue
        reason = "it does not exist" if permission not in known else "no role lists it"
        errors.append(
            Error(
                f"uses the permission {permission!r}, which no role can be granted ({reason})",
                hint="grant it in the app's permissions.py (civicgrid.accounts.roles.Permissions) or fix the name",
                obj=where,
                id="accounts.E001",
            )
        )
    return errors


def permission_uses(sources):
    """(permission, "path:line") for every use found in the modules below `sources`."""
    uses = []
    for path in _python_files(sources):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # Python itself reports this
        if not MAY_USE.search(text):
            continue
        try:
            tree = ast.parse(text, filename=str(path))
        except SyntaxError:
            continue
        where = _display(path)
        nodes, imported = [], {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    imported[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, (ast.Call, ast.Assign, ast.AnnAssign)):
                nodes.append(node)
        for node in sorted(nodes, key=lambda node: (node.lineno, node.col_offset)):
            for permission in _uses_in(node, imported, path):
                uses.append((permission, f"{where}:{node.lineno}"))
    return uses


def _python_files(sources):
    for source in sources:
        source = Path(source)
        if source.is_file():
            yield source
            continue
        for path in sorted(source.rglob("*.py")):
            relative = path.relative_to(source).parts
            if SKIPPED_DIRS.intersection(relative[:-1]) or path.name.startswith("test_") or path.name == "conftest.py":
                continue
            yield path


def _display(path):
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def _uses_in(node, imported, path):
    if isinstance(node, ast.Call):
        name = _call_name(node.func)
        if name in PERMISSION_CALLS:
            for argument in node.args:
                yield from _literals(argument)
        for keyword in node.keywords:
            if keyword.arg in PERMISSION_KEYWORDS or (name in PERMISSION_CALLS and keyword.arg is not None):
                yield from _literals(keyword.value)
        if name == "restrict":
            permission = _restricted_permission(node, imported, path)
            if permission:
                yield permission
    elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any("permission" in _target_name(target).lower() for target in targets):
            yield from _literals(node.value)


def _literals(node):
    """The permission-shaped strings of a literal, a collection of them, a dict's values, or an
    expression combining them (`A | {"x.y"}`); calls are not entered."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if PERMISSION_SHAPE.match(node.value):
            yield node.value
    elif isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        for element in node.elts:
            yield from _literals(element)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _literals(value)
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def _call_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _target_name(target):
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return ""


def _restricted_permission(call, imported, path):
    """The permission `Model.objects…restrict(user, "action")` asks for ("app.action_model")."""
    if len(call.args) > 1:
        action = call.args[1]
    else:
        action = next((k.value for k in call.keywords if k.arg == "action"), ast.Constant("view"))
    if not (isinstance(action, ast.Constant) and isinstance(action.value, str)):
        return None
    model = _model_named(_manager_owner(call.func), imported, path)
    if model is None:
        return None
    return f"{model._meta.app_label}.{action.value}_{model._meta.model_name}"


def _manager_owner(func):
    """ "Building" in `Building.objects.filter(...).restrict`."""
    node = func.value if isinstance(func, ast.Attribute) else None
    while node is not None:
        if isinstance(node, ast.Attribute):
            if node.attr == "objects" and isinstance(node.value, ast.Name):
                return node.value.id
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return None
    return None


def _model_named(name, imported, path):
    if name is None:
        return None
    if name in imported:
        module, original = imported[name]
        config = apps.get_containing_app_config(module)
        if config is not None:
            try:
                return config.get_model(original)
            except LookupError:
                return None
        return None
    # Defined in the file itself (a models module) or elsewhere: a model of that name, if only one.
    candidates = [model for model in apps.get_models() if model.__name__ == name]
    here = [model for model in candidates if Path(apps.get_app_config(model._meta.app_label).path) in path.parents]
    if len(here) == 1:
        return here[0]
    return candidates[0] if len(candidates) == 1 else None
