"""The notices app's part of the policy table (civicgrid.accounts.roles): street staff, community
staff and grid workers write, approve and follow the receipts of notices in their subtree; the
command centre's operators read them. System admins hold everything in their subtree. Residents
and micro-grid members hold none: they read the notices addressed to them (selectors.mine)."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

READ = {"notices.view_notice", "notices.view_noticeread"}
WRITE = READ | {"notices.add_notice", "notices.change_notice", "notices.approve_notice"}

PERMISSIONS = Permissions(
    "notices",
    grants={
        Role.STREET_STAFF: WRITE,
        Role.COMMUNITY_STAFF: WRITE,
        Role.GRID_WORKER: WRITE,
        Role.COMMAND_OPERATOR: READ,
    },
    order=70,
)
