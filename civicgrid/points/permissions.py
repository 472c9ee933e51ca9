"""Points' part of the policy table (civicgrid.accounts.roles): street and community staff manage the
merchants and items of their subtree, read the accounts and entries of its people, and award points
(a second person approves above the threshold); system admins hold all of it in their subtree.
Residents hold no permission here: they read their own account and the items offered to their
community; a merchant's counter staff are members of the merchant (MerchantStaff), not a role."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

MANAGE = {
    "points.view_merchant",
    "points.add_merchant",
    "points.change_merchant",
    "points.view_item",
    "points.change_item",
    "points.view_account",
    "points.view_entry",
    "points.view_award",
    "points.add_award",
    "points.change_award",
}

PERMISSIONS = Permissions(
    "points",
    grants={Role.COMMUNITY_STAFF: MANAGE, Role.STREET_STAFF: MANAGE},
    order=85,
)
