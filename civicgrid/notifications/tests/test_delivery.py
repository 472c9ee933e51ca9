"""Each kind of case event reaches the right people, and nobody else."""

import pytest

from civicgrid.cases import actions
from civicgrid.cases.errors import CaseChanged
from civicgrid.cases.models import HandlingLevel, Status
from civicgrid.cases.tests.conftest import fresh, make_case, report
from civicgrid.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def kinds_of(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def recipients_of(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_report_reaches_the_community_dispatchers_only(world, committed):
    with committed():
        case = report(world)
    assert recipients_of(Kind.NEW_CASE) == {"community", "community2"}
    row = Notification.objects.filter(kind=Kind.NEW_CASE).first()
    assert row.case == case and case.number in row.title and row.read_at is None
    assert kinds_of(world.people.resident) == []  # the reporter did it


def test_assignment_reaches_the_grid_not_the_neighbours_nor_the_dispatcher(world, committed):
    case = make_case(world, Status.REGISTERED)
    with committed():
        actions.dispatch_case(case, world.people.community, version=case.version, level=HandlingLevel.GRID)
    assert recipients_of(Kind.ASSIGNED) == {"grid"}


def test_department_assignment_reaches_its_staff(world, committed):
    case = make_case(world, Status.REGISTERED)
    with committed():
        actions.dispatch_case(
            case,
            world.people.street,
            version=case.version,
            level=HandlingLevel.DEPARTMENT,
            department=world.cg,
            co_departments=[world.water],
        )
    assert recipients_of(Kind.ASSIGNED) == {"dept", "dept_water"}


def test_closure_asks_the_reporter_and_followers_to_rate(world, committed):
    case = make_case(world, Status.VERIFIED)
    actions.follow_case(case, world.people.resident2)
    case = fresh(case)
    with committed():
        actions.close_case(case, world.people.community, version=case.version)
    assert recipients_of(Kind.CLOSED) == {"resident", "resident2"}
    assert "评价" in Notification.objects.filter(kind=Kind.CLOSED).first().body


def test_return_rework_and_supervision(world, committed):
    case = make_case(world, Status.HANDLING)
    with committed():
        actions.supervise_case(case, world.people.street, version=case.version, note="请尽快处理。")
    assert recipients_of(Kind.SUPERVISED) == {"grid"}
    assert "请尽快处理。" in Notification.objects.get(kind=Kind.SUPERVISED).body

    case = fresh(case)
    with committed():
        actions.return_case(case, world.people.grid, version=case.version, reason="不属于本网格。")
    assert recipients_of(Kind.RETURNED) == {"community", "community2"}

    other = make_case(world, Status.HANDLED)
    with committed():
        actions.verify_case(other, world.people.community, version=other.version, passed=False, note="没扫干净。")
    assert recipients_of(Kind.REWORK) == {"grid"}


def test_rejection_reaches_the_reporter(world, committed):
    case = report(world)
    with committed():
        actions.reject_case(case, world.people.community, version=case.version, reason="不属于受理范围。")
    assert recipients_of(Kind.REJECTED) == {"resident"}


def test_a_rolled_back_action_notifies_nobody(world, django_capture_on_commit_callbacks):
    case = make_case(world, Status.REGISTERED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(CaseChanged):
        actions.dispatch_case(case, world.people.community, version=case.version + 5, level=HandlingLevel.GRID)
    assert callbacks == []
    assert not Notification.objects.filter(kind=Kind.ASSIGNED).exists()


def test_an_inactive_user_gets_nothing(world, committed):
    world.people.community2.is_active = False
    world.people.community2.save(update_fields=["is_active"])
    with committed():
        report(world)
    assert recipients_of(Kind.NEW_CASE) == {"community"}
