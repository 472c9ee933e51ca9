"""Scoring's part of the policy table (civicgrid.accounts.roles).

Community and street staff and the command centre see the scores, rankings, 金牌网格员 and
workload of their subtree (`view_monthlyscore`, `view_scoreentry`); street staff (and system
admins, who hold everything) edit the score rules and the medal rule, which apply to the whole
install. Department staff see the sinking departments' ranking of their region. A grid worker holds
none of these: they see their own scores and the public ranking of their street
(selectors.public_codes), never another worker's entries."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

VIEW = {"scoring.view_monthlyscore", "scoring.view_scoreentry", "scoring.view_department_ranking"}
EDIT_RULES = {"scoring.view_scorerule", "scoring.change_scorerule", "scoring.change_medalrule"}

PERMISSIONS = Permissions(
    "scoring",
    grants={
        Role.COMMUNITY_STAFF: VIEW,
        Role.STREET_STAFF: VIEW | EDIT_RULES,
        Role.COMMAND_OPERATOR: VIEW,
        Role.DEPARTMENT_STAFF: {"scoring.view_department_ranking"},
        Role.SYSTEM_ADMIN: VIEW | EDIT_RULES,
    },
    declares={
        "scoring.view_department_ranking": "see the sinking departments' points ranking (下沉部门积分) of one's region"
    },
    order=90,
)
