"""Activities' part of the policy table (civicgrid.accounts.roles): street and community staff
organise activities for their subtree (create, edit, publish, cancel, finish, photos), see the
sign-ups and check residents in; system admins hold all of it in their subtree. Residents hold no
permission here: they see the published activities of their own community (selectors.for_resident)."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

ORGANISE = {
    "activities.view_activity",
    "activities.add_activity",
    "activities.change_activity",
    "activities.view_enrolment",
    "activities.change_enrolment",
    "activities.view_photo",
    "activities.add_photo",
}

PERMISSIONS = Permissions(
    "activities",
    grants={Role.COMMUNITY_STAFF: ORGANISE, Role.STREET_STAFF: ORGANISE},
    order=70,
)
