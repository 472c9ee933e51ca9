"""超时收回: once a case is past its step's red light, a dispatcher above its handler takes it back
and dispatches it again; never before the red light, never by the handler or a unit at its level,
never out of scope (not found), and nothing changes when refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicgrid.cases import actions
from civicgrid.cases.errors import ActionNotAllowed, CaseChanged, CaseInputError, CaseNotFound, InvalidTransition
from civicgrid.cases.models import Case, CaseParticipant, HandlingLevel, Status, Step
from civicgrid.cases.tests.conftest import fresh, make_case
from civicgrid.cases.workflow import Action, allowed_actions
from civicgrid.notifications.models import Notification


def _red(case):
    Case.objects.filter(pk=case.pk).update(step_red_at=timezone.now() - timedelta(minutes=1))
    return fresh(case)


def _snapshot(case):
    case = fresh(case)
    return (case.version, case.status, case.handling_level, case.assignee_id, case.events.count())


def test_not_before_the_red_light(world):
    case = make_case(world, Status.HANDLING)
    assert Action.RECALL not in allowed_actions(world.people.community, case)
    before = _snapshot(case)
    with pytest.raises(InvalidTransition):
        actions.recall_case(case, world.people.community, version=case.version, reason="超时")
    assert _snapshot(case) == before


def test_the_community_takes_an_overdue_case_back_from_its_grid_worker(world, django_capture_on_commit_callbacks):
    case = _red(make_case(world, Status.HANDLING))
    assert case.handling_level == HandlingLevel.GRID
    assert Action.RECALL in allowed_actions(world.people.community, case)
    assert Action.RECALL not in allowed_actions(world.people.grid, case)  # the handler itself
    with pytest.raises(CaseInputError):
        actions.recall_case(case, world.people.community, version=case.version, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        case = actions.recall_case(case, world.people.community, version=case.version, reason="三天未处置")
    case = fresh(case)
    assert (case.status, case.handling_level, case.assignee_id, case.step) == (
        Status.REGISTERED,
        HandlingLevel.COMMUNITY,
        None,
        Step.DISPATCH,
    )
    assert case.step_red_at > timezone.now()  # a fresh clock for the dispatch step
    assert not CaseParticipant.objects.filter(case=case, role=CaseParticipant.Role.LEAD, is_active=True).exists()
    event = case.events.order_by("-seq").first()
    assert (event.type, event.note, event.actor_id) == ("recalled", "三天未处置", world.people.community.pk)
    assert event.details["recalled_from"]["level"] == HandlingLevel.GRID
    assert Notification.objects.filter(recipient=world.people.grid, kind="recalled", case=case).exists()
    # Dispatched again, to the neighbouring grid's worker's unit or any other.
    case = actions.dispatch_case(case, world.people.community, version=case.version, level=HandlingLevel.COMMUNITY)
    assert fresh(case).status == Status.DISPATCHED


def test_a_stale_recall_is_refused(world):
    case = _red(make_case(world, Status.DISPATCHED))
    with pytest.raises(CaseChanged):
        actions.recall_case(case, world.people.community, version=case.version - 1, reason="超时")
    assert fresh(case).status == Status.DISPATCHED


def test_out_of_scope_is_not_found_and_changes_nothing(world):
    case = _red(make_case(world, Status.HANDLING))
    before = _snapshot(case)
    for outsider in (world.people.community_neighbour, world.people.street_neighbour):
        assert Action.RECALL not in allowed_actions(outsider, case)
        with pytest.raises(CaseNotFound):
            actions.recall_case(case, outsider, version=case.version, reason="超时")
    assert _snapshot(case) == before


def test_a_departments_case_is_recalled_only_from_the_district(world, django_capture_on_commit_callbacks):
    """A department answers to the command centre: the community and the street are not above it."""
    case = _red(make_case(world, Status.HANDLING, level=HandlingLevel.DEPARTMENT))
    before = _snapshot(case)
    for below in (world.people.community, world.people.street):
        assert Action.RECALL not in allowed_actions(below, case)
        with pytest.raises(ActionNotAllowed):
            actions.recall_case(case, below, version=case.version, reason="超时")
    assert _snapshot(case) == before
    assert Action.RECALL in allowed_actions(world.people.operator, case)
    with django_capture_on_commit_callbacks(execute=True):
        case = actions.recall_case(case, world.people.operator, version=case.version, reason="部门超期未办")
    case = fresh(case)
    assert (case.status, case.handling_level, case.handling_department_id) == (
        Status.REGISTERED,
        HandlingLevel.STREET,
        None,
    )
    assert Notification.objects.filter(recipient=world.people.dept, kind="recalled", case=case).exists()


def test_the_street_recalls_a_communitys_case(world):
    case = _red(make_case(world, Status.HANDLING, level=HandlingLevel.COMMUNITY))
    assert Action.RECALL not in allowed_actions(world.people.community2, case)  # same level
    case = actions.recall_case(case, world.people.street, version=case.version, reason="社区超期")
    assert fresh(case).handling_level == HandlingLevel.STREET
