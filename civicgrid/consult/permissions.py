"""议事协商's part of the policy table (civicgrid.accounts.roles).

Residents see the polls of their own community (their RESIDENT role's region) and vote when base
data counts them; community and street staff organise polls and round-table meetings in their
subtree; the command centre reads both. Grid workers hold none: a poll belongs to a whole
community, above their grid. Department staff, who join meetings as participants, hold none of these: a meeting's
decision reaches them as a case.
"""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

VIEW_POLLS = {"consult.view_poll"}
ORGANISE_POLLS = {"consult.view_poll", "consult.add_poll", "consult.change_poll"}
VIEW_MEETINGS = {"consult.view_meeting"}
ORGANISE_MEETINGS = {"consult.view_meeting", "consult.add_meeting", "consult.change_meeting"}

PERMISSIONS = Permissions(
    "consult",
    grants={
        Role.RESIDENT: VIEW_POLLS,
        Role.COMMUNITY_STAFF: ORGANISE_POLLS | ORGANISE_MEETINGS,
        Role.STREET_STAFF: ORGANISE_POLLS | ORGANISE_MEETINGS,
        Role.COMMAND_OPERATOR: VIEW_POLLS | VIEW_MEETINGS,
        Role.SYSTEM_ADMIN: ORGANISE_POLLS | ORGANISE_MEETINGS,
    },
    order=70,
)
