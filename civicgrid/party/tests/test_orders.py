"""派单 / 接单 / 赋分: every action's happy path, bad input and permissions (refusals change nothing)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.cases.tests.media_files import jpeg, random_bytes, upload
from civicgrid.core import events
from civicgrid.party import actions as org_actions
from civicgrid.party.actions import orders as actions
from civicgrid.party.events import OrderPointsGranted, OrderPosted, OrderReported, OrderTaken
from civicgrid.party.models import Order, OrderPhoto, OrderStatus, OrderStep, PostKind, TakerKind
from civicgrid.party.selectors import orders as selectors
from civicgrid.testing import make_user

from .orders_fixtures import _private_files, other_department, post, report_case, reported, soon, taken  # noqa: F401


@pytest.fixture
def published(monkeypatch):
    seen = []
    original = events.publish
    monkeypatch.setattr(events, "publish", lambda event: (seen.append(event), original(event)))
    return seen


def snapshot():
    return list(Order.objects.order_by("pk").values()), OrderStep.objects.count(), OrderPhoto.objects.count()


# --- Posting ---------------------------------------------------------------------------------


def test_community_staff_posts_an_order(world, published):
    order = post(world)
    assert order.status == OrderStatus.OPEN and order.region_code == world.tree["S1C1"].code
    assert order.posted_by == world.staff.community and order.points_offered == 5
    assert [s.status for s in order.steps.all()] == [OrderStatus.OPEN]
    assert [type(e) for e in published] == [OrderPosted]


def test_community_secretary_posts_for_their_community_only(world):
    p = world.party
    assert post(world, p.c1_secretary).region_code == world.tree["S1C1"].code
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        post(world, p.c1_secretary, community=world.tree["S1C2"])
    assert "community" in error.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize("who", ["neighbour", "dept", "street", "resident"])
def test_others_cannot_post_for_s1c1(world, who):
    before = snapshot()
    with pytest.raises(ValidationError):
        post(world, getattr(world.staff, who))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"deadline": timezone.localdate() - timedelta(days=1)}, "deadline"),
        ({"deadline": None}, "deadline"),
        ({"deadline": timezone.localdate() + timedelta(days=400)}, "deadline"),
        ({"points_offered": 21}, "points_offered"),
        ({"points_offered": -1}, "points_offered"),
        ({"points_offered": "abc"}, "points_offered"),
        ({"title": "清洁\x00家园"}, "title"),
        ({"title": "清洁\x1b家园"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"need": "需要\x07帮助"}, "need"),
        ({"kind": "party"}, "kind"),
        ({"community_id": "x"}, "community"),
        ({"case_number": "NO-SUCH-1"}, "case_number"),
        ({"case_number": "abc"}, "case_number"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(world, values, field):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        post(world, **values)
    assert field in error.value.message_dict
    assert snapshot() == before


def test_an_order_from_a_residents_case(world):
    case = report_case(world)
    order = post(world, case_number=case.number, title="楼道杂物清理")
    assert order.case == case
    assert case.number in order.steps.get().note


def test_a_case_out_of_the_posters_scope_is_refused(world):
    case = report_case(world, node="S1C2G1M1")
    before = snapshot()
    # S1C1's community staff cannot see S1C2's case.
    with pytest.raises(ValidationError) as error:
        post(world, case_number=case.number)
    assert "case_number" in error.value.message_dict
    # S1C2's staff sees it, but not for S1C1.
    with pytest.raises(ValidationError):
        post(world, world.staff.neighbour, case_number=case.number)
    assert snapshot() == before


# --- Taking ----------------------------------------------------------------------------------


def test_department_staff_take_for_their_department(world, published):
    order = post(world)
    order = actions.take_order(world.staff.dept, order.pk)
    assert order.status == OrderStatus.TAKEN and order.taker_kind == TakerKind.UNIT
    assert order.taker_department == world.department and order.taker_user == world.staff.dept
    event = published[-1]
    assert isinstance(event, OrderTaken) and event.department_id == world.department.pk


def test_a_department_outside_the_community_is_refused(world):
    order = post(world)
    _department, staff = other_department(world)
    before = snapshot()
    with pytest.raises(Order.DoesNotExist):
        actions.take_order(staff, order.pk)
    assert snapshot() == before


def test_first_secretary_takes_for_their_sending_department(world):
    order = post(world)
    order = actions.take_order(world.party.first_secretary, order.pk)
    assert order.taker_kind == TakerKind.FIRST_SECRETARY
    assert order.taker_department == world.department
    assert order.taker_post.kind == PostKind.FIRST_SECRETARY


def test_first_secretary_cannot_take_outside_their_organisation(world):
    order = post(world, world.staff.neighbour, community=world.tree["S1C2"])
    before = snapshot()
    with pytest.raises(Order.DoesNotExist):
        actions.take_order(world.party.first_secretary, order.pk)
    assert snapshot() == before


def test_a_registered_member_takes_and_an_unregistered_one_is_refused(world):
    p = world.party
    order = post(world)
    before = snapshot()
    with pytest.raises(Order.DoesNotExist):
        actions.take_order(p.member3, order.pk)  # a member of S1C2, not registered with S1C1
    with pytest.raises(Order.DoesNotExist):
        actions.take_order(world.staff.resident, order.pk)
    assert snapshot() == before
    order = actions.take_order(p.commuter, order.pk)
    assert order.taker_kind == TakerKind.MEMBER and order.taker_member == p.m_commuter
    # The commuter's branch belongs to the department: their points count for it.
    assert order.taker_department == world.department


def test_an_ended_registration_no_longer_takes(world):
    p = world.party
    org_actions.end_registration(p.commuter, p.registration.pk)
    order = post(world)
    with pytest.raises(Order.DoesNotExist):
        actions.take_order(p.commuter, order.pk)


def test_a_taken_order_cannot_be_taken_again(world):
    order = taken(world)
    before = snapshot()
    with pytest.raises((ValidationError, Order.DoesNotExist)):
        actions.take_order(world.party.first_secretary, order.pk)
    with pytest.raises(ValidationError):
        actions.take_order(world.staff.dept, order.pk)
    assert snapshot() == before


def test_an_order_past_its_deadline_shows_expired_and_cannot_be_taken(world):
    order = post(world)
    Order.objects.filter(pk=order.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    order.refresh_from_db()
    assert order.shown_status == OrderStatus.EXPIRED
    before = snapshot()
    with pytest.raises(ValidationError):
        actions.take_order(world.staff.dept, order.pk)
    assert snapshot() == before
    assert actions.expire_overdue() == 1
    assert Order.objects.get(pk=order.pk).status == OrderStatus.EXPIRED
    assert actions.expire_overdue() == 0


def test_unknown_ids_are_not_found(world):
    for bad in (None, "", "abc", "99999999", "1e3", -1):
        with pytest.raises(Order.DoesNotExist):
            actions.take_order(world.staff.dept, bad)


# --- Reporting -------------------------------------------------------------------------------


def test_the_taker_reports_with_photos(world, published):
    order = reported(world)
    assert order.status == OrderStatus.REPORTED and order.reported_at
    photo = order.photos.get()
    assert photo.content_type == "image/jpeg" and photo.file.startswith("party/orders/")
    assert isinstance(published[-1], OrderReported) and published[-1].photos == 1


def test_only_the_taker_reports(world):
    order = taken(world)
    before = snapshot()
    with pytest.raises((ValidationError, Order.DoesNotExist)):
        actions.report_order(world.party.first_secretary, order.pk, "完成", [jpeg()])
    with pytest.raises(Order.DoesNotExist):
        actions.report_order(world.staff.neighbour, order.pk, "完成", [jpeg()])
    assert snapshot() == before


@pytest.mark.parametrize(
    ("report", "photos", "field"),
    [
        ("", "jpeg", "report"),
        ("完成\x00", "jpeg", "report"),
        ("已完成", "none", "photos"),
        ("已完成", "junk", "photos"),
        ("已完成", "many", "photos"),
    ],
)
def test_bad_reports_are_refused(world, report, photos, field):
    order = taken(world)
    files = {
        "jpeg": [jpeg()],
        "none": [],
        "junk": [upload("x.jpg", random_bytes())],
        "many": [jpeg(f"{i}.jpg") for i in range(7)],
    }[photos]
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        actions.report_order(world.staff.dept, order.pk, report, files)
    assert field in error.value.message_dict
    assert snapshot() == before


# --- Auditing --------------------------------------------------------------------------------


def test_the_street_grants_points(world, published):
    order = reported(world)
    order = actions.audit_order(world.staff.street, order.pk, approve=True, points=8, comment="效果好")
    assert order.status == OrderStatus.APPROVED and order.points == 8 and order.audited_by == world.staff.street
    event = published[-1]
    assert isinstance(event, OrderPointsGranted)
    assert (event.points, event.department_id, event.taker_kind, event.user_id) == (
        8,
        world.department.pk,
        TakerKind.UNIT,
        world.staff.dept.pk,
    )
    assert event.region_code == world.tree["S1C1"].code


def test_return_sends_it_back_for_more(world):
    order = reported(world)
    with pytest.raises(ValidationError) as error:
        actions.audit_order(world.staff.street, order.pk, approve=False, comment="")
    assert "comment" in error.value.message_dict
    order = actions.audit_order(world.staff.street, order.pk, approve=False, comment="请补充清理后的照片")
    assert order.status == OrderStatus.RETURNED and order.points is None
    order = actions.report_order(world.staff.dept, order.pk, "已补充照片", [jpeg("more.jpg")])
    assert order.status == OrderStatus.REPORTED and order.photos.count() == 2
    order = actions.audit_order(world.staff.street, order.pk, approve=True, points=0)
    assert order.points == 0


@pytest.mark.parametrize("points", [21, -1, "", "abc", "5.5", None, "１０"])
def test_points_out_of_range_are_refused(world, points):
    order = reported(world)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        actions.audit_order(world.staff.street, order.pk, approve=True, points=points)
    assert "points" in error.value.message_dict
    assert snapshot() == before


def test_the_maximum_is_configured(world, settings):
    settings.PARTY_ORDER_MAX_POINTS = 50
    order = reported(world)
    assert actions.audit_order(world.staff.street, order.pk, approve=True, points=50).points == 50


@pytest.mark.parametrize("who", ["street2", "community", "dept", "admin"])
def test_only_street_staff_covering_the_community_audit(world, who):
    order = reported(world)
    before = snapshot()
    with pytest.raises(Order.DoesNotExist):
        actions.audit_order(getattr(world.staff, who), order.pk, approve=True, points=5)
    assert snapshot() == before


def test_an_audited_order_cannot_be_audited_again(world):
    order = reported(world)
    actions.audit_order(world.staff.street, order.pk, approve=True, points=5)
    other = make_user("street_b", Role.STREET_STAFF, world.tree["S1"])
    before = snapshot()
    with pytest.raises(ValidationError):
        actions.audit_order(other, order.pk, approve=True, points=9)
    assert snapshot() == before


# --- Cancelling ------------------------------------------------------------------------------


def test_the_poster_cancels_while_open(world):
    order = post(world)
    before = snapshot()
    with pytest.raises(Order.DoesNotExist):
        actions.cancel_order(world.staff.dept, order.pk)
    with pytest.raises(Order.DoesNotExist):
        actions.cancel_order(world.staff.neighbour, order.pk)
    assert snapshot() == before
    order = actions.cancel_order(world.staff.community, order.pk, "活动改期")
    assert order.status == OrderStatus.CANCELLED
    assert not selectors.hall(world.staff.dept)["takeable"].exists()


def test_a_taken_order_cannot_be_cancelled(world):
    order = taken(world)
    before = snapshot()
    with pytest.raises(ValidationError):
        actions.cancel_order(world.staff.community, order.pk)
    assert snapshot() == before


# --- Reach -----------------------------------------------------------------------------------


def test_the_hall_per_role(world):
    order = reported(world)
    fresh = post(world, title="共驻共建 助老餐桌", deadline=soon(3))
    assert set(selectors.hall(world.staff.community)["posted"]) == {order, fresh}
    dept = selectors.hall(world.staff.dept)
    assert list(dept["takeable"]) == [fresh] and list(dept["taken"]) == [order]
    assert list(selectors.hall(world.staff.street)["audit"]) == [order]
    assert list(selectors.hall(world.party.first_secretary)["takeable"]) == [fresh]
    assert list(selectors.hall(world.party.commuter)["takeable"]) == [fresh]
    assert selectors.hall(world.staff.resident) == {}
    assert not selectors.visible_orders(world.staff.street2).exists()
    assert not selectors.visible_orders(world.party.member3).exists()


def test_panel_figures(world):
    reported(world)
    order = reported(world)
    actions.audit_order(world.staff.street, order.pk, approve=True, points=7)
    post(world)
    figures = selectors.panel_figures([world.tree["S1"].code])
    assert figures == {"open": 1, "taken": 1, "approved": 1, "points": 7, "top_units": [(world.department.name, 7)]}
    assert selectors.panel_figures([world.tree["S2"].code])["approved"] == 0
    assert selectors.panel_figures(None)["points"] == 7
