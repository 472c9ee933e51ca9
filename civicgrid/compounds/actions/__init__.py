"""The write path of 小区治理 (`from civicgrid.compounds import actions`): one `@transaction.atomic`
function per intent; each checks scope (out of scope raises NotFound: 404), validates, locks the rows
it changes, writes the change log and publishes its event (civicgrid.compounds.events).

- `governance`: add_item, close_item (整改销号), add_party, remove_party, request_rise, review_rise
  (转化提星), set_target;
- `renovation`: create_project, update_project, add_member, add_milestone, complete_milestone,
  add_files, open_opinion_poll (a consult poll), set_pledge, record_payment, report_supervision;
- `linking`: on_case_event (the case loop's events place cases in compounds).
"""

from civicgrid.compounds.actions.governance import (
    add_item,
    add_party,
    close_item,
    current_class,
    remove_party,
    request_rise,
    review_rise,
    set_target,
)
from civicgrid.compounds.actions.linking import on_case_event
from civicgrid.compounds.actions.renovation import (
    add_files,
    add_member,
    add_milestone,
    complete_milestone,
    create_project,
    open_opinion_poll,
    record_payment,
    report_supervision,
    set_pledge,
    update_project,
)

__all__ = [
    "add_files",
    "add_item",
    "add_member",
    "add_milestone",
    "add_party",
    "close_item",
    "complete_milestone",
    "create_project",
    "current_class",
    "on_case_event",
    "open_opinion_poll",
    "record_payment",
    "remove_party",
    "report_supervision",
    "request_rise",
    "review_rise",
    "set_pledge",
    "set_target",
    "update_project",
]
