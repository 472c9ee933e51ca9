"""Round-table meetings: calling, participants from base data, agenda cases in scope only, minutes,
decisions as tasks or cases, and a case decision closing with its case (CaseClosed)."""

from datetime import timedelta

import pytest

from civicgrid.cases import actions as case_actions
from civicgrid.cases.models import HandlingLevel, Status
from civicgrid.cases.tests.conftest import make_case, report
from civicgrid.consult import actions, selectors
from civicgrid.consult.errors import InputError, NotFound, WrongState
from civicgrid.consult.models import AgendaItem, Decision, DecisionStatus, Meeting, MeetingStatus, Participant
from civicgrid.core import clock, events
from civicgrid.people.models import PropertyCompany

pytestmark = pytest.mark.django_db


def call(world, user=None, **kwargs):
    kwargs.setdefault("community", world.tree["S1C1"])
    kwargs.setdefault("title", "停车难圆桌会")
    kwargs.setdefault("starts_at", clock.now() + timedelta(days=1))
    kwargs.setdefault("place", "社区会议室")
    return actions.call_meeting(user or world.people.community, **kwargs)


def rows():
    return (Meeting.objects.count(), Participant.objects.count(), AgendaItem.objects.count(), Decision.objects.count())


def test_call_a_meeting_and_record_minutes(world):
    heard = []
    events.subscribe(events.DomainEvent, heard.append, phase=events.IN_TRANSACTION)
    try:
        meeting = call(world)
        actions.record_minutes(meeting, world.people.community, minutes="各方同意增设停车位。")
    finally:
        events.unsubscribe(events.DomainEvent, heard.append, phase=events.IN_TRANSACTION)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.held_at is not None
    assert [type(e).__name__ for e in heard if type(e).__module__.startswith("civicgrid.consult")] == [
        "MeetingCalled",
        "MeetingHeld",
    ]


def test_bad_meeting_input_is_refused(world):
    before = rows()
    with pytest.raises(InputError):
        call(world, title="")
    with pytest.raises(InputError):
        call(world, place="会议室\x00")
    with pytest.raises(InputError):
        call(world, starts_at=clock.now() + timedelta(days=800))
    with pytest.raises(InputError):
        call(world, community=world.tree["S1C1G1"])  # a grid, not a community
    meeting = call(world)
    with pytest.raises(InputError):
        actions.record_minutes(meeting, world.people.community, minutes="长" * 20001)
    with pytest.raises(InputError):
        actions.add_participant(meeting, world.people.community, kind="king", name="x")
    with pytest.raises(InputError):
        actions.add_decision(meeting, world.people.community, text="x", owner="y", due_date="not a date")
    with pytest.raises(InputError):
        actions.add_decision(
            meeting, world.people.community, text="x", owner="y", due_date=clock.now().date(), kind="case"
        )
    assert rows() == (before[0] + 1, *before[1:])


def test_outsiders_get_not_found_and_nothing_changes(world):
    meeting = call(world)
    before = rows()
    p = world.people
    for user in (p.resident, p.grid, p.dept, p.community_neighbour, p.street_neighbour, p.operator):
        with pytest.raises(NotFound):
            actions.add_participant(meeting, user, kind="owners", name="业委会")
        with pytest.raises(NotFound):
            actions.record_minutes(meeting, user, minutes="x")
    for user in (p.resident, p.dept, p.community_neighbour):
        with pytest.raises(NotFound):
            selectors.meeting(user, meeting.pk)
        with pytest.raises(NotFound):
            call(world, user=user)
    assert rows() == before and Meeting.objects.get(pk=meeting.pk).minutes == ""
    assert selectors.meeting(p.operator, meeting.pk) == meeting  # the command centre reads


def test_participants_link_base_data(world):
    meeting = call(world)
    company = PropertyCompany.objects.create(
        name="安居物业", region=world.tree["S1C1"], region_code=world.tree["S1C1"].code
    )
    by_company = actions.add_participant(meeting, world.people.community, kind="property", property_company=company.pk)
    assert (by_company.name, by_company.property_company) == ("安居物业", company)
    dept = actions.add_participant(meeting, world.people.community, kind="department", department=world.cg.pk)
    assert dept.department == world.cg and dept.name == world.cg.name
    owners = actions.add_participant(meeting, world.people.community, kind="owners", name="业主委员会")
    assert owners.property_company is None


def test_agenda_takes_only_cases_the_organiser_sees(world):
    meeting = call(world)
    mine = make_case(world)
    elsewhere = report(world, where="S1C2G1M1")
    actions.add_agenda_case(meeting, world.people.community, number=mine.number)
    with pytest.raises(InputError, match="已在议程"):
        actions.add_agenda_case(meeting, world.people.community, number=mine.number)
    with pytest.raises(InputError, match="未找到"):
        actions.add_agenda_case(meeting, world.people.community, number="2099-999999")
    with pytest.raises(InputError, match="未找到"):
        actions.add_agenda_case(meeting, world.people.community, number=elsewhere.number)
    assert list(meeting.agenda.values_list("case", flat=True)) == [mine.pk]


def test_task_decisions_close_by_hand(world):
    meeting = call(world)
    decision = actions.add_decision(
        meeting,
        world.people.community,
        text="物业增派巡逻",
        owner="物业公司",
        due_date=clock.now().date() + timedelta(days=7),
    )
    with pytest.raises(NotFound):
        actions.close_decision(decision, world.people.community_neighbour)
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.OPEN
    actions.close_decision(decision, world.people.community, note="已落实")
    with pytest.raises(WrongState):
        actions.close_decision(decision, world.people.community)
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.CLOSED


def test_a_case_decision_follows_its_case_to_closure(world):
    meeting = call(world)
    decision = actions.add_decision(
        meeting,
        world.people.community,
        text="修复东门路灯",
        owner="网格员",
        due_date=(clock.now() + timedelta(days=5)).date().isoformat(),
        kind="case",
        category=world.cats["S05001"].pk,
    )
    case = decision.case
    assert case is not None and case.status == Status.REPORTED and case.region_code.startswith(world.tree["S1C1"].code)
    with pytest.raises(WrongState):
        actions.close_decision(decision, world.people.community)
    p = world.people
    case = case_actions.accept_case(case, p.community, version=case.version)
    case = case_actions.dispatch_case(case, p.community, version=case.version, level=HandlingLevel.COMMUNITY)
    case = case_actions.sign_case(case, p.community2, version=case.version)
    case = case_actions.feedback_case(case, p.community2, version=case.version, note="路灯已修复。")
    case = case_actions.verify_case(case, p.community, version=case.version, passed=True)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN
    case_actions.close_case(case, p.community, version=case.version)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CLOSED and decision.closed_at is not None
