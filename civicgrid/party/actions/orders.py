"""派单 / 接单 / 赋分: post an order (a community, perhaps from a resident's case), take it (a unit,
a first secretary, a registered member: one wins), report it with photos, audit it (the street:
points or back for more), cancel it, and expire open orders past their deadline.

Each action locks the order, checks the actor's reach (civicgrid.party.selectors.orders) and its
status on the locked row, and publishes its event in the transaction. An order outside the actor's
sight raises Order.DoesNotExist (404) and changes nothing; refusals raise ValidationError."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.cases import uploads
from civicgrid.core import clock, events
from civicgrid.core.text import object_id
from civicgrid.party.actions.common import refuse, text
from civicgrid.party.events import OrderPointsGranted, OrderPosted, OrderReported, OrderTaken
from civicgrid.party.models import WORKING, Order, OrderKind, OrderPhoto, OrderStatus, OrderStep
from civicgrid.party.selectors import orders as reach
from civicgrid.regions.models import Level, Region

MAX_DAYS_AHEAD = 366


def _step(order, status, user, note="", at=None):
    OrderStep.objects.create(order=order, status=status, actor=user, note=note[:500], at=at or clock.now())


def _locked(user, order_id):
    """The order, locked, if the user may see it; Order.DoesNotExist otherwise."""
    pk = object_id(order_id)
    if pk is None or not reach.visible_orders(user).filter(pk=pk).exists():
        raise Order.DoesNotExist
    return Order.objects.select_for_update().get(pk=pk)


def _points(errors, name, value, top):
    value = str(value if value is not None else "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 4 or int(value) > top:
        errors[name] = _("分值须为 0 到 %(max)s 之间的整数。") % {"max": top}
        return None
    return int(value)


def case_for_order(user, number, community=None):
    """The case `number` the user may see (cases.selectors.visible_case), inside `community` if given;
    ValidationError otherwise."""
    from civicgrid.cases.errors import CaseNotFound
    from civicgrid.cases.selectors import visible_case

    number = (number or "").strip()
    if not number or len(number) > 16 or not number.isascii() or "-" not in number:
        raise ValidationError({"case_number": _("请填写正确的案件编号。")})
    try:
        case = visible_case(user, number)
    except CaseNotFound:
        raise ValidationError({"case_number": _("未找到该案件，或该案件不在您的管理范围内。")}) from None
    if community is not None and not case.region_code.startswith(community.code):
        raise ValidationError({"case_number": _("该案件不在所选社区。")})
    return case


@transaction.atomic
def post_order(user, *, community_id, kind, title, need, deadline, points_offered=0, case_number=""):
    """社区派单: a new open order of a community the user posts for."""
    errors = {}
    community = Region.objects.filter(pk=object_id(community_id), level=Level.COMMUNITY).first()
    if community is None or not reach.may_post(user, community.code):
        errors["community"] = _("请选择您所在的社区。")
    if kind not in OrderKind.values:
        errors["kind"] = _("请选择派单类型。")
    title = text(errors, "title", title, 100, required=True, label=_("标题"))
    need = text(errors, "need", need, 2000, required=True, label=_("需求说明"))
    today = timezone.localdate()
    if deadline is None:
        errors["deadline"] = _("请填写截止日期。")
    elif deadline < today:
        errors["deadline"] = _("截止日期不能早于今天。")
    elif deadline > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["deadline"] = _("截止日期须在一年之内。")
    points = _points(errors, "points_offered", points_offered, reach.max_points())
    case = None
    if case_number and "case_number" not in errors:
        try:
            case = case_for_order(user, case_number, community if "community" not in errors else None)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    refuse(errors)
    order = Order.objects.create(
        community=community,
        region_code=community.code,
        kind=kind,
        title=title,
        need=need,
        deadline=deadline,
        points_offered=points,
        case=case,
        posted_by=user,
    )
    _step(order, OrderStatus.OPEN, user, _("来自案件 %(number)s") % {"number": case.number} if case else "")
    events.publish(
        OrderPosted(
            order_id=order.pk, kind=kind, region_code=order.region_code, case_id=case and case.pk, user_id=user.pk
        )
    )
    return order


@transaction.atomic
def take_order(user, order_id, as_kind=None):
    """接单: the first to take an open order wins; `as_kind` chooses between the user's ways of
    taking it (unit, first_secretary, member) when they have several."""
    order = _locked(user, order_id)
    options = reach.take_options(user, order)
    if as_kind:
        options = [o for o in options if o[0] == as_kind]
    if not options:
        raise ValidationError(_("您不能承接该社区的派单。"))
    if order.status != OrderStatus.OPEN:
        raise ValidationError(_("该派单已被承接或已关闭。"))
    if order.deadline < timezone.localdate():
        raise ValidationError(_("该派单已过截止日期。"))
    kind, department, post, member = options[0]
    now = clock.now()
    order.status = OrderStatus.TAKEN
    order.taker_kind = kind
    order.taker_user = user
    order.taker_department = department
    order.taker_post = post
    order.taker_member = member
    order.taken_at = now
    order.save()
    _step(order, OrderStatus.TAKEN, user, department.name if department else "", at=now)
    events.publish(
        OrderTaken(
            order_id=order.pk,
            taker_kind=kind,
            department_id=department and department.pk,
            user_id=user.pk,
            region_code=order.region_code,
        )
    )
    return order


def _check_photos(photos, existing):
    from civicgrid.cases import uploads

    photos = [f for f in photos or () if f]
    if not photos and not existing:
        raise ValidationError({"photos": _("请上传至少一张现场照片。")})
    if existing + len(photos) > reach.max_photos():
        raise ValidationError({"photos": _("照片最多 %(n)d 张。") % {"n": reach.max_photos()}})
    try:
        return [uploads.check_photo(f) for f in photos]
    except uploads.UploadError as error:
        raise ValidationError({"photos": str(error)}) from None


def _store_photos(order, checked, user, at):
    return uploads.save_checked(
        checked, "party/orders", at, user, lambda **fields: OrderPhoto.objects.create(order=order, **fields)
    )


@transaction.atomic
def report_order(user, order_id, report, photos=()):
    """完成报告: the taker reports what was done, with photos (checked as case photos)."""
    order = _locked(user, order_id)
    if order.taker_user_id != user.pk:
        raise ValidationError(_("只有接单人可以提交完成报告。"))
    if order.status not in WORKING:
        raise ValidationError(_("该派单当前不能提交完成报告。"))
    errors = {}
    report = text(errors, "report", report, 2000, required=True, label=_("完成情况"))
    refuse(errors)
    checked = _check_photos(photos, order.photos.count())
    now = clock.now()
    written = _store_photos(order, checked, user, now)
    try:
        order.status = OrderStatus.REPORTED
        order.report = report
        order.reported_at = now
        order.save()
        _step(order, OrderStatus.REPORTED, user, at=now)
        events.publish(
            OrderReported(
                order_id=order.pk, photos=order.photos.count(), user_id=user.pk, region_code=order.region_code
            )
        )
    except Exception:
        from civicgrid.cases import uploads

        for name in written:
            uploads.attachment_storage().delete(name)
        raise
    return order


@transaction.atomic
def audit_order(user, order_id, *, approve, points=None, comment=""):
    """审核赋分: the street approves a reported order with points (0..max), or returns it for more
    (a comment says what is missing). Two auditors at once: the first decides."""
    order = _locked(user, order_id)
    if not reach.may_audit(user, order):
        raise Order.DoesNotExist
    if order.status != OrderStatus.REPORTED:
        raise ValidationError(_("该派单不在待审核状态，可能已被他人审核。"))
    errors = {}
    comment = text(errors, "comment", comment, 500, required=not approve, label=_("退回理由"))
    value = _points(errors, "points", points, reach.max_points()) if approve else None
    refuse(errors)
    now = clock.now()
    order.audited_by = user
    order.audited_at = now
    order.audit_comment = comment
    if approve:
        order.status = OrderStatus.APPROVED
        order.points = value
        order.save()
        _step(
            order,
            OrderStatus.APPROVED,
            user,
            _("赋分 %(n)s") % {"n": value} + (f"：{comment}" if comment else ""),
            at=now,
        )
        events.publish(
            OrderPointsGranted(
                order_id=order.pk,
                taker_kind=order.taker_kind,
                department_id=order.taker_department_id,
                user_id=order.taker_user_id,
                points=value,
                region_code=order.region_code,
                at=now,
            )
        )
    else:
        order.status = OrderStatus.RETURNED
        order.save()
        _step(order, OrderStatus.RETURNED, user, comment, at=now)
    return order


@transaction.atomic
def cancel_order(user, order_id, note=""):
    """撤销: the community withdraws an order nobody took yet."""
    order = _locked(user, order_id)
    if not (order.posted_by_id == user.pk or reach.may_post(user, order.region_code)):
        raise Order.DoesNotExist
    if order.status != OrderStatus.OPEN:
        raise ValidationError(_("只能撤销尚未被承接的派单。"))
    errors = {}
    note = text(errors, "note", note, 200)
    refuse(errors)
    order.status = OrderStatus.CANCELLED
    order.save()
    _step(order, OrderStatus.CANCELLED, user, note)
    return order


def expire_overdue():
    """The job `party_expire_orders`: open orders past their deadline become expired (they already
    show so). Returns how many."""
    today = timezone.localdate()
    done = 0
    for pk in list(Order.objects.filter(status=OrderStatus.OPEN, deadline__lt=today).values_list("pk", flat=True)):
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=pk, status=OrderStatus.OPEN).first()
            if order is None:
                continue
            order.status = OrderStatus.EXPIRED
            order.save(update_fields=["status", "updated_at"])
            _step(order, OrderStatus.EXPIRED, None, _("超过截止日期无人接单"))
            done += 1
    return done


__all__ = [
    "audit_order",
    "cancel_order",
    "case_for_order",
    "expire_overdue",
    "post_order",
    "report_order",
    "take_order",
]
