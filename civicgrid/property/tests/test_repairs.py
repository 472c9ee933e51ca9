"""Repairs on the cases engine: report, take (受理/派遣/签收), feed back, verify and close as any
case, rate; scope (company A's staff never see company B's), bad input, and a race."""

import pytest
from django.core.exceptions import ValidationError

from civicgrid.cases import actions as case_actions
from civicgrid.cases.errors import CaseChanged
from civicgrid.cases.models import Case, CaseEvent, HandlingLevel, Status
from civicgrid.property import actions, selectors
from civicgrid.property.models import Repair, RepairPlace
from civicgrid.property.tests.conftest import category, report


def fresh(repair):
    return Case.objects.get(pk=repair.case_id)


def test_report_routes_to_the_compounds_company(world):
    repair = report(world)
    case = fresh(repair)
    assert repair.compound == world.compound_a and repair.company == world.company_a
    assert repair.house == world.houses_a[0]
    assert case.status == Status.REPORTED
    assert case.handling_level == HandlingLevel.DEPARTMENT
    assert case.handling_department == world.department_a
    assert case.is_public is False  # a private house's repair stays off the board
    assert case.category.handle_limit is not None


def test_common_area_repair_needs_its_spot(world):
    with pytest.raises(ValidationError):
        report(world, place=RepairPlace.COMMON, spot="")
    repair = report(world, place=RepairPlace.COMMON, spot="3号楼电梯")
    assert repair.house is None and repair.spot == "3号楼电梯"
    assert fresh(repair).is_public is True


@pytest.mark.parametrize(
    "fields",
    [
        {"description": ""},
        {"description": "漏水\x00"},
        {"description": "长" * 1001},
        {"category": 999999},
        {"category": "abc"},
        {"place": "roof"},
    ],
)
def test_bad_input_writes_nothing(world, fields):
    with pytest.raises(ValidationError):
        report(world, **fields)
    assert Repair.objects.count() == 0 and Case.objects.count() == 0


def test_a_resident_without_a_house_or_company_is_told(world):
    from civicgrid.accounts.models import Role
    from civicgrid.testing import make_user

    stranger = make_user("stranger", Role.RESIDENT, world.tree["S1C1"], phone="13800000077")
    with pytest.raises(ValidationError):
        report(world, user=stranger)
    world.compound_a.property_company = None
    world.compound_a.save(update_fields=["property_company"])
    with pytest.raises(ValidationError):
        report(world)
    assert Case.objects.count() == 0


def test_full_loop_take_feedback_verify_close_rate(world):
    people = world.people
    repair = report(world)
    actions.take_repair(people.staff_a, repair.pk, version=fresh(repair).version)
    case = fresh(repair)
    assert case.status == Status.HANDLING and case.assignee == people.staff_a
    types = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("type", flat=True))
    assert types == ["reported", "accepted", "dispatched", "signed"]
    actions.feedback_repair(people.staff_a, repair.pk, version=case.version, note="已更换水管")
    case = fresh(repair)
    assert case.status == Status.HANDLED
    # The community verifies and closes as for any case.
    case_actions.verify_case(case.pk, people.community, version=case.version, passed=True)
    case = fresh(repair)
    case_actions.close_case(case.pk, people.community, version=case.version)
    case = fresh(repair)
    assert case.status == Status.CLOSED
    actions.rate_repair(people.resident, repair.pk, version=case.version, score=5, comment="很及时")
    assert case.evaluations.get().satisfied is True
    figures = selectors.company_repair_figures(world.company_a.pk)
    assert figures["total"] == 1 and figures["satisfaction_rate"] == 100
    assert figures["on_time_rate"] == 100


def test_other_company_cannot_see_or_take(world):
    repair = report(world)
    version = fresh(repair).version
    before = list(CaseEvent.objects.values_list("pk", flat=True))
    with pytest.raises(Repair.DoesNotExist):
        actions.take_repair(world.people.staff_b, repair.pk, version=version)
    assert selectors.repair_for(world.people.staff_b, repair.pk) is None
    assert selectors.staff_tasks(world.people.staff_b) == []
    assert not Case.objects.restrict(world.people.staff_b).filter(pk=repair.case_id).exists()
    assert fresh(repair).status == Status.REPORTED and fresh(repair).version == version
    assert list(CaseEvent.objects.values_list("pk", flat=True)) == before


def test_staff_see_only_their_department_not_the_region(world):
    # A case of an ordinary category in compound A's community is not the company's business.
    repair = report(world)
    staff = world.people.staff_a
    assert set(Case.objects.restrict(staff).values_list("pk", flat=True)) == {repair.case_id}
    assert [r.pk for r in selectors.staff_tasks(staff)] == [repair.pk]


def test_residents_cannot_take_and_others_cannot_rate(world):
    repair = report(world)
    with pytest.raises(Repair.DoesNotExist):
        actions.take_repair(world.people.resident, repair.pk, version=fresh(repair).version)
    with pytest.raises(Repair.DoesNotExist):
        actions.rate_repair(world.people.resident2, repair.pk, version=fresh(repair).version, score=1)
    assert fresh(repair).status == Status.REPORTED


def test_property_staff_may_dispatch_only_to_their_own_department(world):
    from civicgrid.cases.errors import ActionNotAllowed

    repair = report(world)
    case = fresh(repair)
    case_actions.accept_case(case.pk, world.people.staff_a, version=case.version)
    case = fresh(repair)
    with pytest.raises(ActionNotAllowed):
        case_actions.dispatch_case(case.pk, world.people.staff_a, version=case.version, level=HandlingLevel.COMMUNITY)
    assert fresh(repair).status == Status.REGISTERED


def test_a_stale_take_is_refused(world):
    repair = report(world)
    version = fresh(repair).version
    actions.take_repair(world.people.staff_a, repair.pk, version=version)
    with pytest.raises(CaseChanged):
        actions.take_repair(world.people.staff_a2, repair.pk, version=version)
    assert fresh(repair).assignee == world.people.staff_a


def test_returned_repair_becomes_an_ordinary_community_case(world):
    """退回 (not the company's duty) sends it to the community's dispatchers like any case."""
    repair = report(world)
    actions.take_repair(world.people.staff_a, repair.pk, version=fresh(repair).version)
    case = fresh(repair)
    case_actions.return_case(case.pk, world.people.staff_a, version=case.version, reason="属于燃气公司")
    case = fresh(repair)
    assert case.status == Status.REGISTERED
    assert Case.objects.restrict(world.people.community).filter(pk=case.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_staff_taking_at_once_one_wins(monkeypatch):
    from django.db import connection

    from civicgrid.core import clock
    from civicgrid.property.tests.conftest import build_world
    from civicgrid.testing import race

    if connection.vendor != "postgresql":
        pytest.skip("thread races need PostgreSQL")
    world = build_world()
    repair = report(world)
    version = fresh(repair).version
    results = race(
        monkeypatch,
        lambda: actions.take_repair(world.people.staff_a, repair.pk, version=version),
        lambda: actions.take_repair(world.people.staff_a2, repair.pk, version=version),
        linger=(clock, "now"),
    )
    wins = [r for r in results if isinstance(r, Repair)]
    assert len(wins) == 1, results
    assert CaseEvent.objects.filter(case_id=repair.case_id, type="signed").count() == 1


def test_category_helpers_are_idempotent(world):
    before = len(actions.repair_categories())
    actions.ensure_repair_categories()
    assert len(actions.repair_categories()) == before == 5
    assert category().parent.default_department_kind == "property"


def test_overdue_repairs_go_to_the_community_once(world):
    from datetime import timedelta

    from django.utils import timezone

    from civicgrid.core import events
    from civicgrid.core.events import MessageSent

    repair = report(world)
    assert actions.escalate_overdue_repairs() == 0  # not overdue yet
    Case.objects.filter(pk=repair.case_id).update(step_red_at=timezone.now() - timedelta(minutes=1))
    heard = []
    events.subscribe(MessageSent, heard.append, phase="in_transaction")
    try:
        assert actions.escalate_overdue_repairs() == 1
        assert actions.escalate_overdue_repairs() == 0  # once
    finally:
        events.unsubscribe(MessageSent, heard.append, phase="in_transaction")
    assert heard and heard[0].user_ids == (world.people.community.pk,)
    assert Repair.objects.get().escalated_at is not None
    # The community's dispatchers take it over as any case.
    case = fresh(repair)
    case_actions.accept_case(case.pk, world.people.community, version=case.version)
    case = fresh(repair)
    case_actions.dispatch_case(case.pk, world.people.community, version=case.version, level=HandlingLevel.GRID)
    assert fresh(repair).handling_level == HandlingLevel.GRID


def test_an_overdue_repair_the_company_took_is_taken_back_by_the_community(world):
    """超时收回: the company signed for it and let it run past its red light; the community takes it
    back and dispatches it to its grid worker. The company's staff cannot recall, nor can another
    community, and before the red light nobody can."""
    from datetime import timedelta

    from django.utils import timezone

    from civicgrid.cases.errors import CaseNotFound, InvalidTransition
    from civicgrid.cases.workflow import Action, allowed_actions

    repair = report(world)
    actions.take_repair(world.people.staff_a, repair.pk, version=fresh(repair).version)
    case = fresh(repair)
    assert case.status == Status.HANDLING and Action.RECALL not in allowed_actions(world.people.community, case)
    with pytest.raises(InvalidTransition):
        case_actions.recall_case(case.pk, world.people.community, version=case.version, reason="超时")
    Case.objects.filter(pk=case.pk).update(step_red_at=timezone.now() - timedelta(minutes=1))
    case = fresh(repair)
    assert Action.RECALL in allowed_actions(world.people.community, case)
    assert Action.RECALL not in allowed_actions(world.people.staff_a, case)
    before = (case.version, case.status, case.assignee_id)
    with pytest.raises(CaseNotFound):
        case_actions.recall_case(case.pk, world.people.community_b, version=case.version, reason="超时")
    assert (fresh(repair).version, fresh(repair).status, fresh(repair).assignee_id) == before
    case_actions.recall_case(case.pk, world.people.community, version=case.version, reason="物业两天未处理")
    case = fresh(repair)
    assert (case.status, case.handling_level, case.handling_department_id, case.assignee_id) == (
        Status.REGISTERED,
        HandlingLevel.COMMUNITY,
        None,
        None,
    )
    event = case.events.order_by("-seq").first()
    assert event.type == "recalled" and event.details["recalled_from"]["assignee"] == world.people.staff_a.pk
    # The company no longer holds it: its staff cannot feed back; the community dispatches it.
    with pytest.raises((InvalidTransition, CaseNotFound, Repair.DoesNotExist)):
        actions.feedback_repair(world.people.staff_a, repair.pk, version=case.version, note="已修好")
    case_actions.dispatch_case(case.pk, world.people.community, version=case.version, level=HandlingLevel.GRID)
    assert fresh(repair).handling_level == HandlingLevel.GRID
