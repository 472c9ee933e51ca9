"""The command screen's part of the policy table (civicgrid.accounts.roles), registered in
DashboardConfig.ready(): the big screen of one's own subtree, and acknowledging its warnings.
docs/roles.md shows the whole table.
"""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

SCREEN = {"dashboard.view_screen", "dashboard.acknowledge_warning"}

PERMISSIONS = Permissions(
    "dashboard",
    grants={
        Role.GRID_WORKER: SCREEN,
        Role.COMMUNITY_STAFF: SCREEN,
        Role.STREET_STAFF: SCREEN,
        Role.COMMAND_OPERATOR: SCREEN,
    },
    declares={
        "dashboard.view_screen": "see the command screen (指挥大屏) of one's subtree",
        "dashboard.acknowledge_warning": "acknowledge a warning on the command screen",
    },
    order=60,
)
