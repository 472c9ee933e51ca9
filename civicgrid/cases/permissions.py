"""Cases' part of the policy table (civicgrid.accounts.roles), registered in CasesConfig.ready().

Seeing the cases of one's subtree (a department's staff: of their department only) and filing
cases. What each role may *do* to a case is the workflow table in civicgrid/cases/workflow.py.
docs/roles.md shows the whole table.
"""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

CASE_WORK = {"cases.view_case", "cases.add_case"}

PERMISSIONS = Permissions(
    "cases",
    grants={
        Role.RESIDENT: {"cases.add_case"},
        Role.MICROGRID_MEMBER: CASE_WORK,
        Role.GRID_WORKER: CASE_WORK,
        Role.COMMUNITY_STAFF: CASE_WORK,
        Role.STREET_STAFF: CASE_WORK,
        Role.DEPARTMENT_STAFF: CASE_WORK,
        # A property company's staff read the repairs routed to their company (cases' restrict()
        # gives a department-held role its department's cases only); they file none.
        Role.PROPERTY_STAFF: {"cases.view_case"},
        Role.COMMAND_OPERATOR: CASE_WORK,
        Role.SYSTEM_ADMIN: CASE_WORK | {"cases.change_category"},
        # Applications (API keys): an intake integration (Open311 clients, mini-programs) files cases
        # and reads its region's; a hotline integration (12345) also registers hotline work orders
        # and takes the dispatcher's steps in its region (the workflow table).
        Role.INTEGRATION: CASE_WORK,
        Role.HOTLINE_INTEGRATION: CASE_WORK,
    },
    order=20,
)
