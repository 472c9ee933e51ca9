"""Volunteering's part of the policy table (civicgrid.accounts.roles): street and community staff
manage the volunteers, teams, projects, partners and micro-wishes of their subtree (verify a
registration, run shifts and confirm hours, check wishes before they show, record a partner's
claim); system admins hold all of it in their subtree. Residents hold no permission here: they
register, sign up and post wishes as themselves (selectors.for_resident, the wall)."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

MANAGE = {
    "volunteers.view_volunteer",
    "volunteers.change_volunteer",
    "volunteers.view_team",
    "volunteers.add_team",
    "volunteers.change_team",
    "volunteers.view_project",
    "volunteers.add_project",
    "volunteers.change_project",
    "volunteers.view_wish",
    "volunteers.change_wish",
    "volunteers.view_feedback",
}

PERMISSIONS = Permissions(
    "volunteers",
    grants={Role.COMMUNITY_STAFF: MANAGE, Role.STREET_STAFF: MANAGE},
    order=75,
)
