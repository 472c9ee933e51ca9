"""Who may do what: the policy table, in one place for auditors to read.

Each role grants permissions ("app.action_model", Django's naming) within the subtree of the node it
is assigned on. Later modules add their permissions here. A system admin holds every permission in
its subtree and a superuser every permission everywhere — except the clearances (CLEARANCES below:
sensitive and restricted special-group tags, unmasking, exporting persons), which no status implies:
whoever needs one, admins included, must hold a role that lists it explicitly (e.g. community staff
on the community concerned).

Applications act through API keys in one of the application roles (APPLICATION_ROLES): they file
and read the cases of the key's region and never hold any base-data (people.*) permission or
clearance. Application roles are never granted to a person, and no key can hold a person's role.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.regions.models import Level

VIEW_TREE = {"regions.view_region", "regions.view_department"}

# Cases: seeing the cases of one's subtree (a department's staff: of their department only).
# What each role may *do* to a case is the workflow table in civicgrid/cases/workflow.py.
CASE_WORK = {"cases.view_case", "cases.add_case"}

# People (base data). Seeing persons, houses and buildings of one's subtree; changing them (including
# door-knocking verification); unmasking ID numbers and phones (with a reason, logged); exporting and
# importing; the access log (auditors). Sensitive special-group tags need their own permissions.
# Buildings, compounds (小区), property companies and merchants are kept by community staff; houses,
# households and persons also by grid workers.
PEOPLE_VIEW = {
    "people.view_building",
    "people.view_house",
    "people.view_household",
    "people.view_person",
    "people.view_enterprise",
    "people.view_rental",
    "people.view_compound",
    "people.view_propertycompany",
}
PEOPLE_WORK = PEOPLE_VIEW | {
    "people.change_person",
    "people.change_house",
    "people.change_household",
    "people.view_sensitive_tag",
}
PEOPLE_MANAGE = PEOPLE_WORK | {
    "people.unmask_person",
    "people.export_person",
    "people.import_person",
    "people.view_restricted_tag",
    "people.view_accesslog",
    "people.change_building",
    "people.change_compound",
    "people.change_propertycompany",
    "people.change_enterprise",
}

# Clearances: never implied by the system-admin role or by superuser status (see the docstring).
CLEARANCES = frozenset(
    {
        "people.view_sensitive_tag",
        "people.view_restricted_tag",
        "people.unmask_person",
        "people.export_person",
    }
)

# Applications (API keys): an intake integration (Open311 clients, mini-programs) files cases and
# reads its region's cases; a hotline integration (12345) also registers hotline work orders and
# takes the dispatcher's steps in its region (civicgrid/cases/workflow.py), so it sees departments.
INTEGRATION_WORK = {"regions.view_region", "cases.view_case", "cases.add_case"}

ROLE_PERMISSIONS = {
    Role.RESIDENT: {"regions.view_region", "cases.add_case"},
    Role.MICROGRID_MEMBER: VIEW_TREE | CASE_WORK | PEOPLE_VIEW,
    Role.GRID_WORKER: VIEW_TREE | CASE_WORK | PEOPLE_WORK,
    Role.COMMUNITY_STAFF: VIEW_TREE | CASE_WORK | PEOPLE_MANAGE,
    Role.STREET_STAFF: VIEW_TREE | CASE_WORK | PEOPLE_VIEW | {"people.export_person", "people.view_accesslog"},
    Role.DEPARTMENT_STAFF: VIEW_TREE | CASE_WORK,
    Role.COMMAND_OPERATOR: VIEW_TREE | CASE_WORK | PEOPLE_VIEW,
    Role.SYSTEM_ADMIN: VIEW_TREE
    | CASE_WORK
    | {"regions.change_region", "regions.change_department", "accounts.change_user", "cases.change_category"},
    Role.INTEGRATION: INTEGRATION_WORK,
    Role.HOTLINE_INTEGRATION: INTEGRATION_WORK | {"regions.view_department"},
}

APPLICATION_ROLES = frozenset({Role.INTEGRATION, Role.HOTLINE_INTEGRATION})

# The tree level each role is normally assigned on (None: assigned on a department).
ROLE_LEVELS = {
    Role.RESIDENT: {Level.COMMUNITY, Level.GRID, Level.MICROGRID},
    Role.MICROGRID_MEMBER: {Level.MICROGRID, Level.GRID},
    Role.GRID_WORKER: {Level.GRID, Level.MICROGRID},
    Role.COMMUNITY_STAFF: {Level.COMMUNITY},
    Role.STREET_STAFF: {Level.STREET},
    Role.DEPARTMENT_STAFF: None,
    Role.COMMAND_OPERATOR: {Level.DISTRICT, Level.STREET},
    Role.SYSTEM_ADMIN: {Level.DISTRICT, Level.STREET, Level.COMMUNITY},
    # Application roles are bound to an API key's region (any level), never to a person.
    Role.INTEGRATION: set(),
    Role.HOTLINE_INTEGRATION: set(),
}


def role_has_permission(role, permission):
    """Whether `role` grants `permission`. The system admin holds everything but the clearances."""
    if permission in ROLE_PERMISSIONS.get(role, ()):
        return True
    return role == Role.SYSTEM_ADMIN and permission not in CLEARANCES


def validate_assignment_target(role, region, department):
    if role in APPLICATION_ROLES:
        raise ValidationError(_("该角色仅用于应用的 API 密钥，不能授予个人。"))
    levels = ROLE_LEVELS[Role(role)]
    if levels is None:
        if department is None or region is not None:
            raise ValidationError(_("部门工作人员角色必须授予在一个职能部门上。"))
        return
    if region is None or department is not None:
        raise ValidationError(_("该角色必须授予在一个区划网格节点上。"))
    if region.level not in levels:
        allowed = "、".join(str(Level(level).label) for level in sorted(levels))
        raise ValidationError(
            _("%(role)s只能授予在以下层级：%(levels)s。") % {"role": Role(role).label, "levels": allowed}
        )


# Dashboard (指挥大屏, civicgrid.dashboard): the big screen of one's own subtree, and acknowledging
# its warnings.
DASHBOARD_WORK = {"dashboard.view_screen", "dashboard.acknowledge_warning"}
for dashboard_role in (Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR):
    ROLE_PERMISSIONS[dashboard_role] = ROLE_PERMISSIONS[dashboard_role] | DASHBOARD_WORK
