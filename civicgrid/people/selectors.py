"""Reads: every query starts from `Model.objects.restrict(user, "view")`.

Also the contract other apps rely on: `population_summary(user, region)` and
`elderly_alone_not_visited(region, days)` (the dashboard calls these).
"""

from collections import defaultdict, namedtuple
from datetime import timedelta
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Exists, F, Func, OuterRef, Q
from django.db.models.functions import Collate, Substr
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core.scoping import subtree_q
from civicgrid.people import rules
from civicgrid.people.models import (
    Building,
    Compound,
    Enterprise,
    House,
    Household,
    Person,
    PersonTag,
    Rental,
    ResidenceType,
    Sensitivity,
    Tag,
    Usage,
)
from civicgrid.people.policy import tag_clearance, visible_tag_q
from civicgrid.regions.models import Region

# A search answers a page of 20 (a common surname over a street matches thousands: the user narrows
# the query or pages on, and a short page renders fast — bench people.search_p95).
SEARCH_PAGE = 20
SEARCH_MAX_PAGES = 50
ELDERLY_ALONE_TAGS = ("elderly_alone", "empty_nest")


def compound_names(region_code):
    """Names of the compounds in a region's subtree (public facts: the command screen's place words)."""
    return list(Compound.objects.filter(subtree_q("region_code", [region_code])).values_list("name", flat=True))


def in_region(queryset, region):
    return queryset.filter(subtree_q("region_code", [region.code]))


def current_persons(user):
    return Person.objects.restrict(user, "view").filter(house__isnull=False)


# A community's code has 12 digits (district 6 + street 3 + community 3); grids and micro-grids
# add to it.
COMMUNITY_CODE_LENGTH = 12


class Unindexed(Func):
    """`+column` on SQLite: the same value, but no index on the column may answer for it."""

    template = "+%(expressions)s"


def _name_expression(narrow):
    if connection.vendor == "postgresql":
        return Collate("name", "C")
    # SQLite has no statistics to weigh a community's few thousand persons against the ten thousand
    # bearers of a common surname and would walk the name index: within a narrow scope it is told to
    # take the scope index (region_code, name) and sort the few matches.
    return Unindexed("name") if narrow else F("name")


def name_prefix(query, narrow=False):
    """Conditions for names starting with `query` that an index answers: on PostgreSQL a range on
    `name COLLATE "C"` (the people_person_name_cp index; LIKE could only use a pattern-ops index,
    whatever the database's collation), on SQLite the same range on the binary-collated name index
    (SQLite's LIKE is case-insensitive and uses no index). `narrow`: see _name_expression."""
    name = _name_expression(narrow)
    return [GreaterThanOrEqual(name, query), LessThan(name, query + "\U0010ffff")]


def name_order(narrow=False):
    """ORDER BY name, id in code-point order, as people_person_name_cp holds it — on PostgreSQL the
    "C" collation, so a common surname searched over a whole street reads the first matches from
    the index instead of sorting every match."""
    return [_name_expression(narrow), "id"]


def narrow_scope(user):
    """Whether the user sees persons of one community or less (not a street, not everything)."""
    codes = scope_codes(user, "people.view_person")
    return codes is not None and all(len(code) >= COMMUNITY_CODE_LENGTH for code in codes)


# What a search result shows (people/_person_rows.html with the address): no ciphertexts, no notes.
SEARCH_COLUMNS = (
    "name",
    "gender",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "relation",
    "region_code",
    "house__number",
    "house__building__name",
    "house__unit__number",
)


def search_persons(user, query, include_moved_out=False, limit=SEARCH_PAGE, offset=0):
    """Persons matching a name (prefix), a phone or an ID number (exact, through the keyed hash),
    `limit` of them from `offset` in name order.

    Returns (persons, how) where how is "id", "phone" or "name".
    """
    query = (query or "").strip()
    narrow = False
    base = Person.objects.restrict(user, "view")
    if not include_moved_out:
        base = base.filter(house__isnull=False)
    if not query:
        return base.none(), "name"
    if rules.looks_like_id_number(query):
        how, conditions = "id", [Q(id_number_hash=rules.id_number_hash(query))]
    elif rules.looks_like_phone(query):
        how, conditions = "phone", [Q(phone_hash=rules.phone_hash(query))]
    else:
        narrow = narrow_scope(user)
        how, conditions = "name", name_prefix(query, narrow)
    persons = (
        base.filter(*conditions)
        .select_related("house__building", "house__unit")
        .only(*SEARCH_COLUMNS)
        .order_by(*name_order(narrow))[offset : offset + limit]
    )
    return persons, how


def visible_person_tags(user, persons):
    """{person_id: [Tag]} for the tags the user may see on these persons."""
    persons = list(persons)
    if not persons:
        return {}
    rows = PersonTag.objects.filter(visible_tag_q(user), person_id__in=[p.pk for p in persons]).select_related("tag")
    result = defaultdict(list)
    for row in rows:
        result[row.person_id].append(row.tag)
    return result


def building_table(user, building):
    """The 楼盘表: {"units": [{"unit", "floors": [(floor, [cell, …])]}], "legend"} — floors top down;
    each cell a house with its residents count and the visible special groups present."""
    houses = list(
        House.objects.restrict(user, "view")
        .filter(building=building)
        .select_related("unit")
        .annotate(residents=Count("persons", distinct=True))
        .order_by("unit__number", "-floor", "number")
    )
    tags_by_house = defaultdict(set)
    for house_id, tag_id in PersonTag.objects.filter(visible_tag_q(user), person__house__building=building).values_list(
        "person__house_id", "tag_id"
    ):
        tags_by_house[house_id].add(tag_id)
    tags = {tag.pk: tag for tag in Tag.objects.all()}
    units = {}
    for house in houses:
        house.visible_tags = sorted((tags[t] for t in tags_by_house.get(house.pk, ())), key=lambda t: t.order)
        unit = units.setdefault(house.unit_id, {"unit": house.unit, "floors": defaultdict(list)})
        unit["floors"][house.floor].append(house)
    result = []
    for unit in units.values():
        floors = sorted(unit["floors"].items(), key=lambda item: -item[0])
        result.append({"unit": unit["unit"], "floors": floors})
    present = {t for ids in tags_by_house.values() for t in ids}
    return {"units": result, "tags": [tags[t] for t in sorted(present, key=lambda t: tags[t].order)]}


def region_stats(user, region, days=None):
    """Grid / community statistics for the region subtree (within the user's scope)."""
    from django.conf import settings

    days = days or settings.PEOPLE_VERIFY_DAYS
    persons = in_region(current_persons(user), region)
    houses = in_region(House.objects.restrict(user, "view"), region)
    households = in_region(Household.objects.restrict(user, "view").filter(is_active=True), region)
    usage_counts = dict(houses.values_list("usage").annotate(n=Count("id")).order_by())
    by_type = dict(persons.values_list("residence_type").annotate(n=Count("id")).order_by())
    clearance = tag_clearance(user, region.code)
    tag_counts = dict(
        PersonTag.objects.filter(visible_tag_q(user), person__in=persons)
        .values_list("tag_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    cutoff = timezone.now() - timedelta(days=days)
    today = timezone.localdate()
    return {
        "persons": persons.count(),
        "households": households.count(),
        "houses": sum(usage_counts.values()),
        "buildings": in_region(Building.objects.restrict(user, "view"), region).count(),
        "usage": [(label, usage_counts.get(value, 0), value) for value, label in Usage.choices],
        "residence_types": [(label, by_type.get(value, 0)) for value, label in ResidenceType.choices],
        "tags": [(tag, tag_counts.get(tag.pk, 0)) for tag in Tag.objects.filter(sensitivity__lte=clearance)],
        "rentals": in_region(Rental.objects.restrict(user, "view"), region)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .count(),
        "unverified": houses.filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=cutoff)).count(),
        "days": days,
    }


def unverified_houses(user, region, days):
    cutoff = timezone.now() - timedelta(days=days)
    return (
        in_region(House.objects.restrict(user, "view"), region)
        .filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=cutoff))
        .select_related("building", "unit")
        .order_by("last_verified_at", "building__code", "number")
    )


# --- The contract for the dashboard -------------------------------------------------------------------


def population_summary(user, region):
    """{"persons", "households", "houses", "by_child": [...], "special_groups": [...]} for the region
    subtree within the user's scope; special groups only for tags the user may see."""
    persons = in_region(current_persons(user), region)
    households = in_region(Household.objects.restrict(user, "view").filter(is_active=True), region)
    houses = in_region(House.objects.restrict(user, "view"), region)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    by_child = []
    if children:
        width = len(children[0].code)
        person_counts = dict(
            persons.annotate(prefix=Substr("region_code", 1, width))
            .values_list("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        household_counts = dict(
            households.annotate(prefix=Substr("region_code", 1, width))
            .values_list("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        for child in children:
            by_child.append(
                {
                    "region_id": child.pk,
                    "code": child.code,
                    "name": child.name,
                    "persons": person_counts.get(child.code, 0),
                    "households": household_counts.get(child.code, 0),
                }
            )
    clearance = tag_clearance(user, region.code)
    counts = dict(
        PersonTag.objects.filter(visible_tag_q(user), person__in=persons)
        .values_list("tag_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    special_groups = [
        {"code": tag.code, "name": tag.name, "count": counts.get(tag.pk, 0)}
        for tag in Tag.objects.filter(sensitivity__lte=clearance)
    ]
    return {
        "persons": persons.count(),
        "households": households.count(),
        "houses": houses.count(),
        "by_child": by_child,
        "special_groups": special_groups,
    }


def elderly_alone_not_visited(region, days):
    """Living-alone / empty-nest elderly in the region subtree whose household was not verified
    (visited) in the last `days` days — a queryset of Person (not scoped: the caller scopes)."""
    cutoff = timezone.now() - timedelta(days=days)
    tagged = PersonTag.objects.filter(person=OuterRef("pk"), tag__code__in=ELDERLY_ALONE_TAGS)
    return (
        Person.objects.filter(subtree_q("region_code", [region.code]), house__isnull=False)
        .filter(Exists(tagged))
        .filter(
            Q(household__isnull=True)
            | Q(household__last_verified_at__isnull=True)
            | Q(household__last_verified_at__lt=cutoff)
        )
        .select_related("house__building", "household")
        .order_by("region_code", "name")
    )


def public_buildings(region_code, limit=3000):
    """The buildings of an area as the map shows them to anyone with a role there, residents
    included: name, compound and position only, the facts posted at the gate. Deliberately not
    restricted to the viewer's base-data scope (a resident has none) and never anything about the
    people inside (people/views/layers.py)."""
    rows = (
        Building.objects.filter(region_code__startswith=region_code, lon__isnull=False, lat__isnull=False)
        .order_by("region_code", "code")
        .values("name", "compound__name", "lon", "lat")[:limit]
    )
    return [
        {"name": row["name"], "compound": row["compound__name"] or "", "lon": row["lon"], "lat": row["lat"]}
        for row in rows
    ]


def resident_facts(phone, region_code):
    """What another app's eligibility check may learn of a resident account (activities: an age range,
    a base-data tag): the birth date and tag codes of the current resident of `region_code`'s
    subtree whose phone matches (by its keyed hash), or None when base data knows no such person.
    Nothing else about the person leaves this app."""
    digest = rules.phone_hash(phone) if phone else ""
    if not digest:
        return None
    person = (
        Person.objects.filter(phone_hash=digest, house__isnull=False, moved_out_at__isnull=True)
        .filter(subtree_q("region_code", [region_code]))
        .order_by("pk")
        .only("pk", "birth_date")
        .first()
    )
    if person is None:
        return None
    codes = frozenset(PersonTag.objects.filter(person_id=person.pk).values_list("tag__code", flat=True))
    return ResidentFacts(person.birth_date, codes)


class ResidentFacts(NamedTuple):
    """What resident_facts() answers."""

    birth_date: object
    tag_codes: frozenset


def public_tags():
    """The base-data tags of normal sensitivity (not special groups that need a clearance): what an
    organiser may narrow an activity to."""
    return list(
        Tag.objects.filter(sensitivity=Sensitivity.NORMAL).order_by("order", "code").values_list("code", "name")
    )


# --- Tags of resident accounts (the notices app's audiences): only ids leave this app ------------


def _tagged_persons(tag_id, region_code):
    return Person.objects.filter(
        subtree_q("region_code", [region_code]),
        house__isnull=False,
        moved_out_at__isnull=True,
        person_tags__tag_id=tag_id,
    ).exclude(phone_hash="")


def account_tag_ids(user):
    """The ids of the tags carried by the current persons whose phone is this account's (matched by
    the keyed phone hash, as registrations are): a lazy queryset, so a caller can use it as a
    subquery. Nothing about the persons is returned."""
    digest = rules.phone_hash(user.phone) if getattr(user, "phone", None) else ""
    if not digest:
        return PersonTag.objects.none().values_list("tag_id", flat=True)
    return PersonTag.objects.filter(
        person__phone_hash=digest, person__house__isnull=False, person__moved_out_at__isnull=True
    ).values_list("tag_id", flat=True)


def resident_account_ids_with_tag(tag_id, region_code, limit=None):
    """User ids of the active resident accounts (a RESIDENT role in the subtree of `region_code`)
    whose phone matches a current person of that subtree carrying the tag `tag_id`. At most `limit`
    ids when given (None: all)."""
    from django.contrib.auth import get_user_model

    from civicgrid.accounts.models import Role, RoleAssignment

    digests = set(_tagged_persons(tag_id, region_code).values_list("phone_hash", flat=True))
    if not digests:
        return []
    residents = (
        RoleAssignment.objects.active()
        .filter(role=Role.RESIDENT, region__isnull=False)
        .filter(subtree_q("region__code", [region_code]))
        .values("user_id")
    )
    accounts = (
        get_user_model()
        .objects.filter(pk__in=residents, is_active=True, phone__isnull=False)
        .order_by("pk")
        .values_list("pk", "phone")
    )
    found = []
    for pk, phone in accounts.iterator(chunk_size=5000):
        if rules.phone_hash(phone) in digests:
            found.append(pk)
            if limit is not None and len(found) >= limit:
                break
    return found


def audience_tags(user=None):
    """The tags a notice may be addressed to: none of the restricted groups, and, for a writer, only
    those their clearance lets them see (civicgrid.people.policy) on any node."""
    from civicgrid.people.models import Sensitivity

    limit = Sensitivity.SENSITIVE
    if user is not None:
        limit = min(limit, tag_clearance(user))
    return Tag.objects.filter(sensitivity__lte=limit).order_by("order", "code")


# --- Who an account is in base data, for another app's eligibility checks (consultation polls) -----

ADULT_AGE = 18
ResidentIdentity = namedtuple("ResidentIdentity", "person_id household_id adult")


def resident_identity(user, region_code, compound_id=None, today=None):
    """The base-data identity of a signed-in account living in `region_code`'s subtree (and, when
    given, in compound `compound_id`): (person id, household id or None, is adult), or None when no
    current resident with the account's phone (matched by its keyed hash) lives there. Nothing else
    about the person leaves this app: a poll learns whom to count once, never who it is."""
    phone = getattr(user, "phone", None)
    digest = rules.phone_hash(phone) if phone else ""
    if not digest:
        return None
    persons = Person.objects.filter(phone_hash=digest, house__isnull=False, moved_out_at__isnull=True).filter(
        subtree_q("region_code", [region_code])
    )
    if compound_id is not None:
        persons = persons.filter(house__building__compound_id=compound_id)
    row = persons.order_by("pk").values_list("pk", "household_id", "birth_date").first()
    if row is None:
        return None
    today = today or timezone.localdate()
    birth = row[2]
    adult = (
        birth is not None
        and (today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))) >= ADULT_AGE
    )
    return ResidentIdentity(row[0], row[1], adult)


def home_of(phone, community_code):
    """Where a resident account lives, for the services near their home: the current house of the
    person in `community_code`'s subtree whose phone (by its keyed hash) is the account's, as
    {"lon", "lat", "address"} (lon/lat None when the building has no position), or None when base
    data knows no such person. Only the place is returned, never anything about the person."""
    digest = rules.phone_hash(phone) if phone else ""
    if not digest or not community_code:
        return None
    person = (
        Person.objects.filter(phone_hash=digest, house__isnull=False, moved_out_at__isnull=True)
        .filter(subtree_q("region_code", [community_code]))
        .select_related("house__building__compound", "house__unit")
        .order_by("pk")
        .first()
    )
    if person is None:
        return None
    house, building = person.house, person.house.building
    parts = [building.compound.name if building.compound_id else "", building.name]
    if house.unit_id:
        parts.append(f"{house.unit.number}单元")
    parts.append(f"{house.number}室")
    return {"lon": building.lon, "lat": building.lat, "address": " ".join(p for p in parts if p)}


def resident_house(user, community_code):
    """The current house (with its building and compound) of the person in `community_code`'s
    subtree whose phone (by its keyed hash) is the account's, or None: where a resident's own
    property repairs and bills belong (civicgrid.property). Nothing about the person is returned."""
    phone = getattr(user, "phone", None)
    digest = rules.phone_hash(phone) if phone else ""
    if not digest or not community_code:
        return None
    person = (
        Person.objects.filter(phone_hash=digest, house__isnull=False, moved_out_at__isnull=True)
        .filter(subtree_q("region_code", [community_code]))
        .select_related("house__building__compound", "house__unit")
        .order_by("pk")
        .only("pk", "household_id", "house")
        .first()
    )
    if person is None:
        return None
    house = person.house
    house.resident_household_id = person.household_id
    return house


def public_enterprises_in_box(west, south, east, north, kind="", limit=2000):
    """The merchants and enterprises whose building stands inside the box, as a resident's
    convenience circle shows them (services app): name, kind, industry, address and position only,
    the facts on the shop sign. Deliberately not restricted to a base-data scope (a resident has
    none) and never the contact person or phone."""
    rows = Enterprise.objects.filter(
        building__lon__gte=west, building__lon__lte=east, building__lat__gte=south, building__lat__lte=north
    )
    if kind:
        rows = rows.filter(kind=kind)
    return list(
        rows.order_by("pk").values("pk", "name", "kind", "industry", "address", "building__lon", "building__lat")[
            :limit
        ]
    )


# --- A resident's compound, and a compound's houses, for the compounds app (小区治理) ---------------

ResidentHome = namedtuple("ResidentHome", "compound_id household_id house_id")


def resident_home(user, region_code):
    """The compound, household and house of a signed-in account living in `region_code`'s subtree
    (matched by its phone's keyed hash), or None when base data knows no such current resident or
    their building belongs to no compound. Nothing about the person leaves this app."""
    phone = getattr(user, "phone", None)
    digest = rules.phone_hash(phone) if phone else ""
    if not digest:
        return None
    row = (
        Person.objects.filter(phone_hash=digest, house__isnull=False, moved_out_at__isnull=True)
        .filter(subtree_q("region_code", [region_code]))
        .filter(house__building__compound__isnull=False)
        .order_by("pk")
        .values_list("house__building__compound_id", "household_id", "house_id")
        .first()
    )
    return ResidentHome(*row) if row else None


def compound_households(compound_id):
    """[(household id, house number)] of a compound's current households, by house: the house number
    (building, unit, room) is all another app may show of them — never a name."""
    rows = (
        Household.objects.filter(house__building__compound_id=compound_id, is_active=True)
        .select_related("house__building", "house__unit")
        .order_by("house__building__name", "house__unit__number", "house__floor", "house__number", "pk")
    )
    return [(h.pk, h.house.label) for h in rows]


def compound_near(lon, lat, community_code, metres=150):
    """The id of the compound whose building with a position lies nearest to (lon, lat) within
    `metres`, among the buildings of `community_code`'s subtree; None when none is that close."""
    if lon is None or lat is None or not community_code:
        return None
    dlat = metres / 111_000
    dlon = metres / 85_000  # generous at China's latitudes
    rows = (
        Building.objects.filter(subtree_q("region_code", [community_code]), compound__isnull=False)
        .filter(lon__range=(lon - dlon, lon + dlon), lat__range=(lat - dlat, lat + dlat))
        .values_list("compound_id", "lon", "lat")[:200]
    )
    best, best_d = None, None
    for compound_id, blon, blat in rows:
        d = ((blon - lon) * 85_000) ** 2 + ((blat - lat) * 111_000) ** 2
        if d <= metres**2 and (best_d is None or d < best_d):
            best, best_d = compound_id, d
    return best


def person_ids_with_phone(phone):
    """The ids of the persons whose phone (by its keyed hash) is `phone`: a lazy queryset another
    app may use as a subquery (the party app finds the member behind an account). Nothing else."""
    digest = rules.phone_hash(phone) if phone else ""
    if not digest:
        return Person.objects.none().values_list("pk", flat=True)
    return Person.objects.filter(phone_hash=digest).values_list("pk", flat=True)


def person_by_id_number(id_number, region_code):
    """The current person of `region_code`'s subtree with this ID number (by its keyed hash), or
    None: how another app (party membership) links a record to base data without searching it."""
    digest = rules.id_number_hash(id_number) if id_number else ""
    if not digest:
        return None
    return (
        Person.objects.filter(id_number_hash=digest, moved_out_at__isnull=True)
        .filter(subtree_q("region_code", [region_code]))
        .order_by("pk")
        .first()
    )
