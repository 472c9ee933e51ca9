"""The case page offers an action only when the action function would accept it (issue 14 item 5):
an approval only while a request is pending, a rating only by the reporter (or by staff for a
hotline caller without an account, 回访) and only once."""

from civicgrid.cases import actions
from civicgrid.cases.models import Status
from civicgrid.cases.tests.conftest import advance, fresh, make_case, point_in
from civicgrid.cases.workflow import Action, allowed_actions


def test_no_extension_decision_without_a_pending_request(world):
    case = make_case(world, Status.HANDLING)
    community = world.people.community
    assert Action.APPROVE_EXTENSION not in allowed_actions(community, case)
    assert Action.DENY_EXTENSION not in allowed_actions(community, case)
    assert Action.REQUEST_EXTENSION in allowed_actions(world.people.grid, case)
    case = actions.request_extension(case, world.people.grid, version=case.version, amount=2, unit="d", reason="等配件")
    offered = allowed_actions(community, fresh(case))
    assert {Action.APPROVE_EXTENSION, Action.DENY_EXTENSION} <= set(offered)
    # One request at a time: the handler is not offered a second.
    assert Action.REQUEST_EXTENSION not in allowed_actions(world.people.grid, fresh(case))


def test_no_void_decision_without_a_pending_request(world):
    case = make_case(world, Status.HANDLING)
    assert Action.APPROVE_VOID not in allowed_actions(world.people.street, case)
    case = actions.request_void(case, world.people.community, version=case.version, reason="重复上报")
    assert {Action.APPROVE_VOID, Action.DENY_VOID} <= set(allowed_actions(world.people.street, fresh(case)))
    assert Action.REQUEST_VOID not in allowed_actions(world.people.community, fresh(case))


def test_only_the_reporter_rates_a_residents_case_and_only_once(world):
    case = make_case(world, Status.CLOSED)
    assert Action.EVALUATE in allowed_actions(world.people.resident, case)
    for staff in (world.people.community, world.people.street, world.people.operator):
        assert Action.EVALUATE not in allowed_actions(staff, case)
        assert Action.REOPEN not in allowed_actions(staff, case)
    # Satisfied: rated, nothing more to offer (no second rating, no reopening).
    case = actions.evaluate_case(case, world.people.resident, version=case.version, score=5)
    assert Action.EVALUATE not in allowed_actions(world.people.resident, fresh(case))
    assert Action.REOPEN not in allowed_actions(world.people.resident, fresh(case))


def test_an_unsatisfied_reporter_is_offered_reopening_not_a_second_rating(world):
    case = make_case(world, Status.CLOSED)
    case = actions.evaluate_case(case, world.people.resident, version=case.version, score=1)
    offered = allowed_actions(world.people.resident, fresh(case))
    assert Action.REOPEN in offered and Action.EVALUATE not in offered


def test_staff_record_a_hotline_callers_rating_once(world):
    lon, lat = point_in(world.tree["S1C1G1M1"])
    case = actions.report_case(
        world.people.operator,
        source="hotline",
        category=world.cats["S05001"],
        description="来电反映楼道堆物",
        lon=lon,
        lat=lat,
        caller_phone="13800000000",
    ).case
    case = advance(world, case, Status.CLOSED)
    assert Action.EVALUATE in allowed_actions(world.people.operator, case)
    case = actions.evaluate_case(case, world.people.operator, version=case.version, score=4)
    assert Action.EVALUATE not in allowed_actions(world.people.operator, fresh(case))
