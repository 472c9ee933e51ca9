"""Who should hear of what happens to a case: the notice vocabulary (`Kind`, the one enumeration
the notifications app stores), `Notice` (named users, departments' staff, or units = everyone
holding a role on a region), and the workflow's rules for choosing them.

The actions attach notices to the events they publish (civicgrid.cases.events); the notifications
app delivers them after the commit, so nobody is told about a change that was rolled back.
"""

from dataclasses import dataclass, field, replace

from django.db import models
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.models import Role
from civicgrid.cases import routing, workflow
from civicgrid.cases.models import Case, CaseParticipant, EventType, HandlingLevel, Light, Step


class Kind(models.TextChoices):
    NEW_CASE = "new_case", _("新案件待受理")  # a case waits for intake in a unit's queue
    ASSIGNED = "assigned", _("案件派遣")  # dispatched, escalated or reopened to a handler
    RETURNED = "returned", _("案件退回")  # a handler sent a case back to the dispatchers
    RECALLED = "recalled", _("超时案件已被收回")  # a dispatcher above took an overdue case back
    REWORK = "rework", _("核查不通过返工")
    AWAITING_VERIFICATION = "awaiting_verification", _("待核查")
    AWAITING_CLOSURE = "awaiting_closure", _("待结案")
    CLOSED = "closed", _("已结案，请评价")  # tells the reporter and followers, and asks them to rate it
    REJECTED = "rejected", _("不予立案")
    SUPERVISED = "supervised", _("督办")
    SUSPENDED = "suspended", _("挂账")
    APPROVAL_NEEDED = "approval_needed", _("待审批")
    DECIDED = "decided", _("申请已审批")  # an extension or void request was decided
    MERGED = "merged", _("重复件已合并")
    NEAR_DUE = "near_due", _("即将超期（黄灯）")  # deadline reminders
    OVERDUE = "overdue", _("已超期（红灯）")
    WARNING = "warning", _("预警")  # a command-screen warning rule fired
    # The reporter's (and followers') progress notices, in a resident's words (progress_notices).
    ACCEPTED = "accepted", _("您反映的问题已受理")
    DISPATCHED = "dispatched", _("您反映的问题已交办")
    HANDLED = "handled", _("您反映的问题已处理")
    # Not about a case: a message another app sent (civicgrid.core.events.MessageSent).
    MESSAGE = "message", _("社区消息")


@dataclass(frozen=True)
class Notice:
    """Who should hear of what. Recipients are users, departments (their staff) or units, a unit
    being (role, region id): everyone holding that role on that region. `case_id` may be None (a
    warning about a region)."""

    kind: str
    case_id: int | None
    event_id: int | None = None
    users: tuple[int, ...] = ()
    departments: tuple[int, ...] = ()
    units: tuple[tuple[str, int], ...] = field(default=())


def handler_notice(kind, case):
    if case.assignee_id:
        return Notice(kind, case.pk, users=(case.assignee_id,))
    if case.handling_level == HandlingLevel.DEPARTMENT:
        return Notice(kind, case.pk, departments=(case.handling_department_id,))
    region = routing.unit_region(case, case.handling_level)
    if region is None:
        return dispatcher_notice(kind, case)
    return Notice(kind, case.pk, units=((str(workflow.UNIT_ROLE[case.handling_level]), region.pk),))


def dispatcher_notice(kind, case):
    if case.community_id:
        return Notice(kind, case.pk, units=((str(Role.COMMUNITY_STAFF), case.community_id),))
    if case.street_id:
        return Notice(kind, case.pk, units=((str(Role.STREET_STAFF), case.street_id),))
    return None


def senior_notice(kind, case):
    if case.street_id:
        return Notice(kind, case.pk, units=((str(Role.STREET_STAFF), case.street_id),))
    return dispatcher_notice(kind, case)


def followers(case):
    return list(
        CaseParticipant.objects.filter(
            case=case, role=CaseParticipant.Role.FOLLOWER, is_active=True, user__isnull=False
        ).values_list("user_id", flat=True)
    )


def reporter_notice(kind, case):
    users = [case.reporter_id] if case.reporter_id else []
    users += [u for u in followers(case) if u not in users]
    return Notice(kind, case.pk, users=tuple(users))


def _merge(kind, case, notices):
    users, departments, units = [], [], []
    for notice in notices:
        if notice is None:
            continue
        users += [u for u in notice.users if u not in users]
        departments += [d for d in notice.departments if d not in departments]
        units += [u for u in notice.units if u not in units]
    return Notice(kind, case.pk, users=tuple(users), departments=tuple(departments), units=tuple(units))


def reminder_notice(case, colour):
    """Who hears that `case`'s running step turned yellow or red: whoever must act in that step
    (the dispatchers while intake/dispatch/verification waits, else the handler), and when it is
    red also the unit above (the street, or the community) and the case's supervisors."""
    kind = Kind.OVERDUE if colour == Light.RED else Kind.NEAR_DUE
    notices = [handler_notice(kind, case)] if case.step == Step.HANDLE else [dispatcher_notice(kind, case)]
    if colour == Light.RED:
        notices.append(senior_notice(kind, case))
        supervisors = CaseParticipant.objects.filter(
            case=case, role=CaseParticipant.Role.SUPERVISOR, user__isnull=False
        ).values_list("user_id", flat=True)
        notices.append(Notice(kind, case.pk, users=tuple(supervisors)))
    return _merge(kind, case, notices)


# The steps a reporter hears of besides rejection, merging and closure (which the actions name):
# accepted, dispatched to whoever handles it, and handled (the handler's reply).
PROGRESS_KINDS = {
    EventType.ACCEPTED: Kind.ACCEPTED,
    EventType.DISPATCHED: Kind.DISPATCHED,
    EventType.FED_BACK: Kind.HANDLED,
}


def progress_notices(event):
    """The reporter's (and followers') notice of a case event (civicgrid.cases.events) that moves
    their case on: () for any other event, or when nobody reported it through an account."""
    kind = PROGRESS_KINDS.get(event.type)
    if kind is None:
        return ()
    case = event.case if event.case is not None else Case.objects.filter(pk=event.case_id).first()
    if case is None:
        return ()
    notice = reporter_notice(kind, case)
    return (replace(notice, event_id=event.event_id),) if notice.users else ()
