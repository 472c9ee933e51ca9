"""The write path of 议事协商 (`from civicgrid.consult import actions`): one `@transaction.atomic`
function per intent; each checks scope (out of scope raises NotFound: 404), validates, writes the
change log and publishes its event (civicgrid.consult.events).

- `polls`: create_poll (also for other apps: a compound's households), update_poll, open_poll,
  close_poll, close_due_polls (the job), publish_results, reply_opinion, poll_to_case (议题转项目);
- `voting`: cast_vote (one ballot per household or adult, races answered "already voted");
- `meetings`: call_meeting, add_participant, add_agenda_case, record_minutes, add_decision,
  close_decision, and the case loop's listeners on_case_closed / on_case_reopened.
"""

from civicgrid.consult.actions.meetings import (
    add_agenda_case,
    add_decision,
    add_participant,
    call_meeting,
    close_decision,
    on_case_closed,
    on_case_reopened,
    record_minutes,
)
from civicgrid.consult.actions.polls import (
    clean_questions,
    close_due_polls,
    close_poll,
    create_poll,
    open_poll,
    poll_to_case,
    publish_results,
    reply_opinion,
    update_poll,
)
from civicgrid.consult.actions.voting import cast_vote

__all__ = [
    "add_agenda_case",
    "add_decision",
    "add_participant",
    "call_meeting",
    "cast_vote",
    "clean_questions",
    "close_decision",
    "close_due_polls",
    "close_poll",
    "create_poll",
    "on_case_closed",
    "on_case_reopened",
    "open_poll",
    "poll_to_case",
    "publish_results",
    "record_minutes",
    "reply_opinion",
    "update_poll",
]
