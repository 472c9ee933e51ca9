"""docs/roles.md, written from the registered policy table (`manage.py roles_doc`)."""

from django.utils import translation

from civicgrid.accounts import roles
from civicgrid.accounts.models import Role

HEADER = """# Roles and permissions

Who may do what, for auditors: every permission an app grants, and the roles that hold it within the
subtree of the node they are assigned on (a department's staff: their department). Each app declares
its part in its own `permissions.py` and registers it in `AppConfig.ready()`
([architecture.md](architecture.md#registries-civicgridcoreregistry)); `civicgrid/accounts/roles.py`
assembles the table. Generated from the code by `python manage.py roles_doc > docs/roles.md`; a test
fails when this page drifts from the code, and a system check (`accounts.E001`, `accounts.E002`)
fails when code uses a permission no role can be granted or an app grants one that does not exist.

The system admin (`system_admin`) holds, in its subtree, every permission (also Django's
view/add/change/delete of the models not listed here) and a superuser every permission everywhere,
**except the clearances** (marked ★): those are held only where a role that lists them is assigned, admins
included. What each role may do to a case is the workflow table (`civicgrid/cases/workflow.py`).
Application roles (`integration`, `hotline_integration`) are held only by API keys.
"""


def render():
    role_list = list(Role)
    with translation.override("zh-hans"):  # the labels' msgids, whatever the active language
        names = ", ".join(f"`{role.value}` {role.label}" for role in role_list)
    lines = [HEADER, f"Roles: {names}.\n"]
    clearances = roles.clearances()
    descriptions = {}
    for entry in roles.REGISTRY:
        descriptions.update(entry.declares)
    for entry in roles.REGISTRY:
        lines.append(f"## {entry.app}\n")
        lines.append("| permission | " + " | ".join(role.value for role in role_list) + " |")
        lines.append("|---|" + "---|" * len(role_list))
        for permission in sorted(frozenset().union(*entry.grants.values(), entry.declares)):
            name = f"`{permission}`" + (" ★" if permission in clearances else "")
            if permission in descriptions:
                name += f": {descriptions[permission]}"
            held = ("✓" if roles.role_has_permission(role, permission) else "" for role in role_list)
            lines.append(f"| {name} | " + " | ".join(held) + " |")
        lines.append("")
    return "\n".join(lines)
