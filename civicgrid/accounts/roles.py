"""Who may do what: the policy table, assembled from what each app registers.

Each role grants permissions ("app.action_model", Django's naming) within the subtree of the node it
is assigned on. Every app declares, in its own `permissions.py`, which roles hold its permissions (a
`Permissions` entry) and registers it in `AppConfig.ready()` with `roles.register(...)`; the table
below is their union. docs/roles.md prints the whole table for auditors (`manage.py roles_doc`), and
a system check (civicgrid/accounts/checks.py) fails when code uses a permission no role can be
granted, or an app grants one that does not exist.

A system admin holds every permission in its subtree and a superuser every permission everywhere —
except the clearances (sensitive and restricted special-group tags, unmasking, exporting persons;
the apps mark them in their entry), which no status implies: whoever needs one, admins included,
must hold a role that lists it explicitly (e.g. community staff on the community concerned).

Applications act through API keys in one of the application roles (APPLICATION_ROLES): they file
and read the cases of the key's region and never hold any base-data (people.*) permission or
clearance. Application roles are never granted to a person, and no key can hold a person's role.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.core.registry import Registry
from civicgrid.regions.models import Level

APPLICATION_ROLES = frozenset({Role.INTEGRATION, Role.HOTLINE_INTEGRATION})


@dataclass(frozen=True)
class Permissions:
    """One app's part of the policy table.

    `grants` maps a role to the permissions it holds ("app.codename"; an app may grant permissions
    of the floors below it, e.g. accounts grants the tree's). `declares` names the permissions the
    app adds to Django's view/add/change/delete of each model ("people.unmask_person": what it
    allows, for docs/roles.md). `clearances` are the permissions no admin or superuser status
    implies.
    """

    app: str
    grants: dict = field(default_factory=dict)
    declares: dict = field(default_factory=dict)
    clearances: frozenset = frozenset()
    order: int = 100

    def __post_init__(self):
        object.__setattr__(self, "grants", {Role(role): frozenset(p) for role, p in self.grants.items()})
        object.__setattr__(self, "clearances", frozenset(self.clearances))
        for name in self.declares:
            if not name.startswith(f"{self.app}."):
                raise ImproperlyConfigured(f"{self.app} declares {name!r}: an app declares only its own permissions")

    @property
    def name(self):
        return self.app

    @property
    def permissions(self):
        """Every permission this entry names (granted, declared or a clearance)."""
        return frozenset().union(*self.grants.values(), self.declares, self.clearances)


REGISTRY = Registry("permissions")
_table = {}  # role -> frozenset of permissions, the union of the registered grants
_clearances = frozenset()


def register(*entries):
    """Add apps' entries to the policy table (in `AppConfig.ready()`)."""
    global _table, _clearances
    REGISTRY.register(*entries)
    table = {}
    for entry in REGISTRY:
        for role, permissions in entry.grants.items():
            table[role] = table.get(role, frozenset()) | permissions
    _table = table
    _clearances = frozenset().union(*(entry.clearances for entry in REGISTRY))


def role_permissions():
    """{role: frozenset of the permissions it lists explicitly}, for every role."""
    return {role: _table.get(role, frozenset()) for role in Role}


def permissions_of(role):
    return _table.get(role, frozenset())


def clearances():
    """The permissions no system-admin role or superuser status implies."""
    return _clearances


def role_has_permission(role, permission):
    """Whether `role` grants `permission`. The system admin holds everything but the clearances."""
    if permission in _table.get(role, ()):
        return True
    return role == Role.SYSTEM_ADMIN and permission not in _clearances


def known_permissions():
    """Every permission that exists: Django's default ones of each installed model and those the
    registered apps declare."""
    known = set()
    for model in apps.get_models():
        opts = model._meta
        known.update(f"{opts.app_label}.{action}_{opts.model_name}" for action in opts.default_permissions)
        known.update(f"{opts.app_label}.{codename}" for codename, _name in opts.permissions)
    for entry in REGISTRY:
        known.update(entry.declares)
    return known


# The tree level each role is normally assigned on (None: assigned on a department).
ROLE_LEVELS = {
    Role.RESIDENT: {Level.COMMUNITY, Level.GRID, Level.MICROGRID},
    Role.MICROGRID_MEMBER: {Level.MICROGRID, Level.GRID},
    Role.GRID_WORKER: {Level.GRID, Level.MICROGRID},
    Role.COMMUNITY_STAFF: {Level.COMMUNITY},
    Role.STREET_STAFF: {Level.STREET},
    Role.DEPARTMENT_STAFF: None,
    Role.PROPERTY_STAFF: None,
    Role.COMMAND_OPERATOR: {Level.DISTRICT, Level.STREET},
    Role.SYSTEM_ADMIN: {Level.DISTRICT, Level.STREET, Level.COMMUNITY},
    # Application roles are bound to an API key's region (any level), never to a person.
    Role.INTEGRATION: set(),
    Role.HOTLINE_INTEGRATION: set(),
}

# Roles held on a department rather than a region node: their holders work the cases their
# department handles (a government department's staff, a property company's staff).
DEPARTMENT_ROLES = frozenset(role for role, levels in ROLE_LEVELS.items() if levels is None)


def validate_assignment_target(role, region, department):
    if role in APPLICATION_ROLES:
        raise ValidationError(_("该角色仅用于应用的 API 密钥，不能授予个人。"))
    levels = ROLE_LEVELS[Role(role)]
    if levels is None:
        if department is None or region is not None:
            raise ValidationError(_("%(role)s角色必须授予在一个职能部门上。") % {"role": Role(role).label})
        return
    if region is None or department is not None:
        raise ValidationError(_("该角色必须授予在一个区划网格节点上。"))
    if region.level not in levels:
        allowed = "、".join(str(Level(level).label) for level in sorted(levels))
        raise ValidationError(
            _("%(role)s只能授予在以下层级：%(levels)s。") % {"role": Role(role).label, "levels": allowed}
        )
