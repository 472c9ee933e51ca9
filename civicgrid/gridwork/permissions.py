"""Grid work's part of the policy table: grid workers patrol, visit and fill task forms in their
grid; community and street staff watch patrols, keep key places and visit plans, and run
door-to-door tasks in their subtree; system admins hold all of it."""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

WORKER = {
    "gridwork.view_patrol",
    "gridwork.add_patrol",
    "gridwork.view_keyplace",
    "gridwork.view_visit",
    "gridwork.add_visit",
    "gridwork.view_visitplan",
    "gridwork.view_task",
    "gridwork.view_target",
    "gridwork.change_target",
}
SUPERVISOR = {
    "gridwork.view_patrol",
    "gridwork.view_keyplace",
    "gridwork.add_keyplace",
    "gridwork.change_keyplace",
    "gridwork.view_visit",
    "gridwork.view_visitplan",
    "gridwork.add_visitplan",
    "gridwork.change_visitplan",
    "gridwork.view_task",
    "gridwork.add_task",
    "gridwork.change_task",
    "gridwork.view_target",
}

PERMISSIONS = Permissions(
    "gridwork",
    grants={Role.GRID_WORKER: WORKER, Role.COMMUNITY_STAFF: SUPERVISOR, Role.STREET_STAFF: SUPERVISOR},
    order=75,
)
