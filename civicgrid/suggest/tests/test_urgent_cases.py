"""Issue 16, item 4: a report describing an emergency is raised to urgent and the duty officers (the
command centre's operators above it, the staff of its street) are told at once; a negated or asked
emergency is not."""

from civicgrid.cases import actions
from civicgrid.cases.models import Case, CaseEvent, EventType, Priority, Status
from civicgrid.cases.tests.conftest import make_case, report
from civicgrid.notifications.models import Kind, Notification


def warned(case):
    return set(Notification.objects.filter(kind=Kind.WARNING, case=case).values_list("recipient__username", flat=True))


def test_an_emergency_report_is_raised_and_the_duty_officers_are_told_at_once(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(world, description="3号楼楼道里一股很浓的煤气味，怕是燃气泄漏了，请马上来人")
    case = Case.objects.get(pk=case.pk)
    assert case.priority == Priority.URGENT
    assert case.status == Status.REPORTED  # the workflow does not move
    row = CaseEvent.objects.get(case=case, type=EventType.PRIORITY_RAISED)
    assert row.details["terms"] == ["燃气泄漏"]
    assert row.actor_id is None
    assert case.event_count == 2 and case.head_hash == row.hash  # the chain holds the new row
    # The command centre's operator on the district and the staff of the case's street; nobody else.
    assert warned(case) == {"operator", "street", "street2"}


def test_a_negated_or_asked_emergency_is_not_raised(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        one = report(world, description="检查过了，没有燃气泄漏，是下水道返味，请疏通")
        two = report(world, description="远处是不是着火了？想问一下")
    for case in (one, two):
        case = Case.objects.get(pk=case.pk)
        assert case.priority == Priority.NORMAL
        assert not CaseEvent.objects.filter(case=case, type=EventType.PRIORITY_RAISED).exists()
        assert warned(case) == set()


def test_raising_twice_or_a_finished_case_changes_nothing(world):
    case = report(world)
    raised = actions.raise_priority(case, terms=["起火"])
    assert raised.priority == Priority.URGENT
    version, count = raised.version, raised.event_count
    again = actions.raise_priority(case.pk, terms=["起火"])
    assert (again.version, again.event_count) == (version, count)
    closed = make_case(world, Status.CLOSED)
    before = Case.objects.get(pk=closed.pk)
    after = actions.raise_priority(closed, terms=["爆炸"])
    assert after.priority == Priority.NORMAL and after.version == before.version


def test_the_urgent_priority_shows_on_the_staff_case_page(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(world, description="小区门口路面塌了个大坑，有车陷进去了")
    client.force_login(world.people.community)
    page = client.get(f"/cases/staff/{case.number}/").content.decode()
    assert "列为紧急" in page  # the timeline entry
    assert 'id="urgent-badge"' in page
    queue = client.get("/cases/staff/queue/").content.decode()
    assert "data-urgent" in queue
