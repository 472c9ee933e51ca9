"""The write path of the services app: one `@transaction.atomic` function per intent. Each checks
the rules (services.rules) and the permission over the record's place, writes the change log and
publishes its events; the craftsman and the resident hear of each step through core's MessageSent.

An order's steps are conditional updates (`UPDATE … WHERE status = <the state the step leaves>`):
when the craftsman accepts while the resident cancels, exactly one update finds the row in the
state it expects; the other changes nothing and says the order has moved on (OrderMoved).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core import events
from civicgrid.core.changelog import record_change, snapshot, stored_snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.people import rules as people_rules
from civicgrid.regions.models import Level
from civicgrid.services import rules
from civicgrid.services.events import (
    CraftsmanOrdered,
    OrderAccepted,
    OrderCompleted,
    OrderDeclined,
    OrderRated,
)
from civicgrid.services.models import Craftsman, CraftsmanOrder, CraftsmanStatus, OrderStatus
from civicgrid.services.policy import resident_communities, serves

Action = ObjectChange.Action
LINK_FIELDS = ("category", "title", "guide", "url", "phone", "office", "hours", "order", "is_published", "region_code")
CRAFTSMAN_FIELDS = (
    "name",
    "skills",
    "introduction",
    "availability",
    "is_available",
    "area",
    "phone_masked",
    "user",
    "status",
)
ORDER_FIELDS = ("status", "rating", "rating_comment", "decline_reason")
# A resident's orders waiting for an answer or for the work, at most (a runaway form, a prank).
MAX_OPEN_ORDERS = 5


class OrderMoved(Exception):
    """The order is no longer in the state this step leaves (someone else's step came first)."""

    def __init__(self, order):
        super().__init__("order moved on")
        self.order = order
        self.message = _("订单状态已变化（当前：%(status)s），请刷新后再看。") % {"status": order.get_status_display()}


def _allowed(user, permission, code):
    codes = scope_codes(user, permission)
    return codes is None or any(code.startswith(c) for c in codes)


def _require(user, permission, code):
    if not _allowed(user, permission, code):
        raise PermissionDenied


# --- The directory ----------------------------------------------------------------------------------


@transaction.atomic
def save_link(
    user,
    link,
    *,
    region,
    category,
    title,
    guide="",
    url="",
    phone="",
    office="",
    hours="",
    order=100,
    is_published=True,
):
    """Create or update a government-service link kept for `region`'s subtree (a district or a
    street, in the user's scope of services.change_servicelink)."""
    if region is None or region.level not in (Level.DISTRICT, Level.STREET):
        raise ValidationError({"region": _("服务指南由区或街道维护，请选择区或街道。")})
    _require(user, "services.change_servicelink", region.code)
    if link.pk is not None:
        _require(user, "services.change_servicelink", link.region_code)
    before = stored_snapshot(link, LINK_FIELDS)
    link.region_code = region.code
    link.category = category
    link.title = rules.clean_text("title", title, 100, required=True, label=_("标题"))
    link.guide = rules.clean_text("guide", guide, 4000)
    link.url = rules.clean_url(url)
    link.phone = rules.clean_text("phone", phone, 30)
    link.office = rules.clean_text("office", office, 200)
    link.hours = rules.clean_text("hours", hours, 100)
    if not isinstance(order, int) or not 0 <= order <= 9999:
        raise ValidationError({"order": _("排序应为 0 到 9999 的整数。")})
    link.order = order
    link.is_published = bool(is_published)
    link.updated_at = timezone.now()
    link.full_clean()
    creating = link.pk is None
    link.save()
    record_change(user, link, Action.CREATE if creating else Action.UPDATE, before, snapshot(link, LINK_FIELDS))
    return link


# --- Craftsmen ---------------------------------------------------------------------------------------


def _account_with_phone(phone, craftsman):
    """The user account whose sign-in phone is the craftsman's mobile (not linked to another), or None."""
    if not phone or len(phone) != 11:
        return None
    user = get_user_model().objects.filter(phone=phone, is_active=True).first()
    if user is None:
        return None
    taken = Craftsman.objects.filter(user=user).exclude(pk=craftsman.pk).exists()
    return None if taken else user


@transaction.atomic
def save_craftsman(
    user, craftsman, *, name, skills, area, introduction="", availability="", is_available=True, phone=None
):
    """Add or edit a craftsman serving `area`'s subtree (a community, grid or micro-grid in the user's
    scope of services.change_craftsman). The phone is sealed (people.rules) and shown masked; when it
    is the sign-in phone of an account, that account is linked and answers the orders. A new
    craftsman waits to be verified."""
    if area is None or area.level not in (Level.COMMUNITY, Level.GRID, Level.MICROGRID):
        raise ValidationError({"area": _("服务区域应为社区、网格或微网格。")})
    _require(user, "services.change_craftsman", area.code)
    if craftsman.pk is not None:
        _require(user, "services.change_craftsman", craftsman.region_code)
    before = stored_snapshot(craftsman, CRAFTSMAN_FIELDS)
    craftsman.name = rules.clean_text("name", name, 50, required=True, label=_("姓名"))
    craftsman.skills = rules.skills_value(skills)
    craftsman.introduction = rules.clean_text("introduction", introduction, 300)
    craftsman.availability = rules.clean_text("availability", availability, 100)
    craftsman.is_available = bool(is_available)
    craftsman.area = area
    craftsman.region_code = area.code
    if phone is not None:
        if phone.strip():
            try:
                canonical = people_rules.validate_phone(phone)
            except ValueError as error:
                raise ValidationError({"phone": str(error)}) from None
        else:
            canonical = ""
        for key, value in people_rules.seal_phone(canonical).items():
            setattr(craftsman, key, value)
        craftsman.user = _account_with_phone(canonical, craftsman)
    creating = craftsman.pk is None
    craftsman.save()
    record_change(
        user, craftsman, Action.CREATE if creating else Action.UPDATE, before, snapshot(craftsman, CRAFTSMAN_FIELDS)
    )
    return craftsman


@transaction.atomic
def set_craftsman_status(user, craftsman, status):
    """核实 (verified), 暂停 (suspended) or back to 待核实 by community staff of the craftsman's area."""
    if status not in CraftsmanStatus.values:
        raise ValidationError({"status": _("未知的状态。")})
    _require(user, "services.change_craftsman", craftsman.region_code)
    locked = Craftsman.objects.select_for_update().get(pk=craftsman.pk)
    before = snapshot(locked, CRAFTSMAN_FIELDS)
    locked.status = status
    if status == CraftsmanStatus.VERIFIED:
        locked.verified_by, locked.verified_at = user, timezone.now()
    locked.save(update_fields=["status", "verified_by", "verified_at"])
    record_change(
        user,
        locked,
        Action.VERIFY if status == CraftsmanStatus.VERIFIED else Action.UPDATE,
        before,
        snapshot(locked, CRAFTSMAN_FIELDS),
    )
    return locked


# --- Orders ------------------------------------------------------------------------------------------


def _tell(user_ids, title, body, url):
    ids = tuple(sorted({pk for pk in user_ids if pk}))
    if ids:
        events.publish(events.MessageSent(user_ids=ids, title=title, body=body, url=url, topic="services"))


def _event(cls, order, actor, **extra):
    events.publish(
        cls(
            order_id=order.pk,
            craftsman_id=order.craftsman_id,
            resident_id=order.resident_id,
            region_code=order.region_code,
            actor_id=getattr(actor, "pk", None),
            **extra,
        )
    )


@transaction.atomic
def call_craftsman(user, craftsman, *, what, address, preferred_time):
    """一键呼叫: a resident orders a verified, available craftsman serving their community."""
    communities = resident_communities(user)
    served = [code for code in communities if serves(craftsman, code)]
    if not served:
        raise PermissionDenied
    if craftsman.status != CraftsmanStatus.VERIFIED or not craftsman.is_available:
        raise ValidationError(_("这位师傅暂不接单，请选择其他师傅。"))
    what = rules.clean_text("what", what, 300, required=True, label=_("需要做什么"))
    address = rules.clean_text("address", address, 200, required=True, label=_("上门地址"))
    preferred_time = rules.clean_preferred_time(preferred_time)
    open_orders = CraftsmanOrder.objects.filter(
        resident=user, status__in=[OrderStatus.REQUESTED, OrderStatus.ACCEPTED]
    ).count()
    if open_orders >= MAX_OPEN_ORDERS:
        raise ValidationError(_("您有 %(count)s 个订单尚未完成，请先处理后再下单。") % {"count": open_orders})
    order = CraftsmanOrder.objects.create(
        craftsman=craftsman,
        resident=user,
        region_code=served[0],
        what=what,
        address=address,
        preferred_time=preferred_time,
    )
    record_change(user, order, Action.CREATE, None, snapshot(order, ORDER_FIELDS))
    _event(CraftsmanOrdered, order, user)
    _tell(
        [craftsman.user_id],
        _("新的上门服务订单"),
        _("%(what)s（期望时间 %(time)s）")
        % {"what": what, "time": timezone.localtime(preferred_time).strftime("%m-%d %H:%M")},
        reverse("services:job", args=[order.pk]),
    )
    return order


def _step(actor, order, *, leaves, to, **values):
    """Move `order` from one of the states `leaves` to `to` in one conditional update; OrderMoved
    when another step came first (nothing written then)."""
    before = snapshot(order, ORDER_FIELDS)
    updated = CraftsmanOrder.objects.filter(pk=order.pk, status__in=leaves).update(status=to, **values)
    fresh = CraftsmanOrder.objects.select_related("craftsman").get(pk=order.pk)
    if not updated:
        raise OrderMoved(fresh)
    record_change(actor, fresh, Action.UPDATE, before, snapshot(fresh, ORDER_FIELDS))
    return fresh


def _require_craftsman(user, order):
    if not user.is_authenticated or order.craftsman.user_id != user.pk:
        raise PermissionDenied


def _require_resident(user, order):
    if not user.is_authenticated or order.resident_id != user.pk:
        raise PermissionDenied


@transaction.atomic
def accept_order(user, order):
    """接单 (the craftsman, from 待接单; not while suspended)."""
    _require_craftsman(user, order)
    if order.craftsman.status == CraftsmanStatus.SUSPENDED:
        raise ValidationError(_("您的服务已被社区暂停，暂不能接单。"))
    order = _step(user, order, leaves=[OrderStatus.REQUESTED], to=OrderStatus.ACCEPTED, answered_at=timezone.now())
    _event(OrderAccepted, order, user)
    _tell(
        [order.resident_id],
        _("师傅已接单"),
        _("%(name)s 已接下您的订单：%(what)s") % {"name": order.craftsman.name, "what": order.what},
        reverse("services:my_order", args=[order.pk]),
    )
    return order


@transaction.atomic
def decline_order(user, order, reason=""):
    """婉拒 (the craftsman, from 待接单), with an optional reason the resident reads."""
    _require_craftsman(user, order)
    reason = rules.clean_text("decline_reason", reason, 200)
    order = _step(
        user,
        order,
        leaves=[OrderStatus.REQUESTED],
        to=OrderStatus.DECLINED,
        answered_at=timezone.now(),
        decline_reason=reason,
    )
    _event(OrderDeclined, order, user)
    _tell(
        [order.resident_id],
        _("师傅暂时无法接单"),
        reason or _("%(name)s 婉拒了您的订单，您可以呼叫其他师傅。") % {"name": order.craftsman.name},
        reverse("services:my_order", args=[order.pk]),
    )
    return order


@transaction.atomic
def complete_order(user, order):
    """完成 (the craftsman, from 已接单); the resident is asked to rate."""
    _require_craftsman(user, order)
    order = _step(user, order, leaves=[OrderStatus.ACCEPTED], to=OrderStatus.COMPLETED, completed_at=timezone.now())
    _event(OrderCompleted, order, user)
    _tell(
        [order.resident_id],
        _("服务已完成，请评价"),
        _("%(name)s 已完成：%(what)s") % {"name": order.craftsman.name, "what": order.what},
        reverse("services:my_order", args=[order.pk]),
    )
    return order


@transaction.atomic
def cancel_order(user, order):
    """取消 (the resident, while the order waits for an answer)."""
    _require_resident(user, order)
    order = _step(user, order, leaves=[OrderStatus.REQUESTED], to=OrderStatus.CANCELLED, cancelled_at=timezone.now())
    _tell(
        [order.craftsman.user_id],
        _("居民已取消订单"),
        order.what,
        reverse("services:job", args=[order.pk]),
    )
    return order


@transaction.atomic
def rate_order(user, order, *, rating, comment=""):
    """评价 (the resident, once, after the work is done): 1–5 stars and a comment."""
    _require_resident(user, order)
    rating = rules.clean_rating(rating)
    comment = rules.clean_text("rating_comment", comment, 300)
    before = snapshot(order, ORDER_FIELDS)
    updated = CraftsmanOrder.objects.filter(pk=order.pk, status=OrderStatus.COMPLETED, rating__isnull=True).update(
        rating=rating, rating_comment=comment, rated_at=timezone.now()
    )
    fresh = CraftsmanOrder.objects.select_related("craftsman").get(pk=order.pk)
    if not updated:
        raise OrderMoved(fresh)
    Craftsman.objects.filter(pk=fresh.craftsman_id).update(
        rating_sum=F("rating_sum") + rating, rating_count=F("rating_count") + 1
    )
    record_change(user, fresh, Action.UPDATE, before, snapshot(fresh, ORDER_FIELDS))
    _event(OrderRated, fresh, user, rating=rating)
    _tell(
        [fresh.craftsman.user_id],
        _("居民评价了您的服务"),
        _("%(stars)s 星 %(comment)s") % {"stars": rating, "comment": comment},
        reverse("services:job", args=[fresh.pk]),
    )
    return fresh
