"""People's part of the policy table (civicgrid.accounts.roles), registered in PeopleConfig.ready().

Base data: seeing persons, houses and buildings of one's subtree; changing them (including
door-knocking verification); unmasking ID numbers and phones (with a reason, logged); exporting and
importing; the access log (auditors). Sensitive special-group tags need their own permissions.
Buildings, compounds (小区), property companies and merchants are kept by community staff; houses,
households and persons also by grid workers. Application roles (API keys) hold none of these.
docs/roles.md shows the whole table.
"""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

VIEW = {
    "people.view_building",
    "people.view_house",
    "people.view_household",
    "people.view_person",
    "people.view_enterprise",
    "people.view_rental",
    "people.view_compound",
    "people.view_propertycompany",
}
WORK = VIEW | {
    "people.change_person",
    "people.change_house",
    "people.change_household",
    "people.view_sensitive_tag",
}
MANAGE = WORK | {
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

PERMISSIONS = Permissions(
    "people",
    grants={
        Role.MICROGRID_MEMBER: VIEW,
        Role.GRID_WORKER: WORK,
        Role.COMMUNITY_STAFF: MANAGE,
        Role.STREET_STAFF: VIEW | {"people.export_person", "people.view_accesslog"},
        Role.COMMAND_OPERATOR: VIEW,
    },
    declares={
        "people.unmask_person": "see a person's full ID number and phone (with a reason, logged)",
        "people.export_person": "export the persons of a region to a spreadsheet",
        "people.import_person": "import buildings, houses and persons from a spreadsheet",
        "people.view_sensitive_tag": "see sensitive special-group tags",
        "people.view_restricted_tag": "see restricted special-group tags",
    },
    # Never implied by the system-admin role or by superuser status (civicgrid.people.policy).
    clearances={
        "people.view_sensitive_tag",
        "people.view_restricted_tag",
        "people.unmask_person",
        "people.export_person",
    },
    order=40,
)
