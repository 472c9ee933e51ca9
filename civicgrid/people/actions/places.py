"""Records around the houses: compounds (小区), property companies, merchants and enterprises,
rentals (出租登记), and the special-group tag list. The staff pages and the admin save through these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.core.changelog import record_change, snapshot
from civicgrid.people import rules, validators
from civicgrid.people.actions.buildings import save_house
from civicgrid.people.actions.common import (
    COMPOUND_FIELDS,
    ENTERPRISE_FIELDS,
    PROPERTY_COMPANY_FIELDS,
    RENTAL_FIELDS,
    Action,
    require,
)
from civicgrid.people.models import Compound, Enterprise, Person, PropertyCompany, Rental, Tag, Usage
from civicgrid.regions.models import Level

TAG_FIELDS = ("code", "name", "sensitivity", "colour", "description", "order")


def _rental_snapshot(rental):
    return snapshot(rental, RENTAL_FIELDS) | {"tenants": sorted(rental.tenants.values_list("pk", flat=True))}


def _check_rental(rental, tenant_ids):
    if rental.end is not None and rental.end < rental.start:
        raise ValidationError({"end": _("到期日期不能早于起租日期。")})
    tenants = list(Person.objects.filter(house=rental.house, pk__in=list(tenant_ids)))
    if len(tenants) != len(set(tenant_ids)):
        raise ValidationError({"tenants": _("所选人员不在这套房屋中。")})
    return tenants


@transaction.atomic
def register_rental(user, house, *, start, end=None, landlord_name="", tenant_ids=(), note="", landlord=None):
    """A rental record for a house (出租登记): the landlord, the tenants among its residents, the period.
    The house's usage becomes "rented"."""
    require(user, "people.change_house", house.region_code)
    rental = Rental(
        house=house,
        region_code=house.region_code,
        landlord=landlord,
        landlord_name=(landlord_name or "")[:50],
        start=start,
        end=end,
        note=note or "",
    )
    tenants = _check_rental(rental, tenant_ids)
    rental.save()
    rental.tenants.set(tenants)
    record_change(user, rental, Action.CREATE, None, _rental_snapshot(rental))
    if house.usage != Usage.RENTED:
        save_house(user, house, usage=Usage.RENTED)
    return rental


@transaction.atomic
def update_rental(user, rental, *, tenant_ids=None, **fields):
    """Change a rental's period, landlord, note or tenants (None keeps them); its house stays."""
    require(user, "people.change_house", rental.region_code)
    if "house" in fields and fields["house"].pk != rental.house_id:
        raise ValidationError({"house": _("出租登记的房屋不能更改，请新建一条登记。")})
    fields.pop("house", None)
    before = _rental_snapshot(rental)
    for name, value in fields.items():
        setattr(rental, name, value)
    rental.landlord_name = (rental.landlord_name or "")[:50]
    tenant_ids = before["tenants"] if tenant_ids is None else list(tenant_ids)
    tenants = _check_rental(rental, tenant_ids)
    rental.save()
    rental.tenants.set(tenants)
    record_change(user, rental, Action.UPDATE, before, _rental_snapshot(rental))
    return rental


def _seal_contact_phone(phone):
    """The sealed fields for a contact phone (mobile, landline or 400/800); None keeps the current
    value, "" clears it."""
    if phone is None:
        return {}
    if phone == "":
        return {"phone_enc": "", "phone_hash": "", "phone_masked": ""}
    try:
        phone = rules.validate_phone(phone, service=True)
    except ValueError as exc:
        raise ValidationError({"phone": str(exc)}) from None
    return rules.seal_phone(phone)


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
    require(user, "people.change_compound", community.code)
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
def record_compound_star(user, compound_id, star, note=""):
    """A compound's star class as decided elsewhere (the compounds app's confirmed 转化提星): the
    caller has checked the decider's right to decide it; the change is logged under their name."""
    compound = Compound.objects.select_for_update().get(pk=compound_id)
    if not 0 <= int(star) <= 5:
        raise ValidationError({"star": _("星级应在 0 到 5 之间（0 表示未评定）。")})
    if compound.star == int(star):
        return compound
    before = snapshot(compound, COMPOUND_FIELDS)
    compound.star = int(star)
    compound.save(update_fields=["star", "updated_at"])
    record_change(user, compound, Action.UPDATE, before, snapshot(compound, COMPOUND_FIELDS), note=note[:200])
    return compound


@transaction.atomic
def save_property_company(user, company, *, phone=None, **fields):
    """Create or update a property company (物业公司) registered in a region of the user's scope; the
    contact phone is sealed (None keeps it, "" clears it)."""
    region = fields.get("region", company.region if company.region_id else None)
    if region is None:
        raise ValidationError({"region": _("请选择登记区域。")})
    require(user, "people.change_propertycompany", region.code)
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
    require(user, "people.change_enterprise", grid.code)
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


# --- Deleting (the admin) and the tag list ---------------------------------------------------------------

# The permission whose scope decides who may delete a record of each model (the record's region).
DELETE_PERMISSION = {
    Compound: "people.change_compound",
    PropertyCompany: "people.change_propertycompany",
    Enterprise: "people.change_enterprise",
    Rental: "people.change_house",
}
SNAPSHOT_FIELDS = {
    Compound: COMPOUND_FIELDS,
    PropertyCompany: PROPERTY_COMPANY_FIELDS,
    Enterprise: ENTERPRISE_FIELDS,
    Rental: RENTAL_FIELDS,
    Tag: TAG_FIELDS,
}


@transaction.atomic
def delete_record(user, record):
    """Delete a compound, property company, enterprise or rental in the user's scope, or a tag (for
    whoever may change tags), and log the deletion with the last snapshot."""
    model = type(record)
    if model is Tag:
        require(user, "people.change_tag", None)
    else:
        require(user, DELETE_PERMISSION[model], record.region_code)
    before = snapshot(record, SNAPSHOT_FIELDS[model])
    record_change(user, record, Action.DELETE, before, None)
    record.delete()


@transaction.atomic
def save_tag(user, tag, **fields):
    """Create or update a special-group tag (the list every person's tags are chosen from)."""
    require(user, "people.change_tag", None)
    creating = tag.pk is None
    before = None if creating else snapshot(tag, TAG_FIELDS)
    for name, value in fields.items():
        setattr(tag, name, value)
    _require_name(tag)
    tag.full_clean()
    tag.save()
    record_change(user, tag, Action.CREATE if creating else Action.UPDATE, before, snapshot(tag, TAG_FIELDS))
    return tag
