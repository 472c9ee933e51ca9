"""The services actions: the happy path, bad input (nothing written), permissions (nothing
changed when refused) and the order's one-action-per-state rule."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civicgrid.core import events
from civicgrid.core.models import ObjectChange
from civicgrid.services import actions, selectors
from civicgrid.services.events import CraftsmanOrdered, OrderAccepted, OrderCompleted, OrderRated
from civicgrid.services.models import Craftsman, CraftsmanOrder, CraftsmanStatus, OrderStatus, ServiceLink


@pytest.fixture
def heard():
    got = []

    def listen(event):
        got.append(event)

    for cls in (events.MessageSent, CraftsmanOrdered, OrderAccepted, OrderCompleted, OrderRated):
        events.subscribe(cls, listen, phase=events.IN_TRANSACTION)
    yield got
    for cls in (events.MessageSent, CraftsmanOrdered, OrderAccepted, OrderCompleted, OrderRated):
        events.unsubscribe(cls, listen, phase=events.IN_TRANSACTION)


def soon():
    return timezone.now() + timedelta(days=1)


def order(world, resident=None, craftsman=None):
    return actions.call_craftsman(
        resident or world.users.resident,
        craftsman or world.craftsman,
        what="水龙头漏水",
        address="1号楼101",
        preferred_time=soon(),
    )


def link_fields(world, **extra):
    return {
        "region": world.tree["D"],
        "category": "housing_fund",
        "title": "公积金提取",
        "url": "https://gjj.example.gov.cn/",
        **extra,
    }


# --- The directory ----------------------------------------------------------------------------------


def test_a_district_link_serves_every_community_and_a_street_link_only_its_own(world):
    u = world.users
    district = actions.save_link(u.admin, ServiceLink(), **link_fields(world))
    street = actions.save_link(u.street, ServiceLink(), **link_fields(world, region=world.tree["S1"], title="本街道"))
    assert set(selectors.links_for(u.resident)) == {district, street}
    assert set(selectors.links_for(u.resident_b)) == {district}
    assert ObjectChange.objects.filter(object_id=str(district.pk), content_type__model="servicelink").count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.gov.cn/",
        "http://",
        "http://user:secret@example.gov.cn/",
        "http://exa mple.gov.cn/",
        "http://example.gov.cn/\x00",
        "http://example.gov.cn/\u202e",
        "https://example.gov.cn/" + "a" * 500,
        "//example.gov.cn/",
        "http://example.gov.cn:99999/",
    ],
)
def test_a_bad_link_is_refused_and_nothing_is_written(world, url):
    with pytest.raises(ValidationError) as error:
        actions.save_link(world.users.admin, ServiceLink(), **link_fields(world, url=url))
    assert "url" in error.value.message_dict
    assert not ServiceLink.objects.exists()


def test_an_intranet_link_is_accepted(world):
    link = actions.save_link(world.users.admin, ServiceLink(), **link_fields(world, url="http://zwfw.intra:8080/gjj"))
    assert link.url == "http://zwfw.intra:8080/gjj"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ""), ("title", "标" * 101), ("guide", "说明\x07"), ("guide", "字" * 4001), ("office", "x" * 201)],
)
def test_bad_link_texts_are_refused(world, field, value):
    with pytest.raises(ValidationError):
        actions.save_link(world.users.admin, ServiceLink(), **link_fields(world, **{field: value}))
    assert not ServiceLink.objects.exists()


def test_community_staff_and_residents_cannot_keep_the_directory(world):
    for user in (world.users.community, world.users.resident):
        with pytest.raises(PermissionDenied):
            actions.save_link(user, ServiceLink(), **link_fields(world, region=world.tree["S1"]))
    link = actions.save_link(world.users.admin, ServiceLink(), **link_fields(world, region=world.tree["S2"]))
    with pytest.raises(PermissionDenied):  # street staff of S1 cannot touch S2's link
        actions.save_link(world.users.street, link, **link_fields(world, region=world.tree["S1"], title="改"))
    link.refresh_from_db()
    assert link.title == "公积金提取" and link.region_code == world.tree["S2"].code


# --- Craftsmen ---------------------------------------------------------------------------------------


def test_a_craftsman_is_linked_to_the_account_with_their_phone_and_shown_masked(world):
    assert world.craftsman.user == world.users.worker
    assert world.craftsman.phone_masked == "138****0021"
    assert "13800000021" not in world.craftsman.phone_enc


def test_a_new_craftsman_waits_to_be_verified(world):
    c = actions.save_craftsman(world.users.community, Craftsman(), name="钱师傅", skills=["locks"], area=world.a)
    assert c.status == CraftsmanStatus.PENDING
    assert c not in selectors.craftsmen_for(world.users.resident)
    actions.set_craftsman_status(world.users.community, c, CraftsmanStatus.VERIFIED)
    assert c in selectors.craftsmen_for(world.users.resident)


@pytest.mark.parametrize(
    "fields",
    [
        {"skills": []},
        {"skills": ["rocket_science"]},
        {"name": ""},
        {"name": "王\x0b师傅"},
        {"introduction": "x" * 301},
        {"phone": "12345"},
    ],
)
def test_bad_craftsman_input_is_refused(world, fields):
    data = {"name": "钱师傅", "skills": ["locks"], "area": world.a, **fields}
    before = Craftsman.objects.count()
    with pytest.raises(ValidationError):
        actions.save_craftsman(world.users.community, Craftsman(), **data)
    assert Craftsman.objects.count() == before


def test_staff_of_another_community_cannot_add_or_suspend_here(world):
    before = Craftsman.objects.count()
    with pytest.raises(PermissionDenied):
        actions.save_craftsman(world.users.community_b, Craftsman(), name="钱", skills=["locks"], area=world.a)
    with pytest.raises(PermissionDenied):
        actions.set_craftsman_status(world.users.community_b, world.craftsman, CraftsmanStatus.SUSPENDED)
    assert Craftsman.objects.count() == before
    world.craftsman.refresh_from_db()
    assert world.craftsman.status == CraftsmanStatus.VERIFIED


def test_residents_see_the_craftsmen_serving_their_community_by_skill(world):
    u = world.users
    assert set(selectors.craftsmen_for(u.resident)) == {world.craftsman, world.craftsman2}
    assert list(selectors.craftsmen_for(u.resident, "drains")) == [world.craftsman]
    assert list(selectors.craftsmen_for(u.resident_b)) == [world.craftsman_b]


# --- Orders ------------------------------------------------------------------------------------------


def test_the_whole_order_tells_the_craftsman_and_the_resident(world, heard):
    u = world.users
    o = order(world)
    assert o.status == OrderStatus.REQUESTED and o.region_code == world.a.code
    o = actions.accept_order(u.worker, o)
    o = actions.complete_order(u.worker, o)
    o = actions.rate_order(u.resident, o, rating=4, comment="不错")
    assert (o.status, o.rating, o.rating_comment) == (OrderStatus.COMPLETED, 4, "不错")
    world.craftsman.refresh_from_db()
    assert world.craftsman.average_rating == 4.0
    kinds = [type(e).__name__ for e in heard]
    assert kinds.count("MessageSent") == 4
    assert [k for k in kinds if k != "MessageSent"] == [
        "CraftsmanOrdered",
        "OrderAccepted",
        "OrderCompleted",
        "OrderRated",
    ]
    told = [e.user_ids for e in heard if isinstance(e, events.MessageSent)]
    assert told == [(u.worker.pk,), (u.resident.pk,), (u.resident.pk,), (u.worker.pk,)]
    assert ObjectChange.objects.filter(object_id=str(o.pk), content_type__model="craftsmanorder").count() == 4


def test_a_declined_order_says_why(world):
    o = actions.decline_order(world.users.worker, order(world), reason="这周不在家")
    assert (o.status, o.decline_reason) == (OrderStatus.DECLINED, "这周不在家")


@pytest.mark.parametrize("rating", [0, 6, -1, "五", None, "3.5"])
def test_a_rating_out_of_range_is_refused(world, rating):
    o = actions.complete_order(world.users.worker, actions.accept_order(world.users.worker, order(world)))
    with pytest.raises(ValidationError):
        actions.rate_order(world.users.resident, o, rating=rating)
    o.refresh_from_db()
    assert o.rating is None


def test_an_order_is_rated_once(world):
    o = actions.complete_order(world.users.worker, actions.accept_order(world.users.worker, order(world)))
    actions.rate_order(world.users.resident, o, rating=5)
    with pytest.raises(actions.OrderMoved):
        actions.rate_order(world.users.resident, o, rating=1)
    o.refresh_from_db()
    world.craftsman.refresh_from_db()
    assert o.rating == 5 and world.craftsman.rating_count == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("what", ""), ("what", "修" * 301), ("what", "修\x1b理"), ("address", ""), ("address", "址" * 201)],
)
def test_bad_order_input_is_refused(world, field, value):
    data = {"what": "修水管", "address": "1号楼", "preferred_time": soon(), field: value}
    with pytest.raises(ValidationError):
        actions.call_craftsman(world.users.resident, world.craftsman, **data)
    assert not CraftsmanOrder.objects.exists()


@pytest.mark.parametrize("delta", [timedelta(days=-1), timedelta(days=61)])
def test_a_preferred_time_in_the_past_or_too_far_is_refused(world, delta):
    with pytest.raises(ValidationError):
        actions.call_craftsman(
            world.users.resident, world.craftsman, what="修", address="1号", preferred_time=timezone.now() + delta
        )
    assert not CraftsmanOrder.objects.exists()


def test_a_resident_of_another_community_cannot_call_here(world):
    with pytest.raises(PermissionDenied):
        order(world, resident=world.users.resident_b)
    with pytest.raises(PermissionDenied):  # staff are no residents
        order(world, resident=world.users.community)
    assert not CraftsmanOrder.objects.exists()


def test_an_unverified_or_unavailable_craftsman_cannot_be_called(world):
    actions.set_craftsman_status(world.users.community, world.craftsman, CraftsmanStatus.SUSPENDED)
    world.craftsman.refresh_from_db()
    with pytest.raises(ValidationError):
        order(world)
    assert not CraftsmanOrder.objects.exists()


def test_a_craftsman_cannot_touch_another_craftsmans_order(world):
    o = order(world)
    for step in (actions.accept_order, actions.decline_order, actions.complete_order):
        with pytest.raises(PermissionDenied):
            step(world.users.worker2, o)
    with pytest.raises(PermissionDenied):  # nor the resident the craftsman's steps, nor another resident theirs
        actions.accept_order(world.users.resident, o)
    with pytest.raises(PermissionDenied):
        actions.cancel_order(world.users.resident_b, o)
    o.refresh_from_db()
    assert o.status == OrderStatus.REQUESTED


def test_one_action_per_state(world):
    u = world.users
    o = order(world)
    with pytest.raises(actions.OrderMoved):
        actions.complete_order(u.worker, o)  # not accepted yet
    with pytest.raises(actions.OrderMoved):
        actions.rate_order(u.resident, o, rating=5)  # not done yet
    o = actions.accept_order(u.worker, o)
    with pytest.raises(actions.OrderMoved):
        actions.cancel_order(u.resident, o)  # accepted: too late to cancel
    with pytest.raises(actions.OrderMoved):
        actions.decline_order(u.worker, o)
    o.refresh_from_db()
    assert o.status == OrderStatus.ACCEPTED


def test_a_resident_has_at_most_five_open_orders(world):
    for _ in range(actions.MAX_OPEN_ORDERS):
        order(world)
    with pytest.raises(ValidationError):
        order(world)
    assert CraftsmanOrder.objects.count() == actions.MAX_OPEN_ORDERS


def test_staff_see_the_orders_of_their_subtree_only(world):
    a = order(world)
    b = order(world, resident=world.users.resident_b, craftsman=world.craftsman_b)
    assert list(selectors.orders_overview(world.users.community)) == [a]
    assert list(selectors.orders_overview(world.users.community_b)) == [b]
    assert set(selectors.orders_overview(world.users.admin)) == {a, b}
    assert not selectors.orders_overview(world.users.resident).exists()
