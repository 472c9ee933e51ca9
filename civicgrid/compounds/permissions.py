"""小区治理's part of the policy table (civicgrid.accounts.roles).

Community staff keep their compounds' ledgers (rectification items, the five parties, renovation
projects with their fund ledgers) and request a class rise (转化提星); street staff do the same in
their street and are the reviewers who confirm a rise and set the street's yearly target; the command
centre reads. Residents hold none of these: they see their own compound's public figures only
(selectors.resident_compound, from base data), never another compound's.
"""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

VIEW = {"compounds.view_compoundclass"}
KEEP = VIEW | {
    "compounds.change_rectificationitem",
    "compounds.add_starrise",
    "compounds.change_party",
    "compounds.change_renovationproject",
}
REVIEW = KEEP | {"compounds.change_starrise", "compounds.change_streettarget"}

PERMISSIONS = Permissions(
    "compounds",
    grants={
        Role.COMMUNITY_STAFF: KEEP,
        Role.STREET_STAFF: REVIEW,
        Role.COMMAND_OPERATOR: VIEW,
        Role.SYSTEM_ADMIN: REVIEW,
    },
    order=75,
)
