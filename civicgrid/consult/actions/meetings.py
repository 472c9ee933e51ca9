"""圆桌会 / 议事会: a community calls a meeting with named participants (linked to base data where
possible), puts cases on its agenda (only cases the organiser may see), records minutes and
decisions; each decision is a task with an owner and a due date, or a case filed through the cases
app, and is followed until it closes (a case decision closes with its case: `on_case_closed`)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicgrid.cases import actions as case_actions
from civicgrid.cases import selectors as case_selectors
from civicgrid.cases.errors import CaseError
from civicgrid.cases.models import Source
from civicgrid.consult import events as consult_events
from civicgrid.consult.actions.common import MAX_TITLE, community_for, holds
from civicgrid.consult.actions.common import text as checked
from civicgrid.consult.errors import InputError, NotFound, WrongState
from civicgrid.consult.models import (
    AgendaItem,
    Decision,
    DecisionKind,
    DecisionStatus,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantKind,
)
from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.people.models import PropertyCompany
from civicgrid.regions.models import Department

MAX_MINUTES = 20000
MAX_PARTICIPANTS = 50
MAX_AGENDA = 30
MAX_DECISIONS = 50


def _event(cls, meeting, user, **extra):
    return cls(meeting_id=meeting.pk, region_code=meeting.region_code, actor_id=user.pk if user else None, **extra)


@transaction.atomic
def call_meeting(user, *, community, title, starts_at, place):
    """召集: a round-table meeting of `community` at `starts_at` in `place`."""
    community = community_for(user, "consult.add_meeting", community)
    title = checked(title, _("议题"), MAX_TITLE)
    place = checked(place, _("地点"), 100)
    if starts_at is None or not hasattr(starts_at, "tzinfo"):
        raise InputError(_("请填写召开时间。"))
    at = clock.now()
    if abs(starts_at - at) > timedelta(days=366):
        raise InputError(_("召开时间应在一年之内。"))
    meeting = Meeting.objects.create(
        title=title, community=community, region_code=community.code, starts_at=starts_at, place=place, created_by=user
    )
    record_change(user, meeting, ObjectChange.Action.CREATE, after=snapshot(meeting, ["title", "starts_at", "place"]))
    events.publish(_event(consult_events.MeetingCalled, meeting, user, starts_at=starts_at))
    return meeting


def _lock(meeting, user):
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    try:
        return Meeting.objects.restrict(user, "change").select_for_update().get(pk=int(pk))
    except (Meeting.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def _open(meeting):
    if meeting.status == MeetingStatus.CANCELLED:
        raise WrongState(_("会议已取消。"))


@transaction.atomic
def add_participant(meeting, user, *, kind, name="", property_company=None, department=None):
    """A participant: a property company or a department from base data (by id; its name is taken
    from there), or a named owners' committee, residents' representative or other party."""
    meeting = _lock(meeting, user)
    _open(meeting)
    if kind not in ParticipantKind.values:
        raise InputError(_("请选择参会方类别。"))
    if meeting.participants.count() >= MAX_PARTICIPANTS:
        raise InputError(_("参会方不能超过 %(n)d 个。") % {"n": MAX_PARTICIPANTS})
    company = dept = None
    if kind == ParticipantKind.PROPERTY and property_company not in (None, ""):
        company = PropertyCompany.objects.restrict(user, "view").filter(pk=_pk(property_company)).first()
        if company is None:
            raise InputError(_("所选物业公司不存在。"))
        name = company.name
    elif kind == ParticipantKind.DEPARTMENT and department not in (None, ""):
        dept = Department.objects.filter(pk=_pk(department), is_active=True).select_related("region").first()
        if dept is None or not meeting.region_code.startswith(dept.region.code):
            raise InputError(_("所选部门不存在。"))
        name = dept.name
    name = checked(name, _("参会方名称"), 100)
    participant = Participant.objects.create(
        meeting=meeting, kind=kind, name=name, property_company=company, department=dept
    )
    record_change(user, meeting, ObjectChange.Action.UPDATE, note=_("添加参会方"), after={"participant": name})
    return participant


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError(_("编号不正确。")) from None


@transaction.atomic
def add_agenda_case(meeting, user, *, number):
    """议程: a case the organiser may see (by its number) goes on the agenda."""
    meeting = _lock(meeting, user)
    _open(meeting)
    number = checked(number, _("案件编号"), 20)
    try:
        case = case_selectors.visible_case(user, number)
    except CaseError:
        raise InputError(_("未找到案件 %(number)s，或您无权查看。") % {"number": number}) from None
    if meeting.agenda.count() >= MAX_AGENDA:
        raise InputError(_("议程不能超过 %(n)d 件。") % {"n": MAX_AGENDA})
    try:
        with transaction.atomic():
            item = AgendaItem.objects.create(meeting=meeting, case=case)
    except IntegrityError:
        raise InputError(_("该案件已在议程中。")) from None
    record_change(user, meeting, ObjectChange.Action.UPDATE, note=_("加入议程"), after={"case": case.number})
    return item


@transaction.atomic
def record_minutes(meeting, user, *, minutes):
    """纪要: the meeting was held; its minutes are recorded (and may be corrected later)."""
    meeting = _lock(meeting, user)
    _open(meeting)
    minutes = checked(minutes, _("会议纪要"), MAX_MINUTES)
    first = meeting.status != MeetingStatus.HELD
    before = {"minutes": meeting.minutes}
    meeting.minutes, meeting.status = minutes, MeetingStatus.HELD
    meeting.held_at = meeting.held_at or clock.now()
    meeting.save(update_fields=["minutes", "status", "held_at", "updated_at"])
    record_change(
        user, meeting, ObjectChange.Action.UPDATE, note=_("记录纪要"), before=before, after={"minutes": minutes}
    )
    if first:
        events.publish(_event(consult_events.MeetingHeld, meeting, user))
    return meeting


def _due(value):
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InputError(_("完成期限格式不正确。")) from None
    if not isinstance(value, date):
        raise InputError(_("请填写完成期限。"))
    today = clock.now().date()
    if value < today - timedelta(days=1) or value > today + timedelta(days=3 * 366):
        raise InputError(_("完成期限应在今天之后的三年之内。"))
    return value


@transaction.atomic
def add_decision(meeting, user, *, text, owner, due_date, kind=DecisionKind.TASK, category=None):
    """决定: a decision with its owner and due date, followed as a task — or filed as a case in the
    meeting's community (工作人员代录) and closed when that case closes."""
    meeting = _lock(meeting, user)
    _open(meeting)
    body = checked(text, _("决定事项"), 500)
    owner = checked(owner, _("责任方"), 100)
    due = _due(due_date)
    if kind not in DecisionKind.values:
        raise InputError(_("请选择落实方式。"))
    if meeting.decisions.count() >= MAX_DECISIONS:
        raise InputError(_("决定事项不能超过 %(n)d 条。") % {"n": MAX_DECISIONS})
    case = None
    if kind == DecisionKind.CASE:
        if category in (None, ""):
            raise InputError(_("转为案件时请选择案件类别。"))
        try:
            case = case_actions.report_case(
                user,
                category=category,
                description=_("圆桌会决定：%(text)s（责任方：%(owner)s，期限：%(due)s）")
                % {"text": body, "owner": owner, "due": due.isoformat()},
                source=Source.STAFF_ENTRY,
                title=body[:100],
                region=meeting.community,
            ).case
        except CaseError as error:
            raise InputError(error.message) from None
    decision = Decision.objects.create(meeting=meeting, text=body, kind=kind, owner=owner, due_date=due, case=case)
    record_change(
        user,
        meeting,
        ObjectChange.Action.UPDATE,
        note=_("记录决定"),
        after={"decision": body, "case": case.number if case else ""},
    )
    events.publish(
        _event(
            consult_events.DecisionRecorded, meeting, user, decision_id=decision.pk, case_id=case.pk if case else None
        )
    )
    return decision


def _close_decision(decision, user, note, at):
    decision.status, decision.closed_at, decision.note = DecisionStatus.CLOSED, at, note
    decision.save(update_fields=["status", "closed_at", "note"])
    meeting = decision.meeting
    record_change(user, meeting, ObjectChange.Action.UPDATE, note=_("决定办结"), after={"decision": decision.pk})
    events.publish(
        _event(consult_events.DecisionClosed, meeting, user, decision_id=decision.pk, case_id=decision.case_id)
    )


@transaction.atomic
def close_decision(decision, user, *, note=""):
    """办结 a task decision (a case decision closes when its case closes)."""
    pk = decision.pk if isinstance(decision, Decision) else decision
    meetings = Meeting.objects.restrict(user, "change")
    try:
        decision = Decision.objects.select_for_update().select_related("meeting").get(pk=int(pk), meeting__in=meetings)
    except (Decision.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    note = checked(note, _("办结说明"), 500, required=False)
    if decision.kind == DecisionKind.CASE:
        raise WrongState(_("转为案件的决定随案件结案自动办结。"))
    if decision.status == DecisionStatus.CLOSED:
        raise WrongState(_("该决定已办结。"))
    _close_decision(decision, user, note, clock.now())
    return decision


def on_case_closed(event):
    """CaseClosed listener (in the closing transaction): the decisions filed as that case close."""
    for decision in (
        Decision.objects.select_for_update()
        .select_related("meeting")
        .filter(case_id=event.case_id, status=DecisionStatus.OPEN)
    ):
        _close_decision(decision, None, _("案件已结案"), event.at)


def on_case_reopened(event):
    """CaseReopened listener: a decision whose case is worked again is open again."""
    Decision.objects.filter(case_id=event.case_id, status=DecisionStatus.CLOSED).update(
        status=DecisionStatus.OPEN, closed_at=None, note=""
    )


def can_organise(user, community_code):
    return holds(user, "consult.add_meeting", community_code)
