"""Property's part of the policy table (civicgrid.accounts.roles).

Region-held roles read and keep their subtree's rows: community staff the repairs and bills of
their community (and enter or import bills), street staff also run the ratings of their street.
Property staff hold none of these: their role is held on their company's department, and the
selectors give them the compounds their company serves (selectors.staff_company_ids), never a
region's subtree."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

READ = {"property.view_repair", "property.view_bill"}
KEEP_BILLS = READ | {"property.add_bill", "property.change_bill"}
RATE = READ | {"property.view_ratingperiod", "property.add_ratingperiod", "property.change_ratingperiod"}

PERMISSIONS = Permissions(
    "property",
    grants={Role.COMMUNITY_STAFF: KEEP_BILLS, Role.STREET_STAFF: RATE},
    order=75,
)
