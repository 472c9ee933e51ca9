"""Door-knocking (敲门行动): a grid worker at the door confirms a house and who still lives there."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core import events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.people import events as people_events
from civicgrid.people.actions.common import HOUSE_FIELDS, Action, actor_id, require
from civicgrid.people.actions.persons import move_out
from civicgrid.people.models import Household, Person, Usage


@transaction.atomic
def verify_house(user, house, *, usage, present_ids, note=""):
    """A grid worker at the door confirms the house: its usage and which current residents still
    live there. Residents not confirmed move out today; the house and its households carry
    "last verified by/at"."""
    require(user, "people.change_house", house.region_code)
    if usage not in Usage.values:
        raise ValidationError({"usage": _("请选择房屋用途。")})
    now = timezone.now()
    residents = list(Person.objects.filter(house=house))
    known = {p.pk for p in residents}
    present = {int(pk) for pk in present_ids}
    if not present <= known:
        raise ValidationError(_("所选人员不在这套房屋中。"))
    for person in residents:
        if person.pk not in present:
            move_out(user, person, on=now.date(), note=_("入户核查：已不在此居住"))
    before = snapshot(house, HOUSE_FIELDS)
    house.usage = usage
    house.last_verified_at, house.last_verified_by = now, user
    house.save(update_fields=["usage", "last_verified_at", "last_verified_by", "updated_at"])
    for household in Household.objects.filter(house=house, is_active=True):
        household.last_verified_at, household.last_verified_by = now, user
        household.save(update_fields=["last_verified_at", "last_verified_by", "updated_at"])
    record_change(user, house, Action.VERIFY, before, snapshot(house, HOUSE_FIELDS), note=note[:200])
    events.publish(
        people_events.HouseVisited(
            house_id=house.pk,
            region_code=house.region_code,
            actor_id=actor_id(user),
            at=now,
            household_ids=tuple(Household.objects.filter(house=house, is_active=True).values_list("pk", flat=True)),
            moved_out_ids=tuple(sorted(known - present)),
        )
    )
    return house
