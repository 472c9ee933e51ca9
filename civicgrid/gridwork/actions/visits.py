"""走访/入户: log a visit to a household (and a person of it), turn the needs found into a case in
one step, and keep visit plans for special groups.

A visit also confirms the house through base data's door-knocking action
(civicgrid.people.actions.verify_house, which publishes people's HouseVisited and stamps the
household "last verified"): that is what clears the command screen's "not visited" warning. The
visit publishes this app's VisitLogged. A house outside the worker's scope raises
House.DoesNotExist (404) and writes nothing."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.core.scoping import subtree_q
from civicgrid.gridwork import conf
from civicgrid.gridwork.actions.common import allowed, client_key, text
from civicgrid.gridwork.events import VisitLogged
from civicgrid.gridwork.models import Purpose, Visit, VisitPlan
from civicgrid.regions.models import Level, Region

PLAN_FIELDS = ("name", "region", "tag_code", "every_days", "is_active")


def visit_house(user, house_id):
    """The house the user may log a visit to (House.DoesNotExist otherwise)."""
    from civicgrid.people.models import House

    codes = scope_codes(user, "gridwork.add_visit")
    houses = House.objects.all() if codes is None else House.objects.filter(subtree_q("region_code", codes))
    return houses.select_related("building").get(pk=house_id)


def _planned(person, house, now):
    """The active plan this visit fulfils (a plan of one of the person's tags over their place)."""
    if person is None:
        return None
    tags = list(person.person_tags.values_list("tag__code", flat=True))
    for plan in VisitPlan.objects.filter(is_active=True, tag_code__in=tags).order_by("every_days"):
        if house.region_code.startswith(plan.region_code):
            return plan
    return None


@transaction.atomic
def log_visit(user, house_id, *, purpose, notes="", needs="", person_id=None, make_case=False, category=None, key=""):
    """Record a visit. `make_case` files the needs as a case (网格员随手拍 source, at the house's
    place) linked to the visit; the same key sent again returns the visit logged the first time."""
    from civicgrid.people import actions as people_actions
    from civicgrid.people.models import Person

    key = client_key(key)
    house = visit_house(user, house_id)
    if key:
        earlier = Visit.objects.filter(user=user, client_key=key).first()
        if earlier is not None:
            return earlier
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": _("请选择走访事由。")})
    limit = conf.get("GRIDWORK_TEXT_MAX")
    notes = text(notes, "notes", limit)
    needs = text(needs, "needs", limit)
    person = None
    if person_id:
        person = Person.objects.filter(pk=person_id, house=house, moved_out_at__isnull=True).first()
        if person is None:
            raise ValidationError({"person": _("所选人员不在这套房屋中。")})
    now = clock.now()
    case = None
    if make_case:
        case = _needs_case(user, house, needs, category)
    plan = _planned(person, house, now)
    visit = Visit(
        user=user,
        house=house,
        person=person,
        region_code=house.region_code,
        at=now,
        purpose=purpose,
        notes=notes,
        needs=needs,
        case=case,
        plan=plan,
        client_key=key,
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        return Visit.objects.get(user=user, client_key=key)
    record_change(user, visit, ObjectChange.Action.CREATE, None, {"house": house.pk, "purpose": purpose})
    if allowed(user, "people.change_house", house.region_code):
        present = Person.objects.filter(house=house, moved_out_at__isnull=True).values_list("pk", flat=True)
        people_actions.verify_house(user, house, usage=house.usage, present_ids=list(present), note=_("走访"))
    events.publish(
        VisitLogged(visit_id=visit.pk, user_id=user.pk, region_code=house.region_code, at=now, planned=plan is not None)
    )
    return visit


def _needs_case(user, house, needs, category):
    from civicgrid.cases.actions import report_case
    from civicgrid.cases.errors import CaseError
    from civicgrid.cases.models import Source

    if not needs:
        raise ValidationError({"needs": _("请先填写发现的诉求。")})
    region = Region.objects.filter(code=house.region_code).first()
    building = house.building
    coords = {}
    if getattr(building, "lat", None) is not None and getattr(building, "lon", None) is not None:
        coords = {"lat": building.lat, "lon": building.lon}
    else:
        coords = {"region": region}
    try:
        return report_case(
            user,
            category=category,
            description=needs,
            source=Source.GRID_PHOTO,
            address=str(house),
            is_public=False,
            **coords,
        ).case
    except CaseError as error:
        raise ValidationError({"needs": error.message}) from None


@transaction.atomic
def save_plan(user, plan, *, name, region, tag_code, every_days, is_active=True):
    """Create (`plan` unsaved) or edit a visit plan for a region of the user's subtree."""
    from civicgrid.people.models import Tag

    if region is None or region.level not in (Level.STREET, Level.COMMUNITY, Level.GRID):
        raise ValidationError({"region": _("请选择街道、社区或网格。")})
    if not allowed(user, "gridwork.add_visitplan", region.code):
        raise ValidationError({"region": _("您不能为这个区域制定走访计划。")})
    if plan.pk:
        plan = VisitPlan.objects.restrict(user, "change").select_for_update().get(pk=plan.pk)
        before = snapshot(plan, PLAN_FIELDS)
    else:
        plan.created_by, before = user, None
    name = text(name, "name", 60, True, _("请填写计划名称。"))
    if not Tag.objects.filter(code=tag_code).exists():
        raise ValidationError({"tag_code": _("没有这个人群标签。")})
    if not isinstance(every_days, int) or not 1 <= every_days <= 365:
        raise ValidationError({"every_days": _("走访周期须为 1 到 365 天。")})
    plan.name, plan.region, plan.region_code = name, region, region.code
    plan.tag_code, plan.every_days, plan.is_active = tag_code, every_days, bool(is_active)
    plan.save()
    action = ObjectChange.Action.UPDATE if before else ObjectChange.Action.CREATE
    record_change(user, plan, action, before, snapshot(plan, PLAN_FIELDS))
    return plan
