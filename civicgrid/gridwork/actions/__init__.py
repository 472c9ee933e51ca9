"""The write path of grid work, one module per part: `patrols` (巡格), `places` (重点部位),
`visits` (走访), `tasks` (摸排任务). Refusals raise ValidationError; a record out of scope raises DoesNotExist (404)."""

from civicgrid.gridwork.actions.patrols import (
    add_points,
    check_in,
    close_stale_patrols,
    end_patrol,
    report_finding,
    start_patrol,
)
from civicgrid.gridwork.actions.places import save_key_place, set_key_place_active
from civicgrid.gridwork.actions.tasks import close_due_tasks, close_task, create_task, submit_form
from civicgrid.gridwork.actions.visits import log_visit, save_plan

__all__ = [
    "add_points",
    "check_in",
    "close_due_tasks",
    "close_stale_patrols",
    "close_task",
    "create_task",
    "end_patrol",
    "log_visit",
    "report_finding",
    "save_key_place",
    "save_plan",
    "set_key_place_active",
    "start_patrol",
    "submit_form",
]
