"""The write path for base data: one `@transaction.atomic` function per action.

Callers pass records they loaded through `restrict(user, "change")` (views do, so a record outside the
user's scope is a 404 before anything runs). Each action validates, changes the rows, and appends an
ObjectChange with the before/after snapshot (never plaintext ID numbers or phones: their masked form).
A refused action raises ValidationError before writing, and the transaction undoes anything else.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core import events
from civicgrid.core.changelog import change_row, record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.people import events as people_events
from civicgrid.people import protection, validators
from civicgrid.people.models import (
    AccessKind,
    AccessLog,
    House,
    Household,
    Person,
    PersonTag,
    Relation,
    Residence,
    Tag,
    Unit,
    Usage,
)
from civicgrid.people.policy import allowed, tag_clearance
from civicgrid.regions.models import Level

BUILDING_FIELDS = (
    "code",
    "name",
    "grid",
    "compound",
    "address",
    "building_type",
    "floors",
    "units",
    "lon",
    "lat",
)
HOUSE_FIELDS = ("building", "unit", "floor", "number", "area", "usage", "last_verified_at", "last_verified_by")
COMPOUND_FIELDS = ("name", "community", "address", "star", "property_company")
PROPERTY_COMPANY_FIELDS = ("name", "credit_code", "contact", "phone_masked", "region")
ENTERPRISE_FIELDS = (
    "name",
    "kind",
    "credit_code",
    "grid",
    "building",
    "address",
    "industry",
    "contact",
    "phone_masked",
    "employees",
)
LOWEST_FLOOR = -5
HOUSEHOLD_FIELDS = ("house", "number", "head", "is_active", "last_verified_at", "last_verified_by")
PERSON_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "ethnicity",
    "residence_type",
    "relation",
    "political_status",
    "notes",
    "house",
    "household",
    "moved_out_at",
)
PERSON_EDITABLE = ("name", "ethnicity", "residence_type", "relation", "political_status", "notes")
Action = ObjectChange.Action


def _require(user, permission, region_code):
    if not allowed(user, permission, region_code):
        raise PermissionDenied


# --- Buildings and houses ---------------------------------------------------------------------------


def _numbered_units(building):
    """The building's units numbered 1, 2, 3… as {number: Unit} (other numbering is left alone)."""
    return {int(u.number): u for u in Unit.objects.filter(building=building) if u.number.isdigit()}


@transaction.atomic
def save_building(user, building, **fields):
    """Create (building.pk None) or update a building; the grid must be a grid in the user's scope.

    A new building gets its units 1..N; raising the unit count adds the missing units, lowering it
    removes the empty ones above N and is refused while any of them still has houses. Lowering the
    floor count is refused while houses stand above the new top floor."""
    grid = fields.get("grid", getattr(building, "grid", None) if building.grid_id else None)
    if grid is None or grid.level not in (Level.GRID, Level.MICROGRID):
        raise ValidationError({"grid": _("楼栋必须属于一个网格。")})
    _require(user, "people.change_building", grid.code)
    creating = building.pk is None
    before = None if creating else snapshot(building, BUILDING_FIELDS)
    old_code = building.region_code
    old_units, old_floors = building.units, building.floors
    for name, value in fields.items():
        setattr(building, name, value)
    building.region_code = grid.code
    try:
        validators.check_coordinates(building.lon, building.lat)
    except ValueError as exc:
        raise ValidationError({"lon": str(exc)}) from None
    if building.compound_id and not grid.code.startswith(building.compound.region_code):
        raise ValidationError({"compound": _("所选小区不在该网格所属的社区。")})
    if not building.units or building.units < 1:
        raise ValidationError({"units": _("单元数至少为 1。")})
    if not building.floors or building.floors < 1:
        raise ValidationError({"floors": _("地上层数至少为 1。")})
    building.full_clean()
    removed = []
    if not creating and building.units < old_units:
        removed = [u for n, u in _numbered_units(building).items() if n > building.units]
        busy = sorted(int(u.number) for u in removed if u.houses.exists())
        if busy:
            raise ValidationError(
                {
                    "units": _("%(units)s单元仍有房屋，不能减少单元数（请先调整这些房屋）。")
                    % {"units": "、".join(str(n) for n in busy)}
                }
            )
    if (
        not creating
        and building.floors < old_floors
        and House.objects.filter(building=building, floor__gt=building.floors).exists()
    ):
        raise ValidationError({"floors": _("%(floors)s 层以上仍有房屋，不能减少层数。") % {"floors": building.floors}})
    building.save()
    if creating or building.units != old_units:
        existing = _numbered_units(building)
        Unit.objects.bulk_create(
            [Unit(building=building, number=str(n)) for n in range(1, building.units + 1) if n not in existing]
        )
        Unit.objects.filter(pk__in=[u.pk for u in removed]).delete()
    if not creating and old_code != building.region_code:
        # The building moved to another grid: everything inside follows.
        House.objects.filter(building=building).update(region_code=building.region_code)
        Household.objects.filter(house__building=building).update(region_code=building.region_code)
        Person.objects.filter(house__building=building).update(region_code=building.region_code)
    record_change(
        user, building, Action.CREATE if creating else Action.UPDATE, before, snapshot(building, BUILDING_FIELDS)
    )
    return building


def _check_house(house, creating, fields):
    """Where the house is: its unit in its building, its floor in range, its number free there."""
    building = house.building
    if house.unit_id and house.unit.building_id != house.building_id:
        raise ValidationError({"unit": _("单元不属于该楼栋。")})
    if (creating or "unit" in fields) and house.unit_id is None and Unit.objects.filter(building=building).exists():
        raise ValidationError({"unit": _("请选择单元。")})
    floor_ok = house.floor is not None and LOWEST_FLOOR <= house.floor <= building.floors and house.floor != 0
    if (creating or {"floor", "building"} & set(fields)) and not floor_ok:
        raise ValidationError(
            {
                "floor": _("楼层应在 %(low)s 到 %(high)s 之间（没有 0 层）。")
                % {"low": LOWEST_FLOOR, "high": building.floors}
            }
        )
    house.number = (house.number or "").strip()
    clash = House.objects.filter(building=building, unit=house.unit, number=house.number).exclude(pk=house.pk)
    if house.number and clash.exists():
        raise ValidationError({"number": _("该单元已有房号 %(number)s。") % {"number": house.number}})


@transaction.atomic
def save_house(user, house, **fields):
    """Create (house.pk None) or update a house of a building."""
    creating = house.pk is None
    before = None if creating else snapshot(house, HOUSE_FIELDS)
    for name, value in fields.items():
        setattr(house, name, value)
    house.region_code = house.building.region_code
    _require(user, "people.change_house", house.region_code)
    _check_house(house, creating, fields)
    house.full_clean()
    house.save()
    record_change(user, house, Action.CREATE if creating else Action.UPDATE, before, snapshot(house, HOUSE_FIELDS))
    return house


@transaction.atomic
def generate_houses(user, building, *, per_floor, first_floor=1, last_floor=None, units=None):
    """Register the houses of a new building in one go: on every floor first..last of each unit (all
    units, or the given ones), `per_floor` houses numbered floor + two digits (101, 102, … 1201).
    Numbers already taken in a unit are skipped. Returns the houses created."""
    _require(user, "people.change_house", building.region_code)
    last_floor = building.floors if last_floor is None else last_floor
    if not 1 <= per_floor <= 20:
        raise ValidationError({"per_floor": _("每层户数应在 1 到 20 之间。")})
    if not (1 <= first_floor <= last_floor <= building.floors):
        raise ValidationError({"first_floor": _("楼层范围应在 1 到 %(floors)s 之间。") % {"floors": building.floors}})
    all_units = list(Unit.objects.filter(building=building).order_by("number"))
    chosen = all_units if not units else [u for u in all_units if u in units]
    if units and len(chosen) != len(set(units)):
        raise ValidationError({"units": _("单元不属于该楼栋。")})
    targets = chosen or [None]
    taken = set(House.objects.filter(building=building).values_list("unit_id", "number"))
    new = [
        House(
            building=building,
            unit=unit,
            region_code=building.region_code,
            floor=floor,
            number=f"{floor}{n:02d}",
        )
        for unit in targets
        for floor in range(first_floor, last_floor + 1)
        for n in range(1, per_floor + 1)
        if (unit.pk if unit else None, f"{floor}{n:02d}") not in taken
    ]
    created = House.objects.bulk_create(new)
    rows = [change_row(user, house, Action.CREATE, None, snapshot(house, HOUSE_FIELDS)) for house in created]
    ObjectChange.objects.bulk_create(rows)
    if created:
        record_change(
            user,
            building,
            Action.UPDATE,
            {"houses": len(taken)},
            {"houses": len(taken) + len(created)},
            note=_("批量生成房屋 %(count)s 套") % {"count": len(created)},
        )
    return created


@transaction.atomic
def create_household(user, house, number=""):
    _require(user, "people.change_household", house.region_code)
    if not number:
        from civicgrid.people.importer import household_number

        number = household_number(house.pk, Household.objects.filter(house=house).count() + 1)
    household = Household.objects.create(house=house, region_code=house.region_code, number=number)
    record_change(user, household, Action.CREATE, None, snapshot(household, HOUSEHOLD_FIELDS))
    return household


# --- Persons -----------------------------------------------------------------------------------------


def clean_identity(id_number, phone):
    """Validate and seal an ID number and a phone; returns the model fields to set."""
    fields = {}
    errors = {}
    if id_number:
        try:
            number, birth, gender = protection.parse_id_number(id_number)
        except ValueError as exc:
            errors["id_number"] = str(exc)
        else:
            fields.update(
                id_number_enc=protection.encrypt(number),
                id_number_hash=protection.keyed_hash("id", number),
                id_number_masked=protection.mask_id(number),
                birth_date=birth,
                gender=gender,
            )
    if phone:
        try:
            phone = protection.validate_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
        else:
            fields.update(
                phone_enc=protection.encrypt(phone),
                phone_hash=protection.keyed_hash("phone", phone),
                phone_masked=protection.mask_phone(phone),
            )
    if errors:
        raise ValidationError(errors)
    return fields


def _actor_id(user):
    return getattr(user, "pk", None)


@transaction.atomic
def register_person(user, house, *, household=None, id_number="", phone="", moved_in=None, **data):
    """A person moves into `house` (into `household`, or a new one when none is given)."""
    _require(user, "people.change_person", house.region_code)
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
            actor_id=_actor_id(user),
            house_id=house.pk,
            household_id=household.pk,
        )
    )
    return person


@transaction.atomic
def update_person(user, person, *, id_number=None, phone=None, **data):
    """Change a person's details; id_number/phone None keeps them, "" clears them."""
    _require(user, "people.change_person", person.region_code)
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
    for name, value in identity.items():
        setattr(person, name, value)
    person.save()
    record_change(user, person, Action.UPDATE, before, snapshot(person, PERSON_FIELDS))
    return person


@transaction.atomic
def move_out(user, person, *, on=None, note=""):
    """The person leaves their house; the residence record is closed, the person kept (until the
    retention period ends and the anonymisation job runs)."""
    _require(user, "people.change_person", person.region_code)
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
            person_id=person.pk, region_code=person.region_code, actor_id=_actor_id(user), house_id=house_id, on=on
        )
    )
    return person


@transaction.atomic
def move_in(user, person, house, *, household=None, relation="", on=None):
    """Move a person (current or moved out) into another house; the old stay is closed."""
    _require(user, "people.change_person", house.region_code)
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
            actor_id=_actor_id(user),
            house_id=house.pk,
            household_id=household.pk,
            on=on,
        )
    )
    return person


@transaction.atomic
def set_tags(user, person, codes):
    """Set the person's tags among those the user may see; tags above the user's clearance are kept."""
    _require(user, "people.change_person", person.region_code)
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
                actor_id=_actor_id(user),
                added=tuple(added),
                removed=tuple(removed),
            )
        )
    return person


@transaction.atomic
def register_rental(user, house, *, start, end=None, landlord_name="", tenant_ids=(), note=""):
    """A rental record for a house (出租登记): the landlord, the tenants among its residents, the period.
    The house's usage becomes "rented"."""
    from civicgrid.people.models import Rental

    _require(user, "people.change_house", house.region_code)
    if end is not None and end < start:
        raise ValidationError({"end": _("到期日期不能早于起租日期。")})
    tenants = list(Person.objects.filter(house=house, pk__in=list(tenant_ids)))
    if len(tenants) != len(set(tenant_ids)):
        raise ValidationError({"tenants": _("所选人员不在这套房屋中。")})
    rental = Rental.objects.create(
        house=house, region_code=house.region_code, landlord_name=landlord_name[:50], start=start, end=end, note=note
    )
    rental.tenants.set(tenants)
    record_change(
        user,
        rental,
        Action.CREATE,
        None,
        {
            "house": house.pk,
            "landlord_name": landlord_name,
            "start": start.isoformat(),
            "tenants": [t.pk for t in tenants],
        },
    )
    if house.usage != Usage.RENTED:
        save_house(user, house, usage=Usage.RENTED)
    return rental


# --- Compounds, property companies, merchants and enterprises ------------------------------------------


def _seal_contact_phone(phone):
    """The sealed fields for a contact phone (mobile, landline or 400/800); None keeps the current
    value, "" clears it."""
    if phone is None:
        return {}
    if phone == "":
        return {"phone_enc": "", "phone_hash": "", "phone_masked": ""}
    try:
        phone = protection.validate_phone(phone, service=True)
    except ValueError as exc:
        raise ValidationError({"phone": str(exc)}) from None
    return {
        "phone_enc": protection.encrypt(phone),
        "phone_hash": protection.keyed_hash("phone", phone),
        "phone_masked": protection.mask_phone(phone),
    }


def _credit_code(fields):
    if "credit_code" in fields:
        try:
            fields["credit_code"] = validators.validate_credit_code(fields["credit_code"])
        except ValueError as exc:
            raise ValidationError({"credit_code": str(exc)}) from None


def _require_name(record):
    record.name = (record.name or "").strip()
    if not record.name:
        raise ValidationError({"name": _("请填写名称。")})


@transaction.atomic
def save_compound(user, compound, **fields):
    """Create or update a compound (小区) of a community in the user's scope."""
    community = fields.get("community", compound.community if compound.community_id else None)
    if community is None or community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("小区必须属于一个社区。")})
    _require(user, "people.change_compound", community.code)
    creating = compound.pk is None
    before = None if creating else snapshot(compound, COMPOUND_FIELDS)
    for name, value in fields.items():
        setattr(compound, name, value)
    compound.region_code = community.code
    _require_name(compound)
    if compound.star is None or not 0 <= compound.star <= 5:
        raise ValidationError({"star": _("星级应在 0 到 5 之间（0 表示未评定）。")})
    compound.full_clean()
    compound.save()
    record_change(
        user, compound, Action.CREATE if creating else Action.UPDATE, before, snapshot(compound, COMPOUND_FIELDS)
    )
    return compound


@transaction.atomic
def save_property_company(user, company, *, phone=None, **fields):
    """Create or update a property company (物业公司) registered in a region of the user's scope; the
    contact phone is sealed (None keeps it, "" clears it)."""
    region = fields.get("region", company.region if company.region_id else None)
    if region is None:
        raise ValidationError({"region": _("请选择登记区域。")})
    _require(user, "people.change_propertycompany", region.code)
    creating = company.pk is None
    before = None if creating else snapshot(company, PROPERTY_COMPANY_FIELDS)
    _credit_code(fields)
    fields.update(_seal_contact_phone(phone))
    for name, value in fields.items():
        setattr(company, name, value)
    company.region_code = region.code
    _require_name(company)
    company.full_clean()
    company.save()
    record_change(
        user,
        company,
        Action.CREATE if creating else Action.UPDATE,
        before,
        snapshot(company, PROPERTY_COMPANY_FIELDS),
    )
    return company


@transaction.atomic
def save_enterprise(user, enterprise, *, phone=None, **fields):
    """Create or update a merchant or enterprise (商户企业) of a grid in the user's scope, optionally in
    one of that grid's buildings; the contact phone is sealed (None keeps it, "" clears it)."""
    grid = fields.get("grid", enterprise.grid if enterprise.grid_id else None)
    if grid is None or grid.level not in (Level.GRID, Level.MICROGRID):
        raise ValidationError({"grid": _("商户企业必须属于一个网格。")})
    _require(user, "people.change_enterprise", grid.code)
    creating = enterprise.pk is None
    before = None if creating else snapshot(enterprise, ENTERPRISE_FIELDS)
    _credit_code(fields)
    fields.update(_seal_contact_phone(phone))
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.region_code = grid.code
    _require_name(enterprise)
    if enterprise.building_id and not enterprise.building.region_code.startswith(grid.code):
        raise ValidationError({"building": _("所选楼栋不在该网格内。")})
    enterprise.full_clean()
    enterprise.save()
    record_change(
        user,
        enterprise,
        Action.CREATE if creating else Action.UPDATE,
        before,
        snapshot(enterprise, ENTERPRISE_FIELDS),
    )
    return enterprise


# --- Door-knocking (敲门行动) -------------------------------------------------------------------------


@transaction.atomic
def verify_house(user, house, *, usage, present_ids, note=""):
    """A grid worker at the door confirms the house: its usage and which current residents still
    live there. Residents not confirmed move out today; the house and its households carry
    "last verified by/at"."""
    _require(user, "people.change_house", house.region_code)
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
            actor_id=_actor_id(user),
            at=now,
            household_ids=tuple(Household.objects.filter(house=house, is_active=True).values_list("pk", flat=True)),
            moved_out_ids=tuple(sorted(known - present)),
        )
    )
    return house


# --- Personal data: unmask, exports, anonymisation -----------------------------------------------------

UNMASK_FIELDS = {"id_number": "id_number_enc", "phone": "phone_enc"}


@transaction.atomic
def unmask(user, person, field, reason, ip=None):
    """The plaintext of one field, for a user holding people.unmask_person over the person, with a
    stated reason; writes the access-log row first."""
    if field not in UNMASK_FIELDS:
        raise ValidationError({"field": _("未知字段。")})
    _require(user, "people.unmask_person", person.region_code)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("请说明查看明文的事由。")})
    AccessLog.objects.create(
        kind=AccessKind.UNMASK,
        user=user,
        at=timezone.now(),
        person=person,
        field=field,
        reason=reason[:200],
        ip=ip,
        region_code=person.region_code,
        rows=1,
    )
    return protection.decrypt(getattr(person, UNMASK_FIELDS[field]))


def log_access(user, kind, *, rows=0, detail="", reason="", region_code="", ip=None):
    return AccessLog.objects.create(
        kind=kind,
        user=user,
        at=timezone.now(),
        rows=rows,
        detail=detail[:300],
        reason=reason[:200],
        region_code=region_code,
        ip=ip,
    )


ANONYMOUS_NAME = "（已匿名）"


def anonymise_moved_out(today=None, batch_size=1000):
    """Anonymise persons who moved out more than PEOPLE_RETENTION_DAYS ago: name, ID number, phone,
    notes and tags go; birth year, gender and the residence history (dates, houses) stay for
    statistics. Returns the number of persons anonymised."""
    today = today or date.today()
    cutoff = today - timedelta(days=settings.PEOPLE_RETENTION_DAYS)
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Person.objects.filter(
                    house__isnull=True, moved_out_at__lt=cutoff, anonymised_at__isnull=True
                ).values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            now = timezone.now()
            for person in Person.objects.filter(pk__in=ids).select_for_update():
                before = snapshot(person, PERSON_FIELDS)
                person.name = ANONYMOUS_NAME
                person.id_number_enc = person.id_number_hash = person.id_number_masked = ""
                person.phone_enc = person.phone_hash = person.phone_masked = ""
                person.notes = ""
                if person.birth_date:
                    person.birth_date = person.birth_date.replace(month=1, day=1)
                person.anonymised_at = now
                person.save()
                record_change(None, person, Action.ANONYMISE, before, snapshot(person, PERSON_FIELDS))
            PersonTag.objects.filter(person_id__in=ids).delete()
            total += len(ids)
