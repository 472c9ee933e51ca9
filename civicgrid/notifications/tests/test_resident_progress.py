"""The resident who reported a case hears of it at each step that moves it on: accepted,
dispatched, handled (with the handler's reply) and closed — in plain words, without the staff's
internal notes."""

import pytest

from civicgrid.cases import actions
from civicgrid.cases.models import HandlingLevel, Status
from civicgrid.cases.tests.conftest import fresh, make_case, report
from civicgrid.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def resident_rows(world):
    return list(Notification.objects.filter(recipient=world.people.resident).order_by("pk"))


def test_the_reporter_hears_of_every_step(world, committed):
    case = report(world)
    with committed():
        case = actions.accept_case(case, world.people.community, version=case.version, note="内部备注：优先处理")
    with committed():
        case = actions.dispatch_case(
            case, world.people.community, version=case.version, level=HandlingLevel.GRID, note="派给张网格"
        )
    case = actions.sign_case(case, world.people.grid, version=case.version)
    with committed():
        case = actions.feedback_case(case, world.people.grid, version=case.version, note="杂物已清理完毕。")
    case = actions.verify_case(case, world.people.community, version=case.version, passed=True)
    with committed():
        actions.close_case(fresh(case), world.people.community, version=case.version)
    rows = resident_rows(world)
    assert [row.kind for row in rows] == [Kind.ACCEPTED, Kind.DISPATCHED, Kind.HANDLED, Kind.CLOSED]
    accepted, dispatched, handled, _closed = rows
    assert accepted.title.startswith("您反映的问题已受理") and "受理" in accepted.body
    assert "内部备注" not in accepted.body and "张网格" not in dispatched.body
    assert "杂物已清理完毕" in handled.body
    assert all(row.case_id == case.pk for row in rows)


def test_staff_hear_nothing_new_and_nobody_hears_of_their_own_step(world, committed):
    case = make_case(world, Status.REGISTERED)
    with committed():
        actions.dispatch_case(case, world.people.community, version=case.version, level=HandlingLevel.GRID)
    assert not Notification.objects.filter(kind=Kind.DISPATCHED).exclude(recipient=world.people.resident).exists()
    assert Notification.objects.filter(kind=Kind.ASSIGNED, recipient=world.people.grid).exists()


def test_a_rolled_back_step_tells_the_reporter_nothing(world, django_capture_on_commit_callbacks):
    case = report(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.accept_case(case, world.people.community, version=case.version)
    assert callbacks and not Notification.objects.filter(kind=Kind.ACCEPTED).exists()
