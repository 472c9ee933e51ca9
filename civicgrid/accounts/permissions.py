"""Accounts' part of the policy table (civicgrid.accounts.roles): the tree and the user accounts.

The regions app sits below accounts and names no role, so who sees and keeps the tree the roles are
assigned on is declared here. Registered in AccountsConfig.ready(); docs/roles.md shows the table.
"""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

# Seeing the tree (regions, grids) and the departments of one's subtree.
VIEW_TREE = {"regions.view_region", "regions.view_department"}

PERMISSIONS = Permissions(
    "accounts",
    grants={
        Role.RESIDENT: {"regions.view_region"},
        Role.MICROGRID_MEMBER: VIEW_TREE,
        Role.GRID_WORKER: VIEW_TREE,
        # Residents' self-registrations in their communities: approve, reject, reset a password.
        Role.COMMUNITY_STAFF: VIEW_TREE | {"accounts.review_registration"},
        Role.STREET_STAFF: VIEW_TREE,
        Role.DEPARTMENT_STAFF: VIEW_TREE,
        Role.COMMAND_OPERATOR: VIEW_TREE,
        Role.SYSTEM_ADMIN: VIEW_TREE | {"regions.change_region", "regions.change_department", "accounts.change_user"},
        # Applications (API keys) see their region; a hotline integration also dispatches to
        # departments (civicgrid/cases/workflow.py), so it sees them.
        Role.INTEGRATION: {"regions.view_region"},
        Role.HOTLINE_INTEGRATION: VIEW_TREE,
    },
    declares={
        "accounts.review_registration": "approve or reject residents' self-registrations in a community; "
        "give a resident a temporary password",
    },
    order=10,
)
