"""Persons and their households: registering, editing, moving in and out, special-group tags."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.core import events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.people import events as people_events
from civicgrid.people import rules
from civicgrid.people.actions.common import (
    HOUSEHOLD_FIELDS,
    PERSON_EDITABLE,
    PERSON_FIELDS,
    Action,
    actor_id,
    require,
)
from civicgrid.people.models import Household, Person, PersonTag, Relation, Residence, Tag
from civicgrid.people.policy import tag_clearance


@transaction.atomic
def create_household(user, house, number=""):
    require(user, "people.change_household", house.region_code)
    if not number:
        number = rules.household_number(house.pk, Household.objects.filter(house=house).count() + 1)
    household = Household.objects.create(house=house, region_code=house.region_code, number=number)
    record_change(user, household, Action.CREATE, None, snapshot(household, HOUSEHOLD_FIELDS))
    return household


def clean_identity(id_number, phone):
    """Validate and seal an ID number and a phone (rules.py normalises both); returns the model
    fields to set."""
    fields = {}
    errors = {}
    if id_number:
        try:
            number, birth, gender = rules.parse_id_number(id_number)
        except ValueError as exc:
            errors["id_number"] = str(exc)
        else:
            fields.update(rules.seal_id_number(number), birth_date=birth, gender=gender)
    if phone:
        try:
            phone = rules.validate_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
        else:
            fields.update(rules.seal_phone(phone))
    if errors:
        raise ValidationError(errors)
    return fields


def _identity_log(person, before, after, old_hashes):
    """The after-snapshot, saying so where a sealed value changed behind an unchanged mask."""
    for masked, hashed, old in (
        ("id_number_masked", "id_number_hash", old_hashes[0]),
        ("phone_masked", "phone_hash", old_hashes[1]),
    ):
        behind = rules.sealed_differs(old, getattr(person, hashed)) and before[masked] == after[masked]
        after[masked] = rules.masked_for_log(after[masked], behind)
    return after


@transaction.atomic
def register_person(user, house, *, household=None, id_number="", phone="", moved_in=None, **data):
    """A person moves into `house` (into `household`, or a new one when none is given)."""
    require(user, "people.change_person", house.region_code)
    if not data.get("name", "").strip():
        raise ValidationError({"name": _("请填写姓名。")})
    identity = clean_identity(id_number, phone)
    if identity.get("id_number_hash"):
        existing = Person.objects.filter(id_number_hash=identity["id_number_hash"]).first()
        if existing is not None:
            raise ValidationError({"id_number": _("该身份证号已登记（%(name)s）。") % {"name": existing.name}})
    if household is None:
        household = create_household(user, house)
    elif household.house_id != house.pk:
        raise ValidationError({"household": _("该户不在这套房屋中。")})
    person = Person(house=house, household=household, region_code=house.region_code, **data, **identity)
    if person.relation == "" and household.head_id is None:
        person.relation = Relation.HEAD
    person.save()
    Residence.objects.create(person=person, house=house, household=household, moved_in=moved_in or date.today())
    if person.relation == Relation.HEAD and household.head_id is None:
        household.head = person
        household.save(update_fields=["head", "updated_at"])
    record_change(user, person, Action.CREATE, None, snapshot(person, PERSON_FIELDS))
    events.publish(
        people_events.PersonRegistered(
            person_id=person.pk,
            region_code=person.region_code,
            actor_id=actor_id(user),
            house_id=house.pk,
            household_id=household.pk,
        )
    )
    return person


@transaction.atomic
def update_person(user, person, *, id_number=None, phone=None, **data):
    """Change a person's details; id_number/phone None keeps them, "" clears them."""
    require(user, "people.change_person", person.region_code)
    if person.anonymised_at:
        raise ValidationError(_("该人员信息已匿名化，不能修改。"))
    before = snapshot(person, PERSON_FIELDS)
    unknown = set(data) - set(PERSON_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "name" in data and not data["name"].strip():
        raise ValidationError({"name": _("请填写姓名。")})
    for name, value in data.items():
        setattr(person, name, value)
    identity = clean_identity(id_number or "", phone or "")
    if id_number == "":
        identity.update(id_number_enc="", id_number_hash="", id_number_masked="")
    if phone == "":
        identity.update(phone_enc="", phone_hash="", phone_masked="")
    if identity.get("id_number_hash"):
        clash = Person.objects.filter(id_number_hash=identity["id_number_hash"]).exclude(pk=person.pk).first()
        if clash is not None:
            raise ValidationError({"id_number": _("该身份证号已登记（%(name)s）。") % {"name": clash.name}})
    old_hashes = (person.id_number_hash, person.phone_hash)
    for name, value in identity.items():
        setattr(person, name, value)
    person.save()
    after = _identity_log(person, before, snapshot(person, PERSON_FIELDS), old_hashes)
    record_change(user, person, Action.UPDATE, before, after)
    return person


@transaction.atomic
def move_out(user, person, *, on=None, note=""):
    """The person leaves their house; the residence record is closed, the person kept (until the
    retention period ends and the anonymisation job runs)."""
    require(user, "people.change_person", person.region_code)
    if person.house_id is None:
        raise ValidationError(_("该人员已迁出。"))
    on = on or date.today()
    before = snapshot(person, PERSON_FIELDS)
    house_id = person.house_id
    Residence.objects.filter(person=person, moved_out__isnull=True).update(moved_out=on, note=note[:200])
    household = person.household
    person.house = None
    person.household = None
    person.moved_out_at = on
    person.save(update_fields=["house", "household", "moved_out_at", "updated_at"])
    if household is not None:
        hh_before = snapshot(household, HOUSEHOLD_FIELDS)
        if household.head_id == person.pk:
            household.head = household.members.exclude(pk=person.pk).order_by("id").first()
        if not household.members.exists():
            household.is_active = False
        household.save(update_fields=["head", "is_active", "updated_at"])
        record_change(user, household, Action.UPDATE, hh_before, snapshot(household, HOUSEHOLD_FIELDS))
    record_change(user, person, Action.UPDATE, before, snapshot(person, PERSON_FIELDS), note=note or _("迁出"))
    events.publish(
        people_events.PersonMovedOut(
            person_id=person.pk, region_code=person.region_code, actor_id=actor_id(user), house_id=house_id, on=on
        )
    )
    return person


@transaction.atomic
def move_in(user, person, house, *, household=None, relation="", on=None):
    """Move a person (current or moved out) into another house; the old stay is closed."""
    require(user, "people.change_person", house.region_code)
    if person.anonymised_at:
        raise ValidationError(_("该人员信息已匿名化，不能迁入。"))
    if household is not None and household.house_id != house.pk:
        raise ValidationError({"household": _("该户不在这套房屋中。")})
    if person.house_id == house.pk and (household is None or household.pk == person.household_id):
        raise ValidationError({"house": _("该人员已住在这套房屋。")})
    on = on or date.today()
    started = (
        Residence.objects.filter(person=person, moved_out__isnull=True)
        .order_by("-moved_in")
        .values_list("moved_in", flat=True)
        .first()
    )
    if person.house_id and started is not None and on < started:
        raise ValidationError(
            {"on": _("迁入日期不能早于现住房屋的入住日期（%(date)s）。") % {"date": started.isoformat()}}
        )
    if person.house_id:
        move_out(user, person, on=on, note=_("迁往 %(house)s") % {"house": house})
        person.refresh_from_db()
    before = snapshot(person, PERSON_FIELDS)
    if household is None:
        household = create_household(user, house)
    person.house, person.household, person.region_code = house, household, house.region_code
    person.moved_out_at = None
    person.relation = relation or (Relation.HEAD if household.head_id is None else Relation.OTHER)
    person.save()
    Residence.objects.create(person=person, house=house, household=household, moved_in=on)
    if household.head_id is None and person.relation == Relation.HEAD:
        household.head = person
        household.is_active = True
        household.save(update_fields=["head", "is_active", "updated_at"])
    record_change(user, person, Action.UPDATE, before, snapshot(person, PERSON_FIELDS), note=_("迁入"))
    events.publish(
        people_events.PersonMovedIn(
            person_id=person.pk,
            region_code=person.region_code,
            actor_id=actor_id(user),
            house_id=house.pk,
            household_id=household.pk,
            on=on,
        )
    )
    return person


@transaction.atomic
def set_tags(user, person, codes):
    """Set the person's tags among those the user may see; tags above the user's clearance are kept."""
    require(user, "people.change_person", person.region_code)
    clearance = tag_clearance(user, person.region_code)
    wanted = set(Tag.objects.filter(code__in=codes, sensitivity__lte=clearance).values_list("pk", flat=True))
    if len(wanted) != len(set(codes)):
        raise ValidationError({"tags": _("包含未知或无权设置的标签。")})
    current = set(
        PersonTag.objects.filter(person=person, tag__sensitivity__lte=clearance).values_list("tag_id", flat=True)
    )
    before = {"tags": sorted(Tag.objects.filter(pk__in=current).values_list("code", flat=True))}
    PersonTag.objects.filter(person=person, tag_id__in=current - wanted).delete()
    PersonTag.objects.bulk_create([PersonTag(person=person, tag_id=pk) for pk in wanted - current])
    after = {"tags": sorted(Tag.objects.filter(pk__in=wanted).values_list("code", flat=True))}
    record_change(user, person, Action.UPDATE, before, after)
    added, removed = sorted(set(after["tags"]) - set(before["tags"])), sorted(set(before["tags"]) - set(after["tags"]))
    if added or removed:
        events.publish(
            people_events.PersonTagsChanged(
                person_id=person.pk,
                region_code=person.region_code,
                actor_id=actor_id(user),
                added=tuple(added),
                removed=tuple(removed),
            )
        )
    return person
