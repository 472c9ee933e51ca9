"""Compound governance: the rectification ledger (一区一案, 整改销号), the five parties, the star
class rises (转化提星: the community requests with the criteria met, a reviewer confirms) and the
streets' yearly targets."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicgrid.compounds.actions.common import a_date, compound_for, holds, locked, masked, text
from civicgrid.compounds.errors import InputError, NotFound, WrongState
from civicgrid.compounds.events import CompoundRoseClass, RectificationClosed
from civicgrid.compounds.models import (
    MAX_STAR,
    CompoundClass,
    ItemStatus,
    Party,
    PartyKind,
    RectificationItem,
    RiseStatus,
    StarCriterion,
    StarRise,
    StreetTarget,
)
from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.people import actions as people_actions
from civicgrid.regions.models import Level, Region

ITEM_LOGGED = ["problem", "measure", "owner", "due_date", "evidence", "status"]
RISE_LOGGED = ["from_star", "to_star", "status", "criteria_met"]
MAX_PARTIES = 30


# --- 一区一案 ---------------------------------------------------------------------------------------


@transaction.atomic
def add_item(user, compound, *, problem, measure, owner, due_date):
    compound = compound_for(user, "compounds.change_rectificationitem", compound)
    item = RectificationItem.objects.create(
        compound=compound,
        region_code=compound.region_code,
        problem=text(problem, _("问题"), 300),
        measure=text(measure, _("整改措施"), 500),
        owner=text(owner, _("责任人"), 50),
        due_date=a_date(due_date, _("完成时限")),
        created_by=user,
    )
    record_change(user, item, ObjectChange.Action.CREATE, after=snapshot(item, ITEM_LOGGED))
    return item


@transaction.atomic
def close_item(user, item_id, *, evidence):
    """整改销号: close an open item with its evidence (a second close finds it closed)."""
    item = locked(RectificationItem, user, "compounds.change_rectificationitem", item_id)
    evidence = text(evidence, _("整改佐证"), 500)
    if item.status != ItemStatus.OPEN:
        raise WrongState(_("该整改事项已销号。"))
    before = snapshot(item, ITEM_LOGGED)
    at = clock.now()
    item.status, item.evidence, item.closed_by, item.closed_at = ItemStatus.CLOSED, evidence, user, at
    item.save(update_fields=["status", "evidence", "closed_by", "closed_at", "updated_at"])
    record_change(user, item, ObjectChange.Action.UPDATE, before, snapshot(item, ITEM_LOGGED))
    events.publish(
        RectificationClosed(
            compound_id=item.compound_id, region_code=item.region_code, at=at, item_id=item.pk, actor_id=user.pk
        )
    )
    return item


# --- 五方协同 ---------------------------------------------------------------------------------------


@transaction.atomic
def add_party(user, compound, *, kind, name, contact="", phone=""):
    compound = compound_for(user, "compounds.change_party", compound)
    if kind not in PartyKind.values:
        raise InputError(_("请选择协同单位类别。"))
    if Party.objects.filter(compound=compound).count() >= MAX_PARTIES:
        raise InputError(_("每个小区最多登记 %(n)d 个协同单位。") % {"n": MAX_PARTIES})
    party = Party.objects.create(
        compound=compound,
        region_code=compound.region_code,
        kind=kind,
        name=text(name, _("名称"), 100),
        contact=text(contact, _("联系人"), 50, required=False),
        phone_masked=masked(phone),
    )
    record_change(user, party, ObjectChange.Action.CREATE, after=snapshot(party, ["kind", "name", "contact"]))
    return party


@transaction.atomic
def remove_party(user, party_id):
    party = locked(Party, user, "compounds.change_party", party_id)
    record_change(user, party, ObjectChange.Action.DELETE, before=snapshot(party, ["kind", "name", "contact"]))
    party.delete()


# --- 星级 and 转化提星 -------------------------------------------------------------------------------


def current_class(compound, lock=False):
    """The compound's CompoundClass row (made at the base data's star on first use)."""
    rows = CompoundClass.objects.select_for_update() if lock else CompoundClass.objects
    row = rows.filter(compound=compound).first()
    if row is None:
        row, _created = CompoundClass.objects.get_or_create(
            compound=compound, defaults={"star": min(compound.star or 0, MAX_STAR), "region_code": compound.region_code}
        )
        if lock:
            row = CompoundClass.objects.select_for_update().get(pk=row.pk)
    return row


def _street_code(compound):
    community = compound.community if compound.community_id else Region.objects.get(code=compound.region_code)
    street = Region.objects.filter(pk=community.parent_id).only("code", "level").first()
    return street.code if street is not None and street.level == Level.STREET else compound.region_code


def _criteria_ids(level, met):
    wanted = set(StarCriterion.objects.filter(level=level, is_active=True).values_list("pk", flat=True))
    try:
        met = {int(m) for m in (met or [])}
    except (TypeError, ValueError):
        raise InputError(_("达标标准不正确。")) from None
    if not met <= wanted:
        raise InputError(_("达标标准不正确。"))
    if not wanted:
        raise InputError(_("该星级尚未设定标准。"))
    if met != wanted:
        raise InputError(_("还有 %(n)d 项标准未达到，不能申请提星。") % {"n": len(wanted - met)})
    return sorted(met)


@transaction.atomic
def request_rise(user, compound, *, criteria_met, note=""):
    """申请转化提星 to the next class: every active criterion of that class ticked as met and no open
    rectification item left in the ledger."""
    compound = compound_for(user, "compounds.add_starrise", compound)
    klass = current_class(compound, lock=True)
    if klass.star >= MAX_STAR:
        raise WrongState(_("该小区已是最高星级。"))
    to_star = klass.star + 1
    met = _criteria_ids(to_star, criteria_met)
    if RectificationItem.objects.filter(compound=compound, status=ItemStatus.OPEN).exists():
        raise WrongState(_("还有未销号的整改事项，销号后才能申请提星。"))
    if StarRise.objects.filter(compound=compound, status=RiseStatus.REQUESTED).exists():
        raise WrongState(_("该小区已有待确认的提星申请。"))
    try:
        with transaction.atomic():
            rise = StarRise.objects.create(
                compound=compound,
                region_code=compound.region_code,
                street_code=_street_code(compound),
                from_star=klass.star,
                to_star=to_star,
                criteria_met=met,
                note=text(note, _("说明"), 500, required=False),
                requested_by=user,
                requested_at=clock.now(),
            )
    except IntegrityError:
        raise WrongState(_("该小区已有待确认的提星申请。")) from None
    record_change(user, rise, ObjectChange.Action.CREATE, after=snapshot(rise, RISE_LOGGED))
    return rise


@transaction.atomic
def review_rise(user, rise_id, *, confirm):
    """A reviewer (street staff; never the requester) confirms or refuses a requested rise. Two
    reviewers at once: the second finds it decided (the row is locked)."""
    rise = locked(StarRise, user, "compounds.change_starrise", rise_id)
    if rise.status != RiseStatus.REQUESTED:
        raise WrongState(_("该提星申请已处理。"))
    if rise.requested_by_id == user.pk:
        raise WrongState(_("申请人不能确认自己的提星申请。"))
    before, at = snapshot(rise, RISE_LOGGED), clock.now()
    if confirm:
        klass = current_class(rise.compound, lock=True)
        if klass.star != rise.from_star:
            raise WrongState(_("小区星级已变化，请重新申请。"))
        if RectificationItem.objects.filter(compound_id=rise.compound_id, status=ItemStatus.OPEN).exists():
            raise WrongState(_("还有未销号的整改事项，销号后才能确认提星。"))
        klass.star, klass.since = rise.to_star, at
        klass.save(update_fields=["star", "since"])
        # Base data's star follows (people.Compound.star: the compound lists, the map, the big screen).
        people_actions.record_compound_star(user, rise.compound_id, rise.to_star, note=_("转化提星确认"))
    rise.status = RiseStatus.CONFIRMED if confirm else RiseStatus.REFUSED
    rise.reviewed_by, rise.reviewed_at = user, at
    rise.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    record_change(user, rise, ObjectChange.Action.UPDATE, before, snapshot(rise, RISE_LOGGED))
    if confirm:
        events.publish(
            CompoundRoseClass(
                compound_id=rise.compound_id,
                region_code=rise.region_code,
                at=at,
                rise_id=rise.pk,
                from_star=rise.from_star,
                to_star=rise.to_star,
                reviewer_id=user.pk,
            )
        )
    return rise


@transaction.atomic
def set_target(user, street, *, year, target):
    """A street's yearly target of compounds rising a class (default ten: Yanji)."""
    street = Region.objects.filter(pk=street.pk if isinstance(street, Region) else _int(street)).first()
    if street is None or street.level != Level.STREET:
        raise InputError(_("请选择街道。"))
    if not holds(user, "compounds.change_streettarget", street.code):
        raise NotFound()
    year, target = _int(year), _int(target)
    if not 2000 <= year <= 2100:
        raise InputError(_("年度不正确。"))
    if not 0 <= target <= 1000:
        raise InputError(_("目标数应在 0 到 1000 之间。"))
    row, created = StreetTarget.objects.select_for_update().get_or_create(
        region_code=street.code, year=year, defaults={"target": target}
    )
    if not created:
        before = snapshot(row, ["target"])
        row.target = target
        row.save(update_fields=["target"])
        record_change(user, row, ObjectChange.Action.UPDATE, before, snapshot(row, ["target"]))
    else:
        record_change(user, row, ObjectChange.Action.CREATE, after=snapshot(row, ["year", "target"]))
    return row


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise InputError(_("请填写整数。")) from None
