"""Demo base data: compounds, buildings inside their grids, units, houses, households and persons
with plausible Chinese names, valid ID numbers (GB 11643), phones, special-group tags and a few
rentals and merchants — deterministic from the seed.

Written with bulk_create in large batches (no action functions: a district's ~500,000 persons must
load in minutes); the values are exactly what the actions would store (encrypted, hashed, masked).

Scales: `small` ≈ 1,300 persons (instant, for `make run`); `district` ≈ Yanji: 10 buildings per
grid (6,000 at 600 grids), ≈ 500,000 persons; `erqi` the same density on Erqi's 846 grids.
"""

import random
import time
from datetime import date, timedelta

import shapely
from django.db import connection
from django.utils import timezone
from shapely.geometry import shape

from civicgrid.accounts.demo import person_name
from civicgrid.people import protection, rules
from civicgrid.people.importer import fast_insert, insert_persons
from civicgrid.people.models import (
    Building,
    BuildingType,
    Compound,
    Enterprise,
    EnterpriseKind,
    House,
    Household,
    Person,
    PersonTag,
    Political,
    PropertyCompany,
    Relation,
    Rental,
    Residence,
    ResidenceType,
    Tag,
    Unit,
    Usage,
)
from civicgrid.people.rules import household_number
from civicgrid.regions.models import Level, Region

# buildings per grid, (min floors, max floors), units per building, houses per floor per unit
PEOPLE_SCALES = {
    "small": {"buildings": 2, "floors": (4, 6), "units": 2, "per_floor": 2},
    "district": {"buildings": 10, "floors": (5, 7), "units": 2, "per_floor": 3},
    "erqi": {"buildings": 10, "floors": (5, 7), "units": 2, "per_floor": 3},
}
USAGE_WEIGHTS = [(Usage.SELF, 70), (Usage.RENTED, 15), (Usage.VACANT, 10), (Usage.HOMESTAY, 2), (Usage.COMMERCIAL, 3)]
ETHNICITIES = ["汉族"] * 18 + ["朝鲜族", "回族", "满族"]
COMPOUND_WORDS = ["幸福", "和谐", "阳光", "锦绣", "翠园", "华庭", "金色", "御景", "绿城", "春华", "秋实", "丽景"]
BATCH = 5000


def _weighted(rng, pairs):
    total = sum(w for _v, w in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def _point_in(geometry, rng):
    if geometry is None:
        return None, None
    x0, y0, x1, y1 = geometry.bounds
    for _ in range(20):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if shapely.contains_xy(geometry, x, y):
            return round(x, 6), round(y, 6)
    point = geometry.representative_point()
    return round(point.x, 6), round(point.y, 6)


def _id_number(rng, birth, female):
    sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)
    first17 = f"222401{birth:%Y%m%d}{sequence:03d}"
    return first17 + rules.id_check_digit(first17)


def sealed_phone(sealer, phone):
    """A contact phone as stored: ciphertext, keyed hash and masked form (never the plain number)."""
    phone = rules.normalise_phone(phone)
    return {
        "phone_enc": sealer.encrypt(phone),
        "phone_hash": sealer.hash("phone", phone),
        "phone_masked": protection.mask_phone(phone),
    }


def seed_people(district, scale="small", seed=2026, stdout=None, grids=None):
    """Create the demo base data under `district`; returns the number of persons."""
    started = time.monotonic()
    spec = PEOPLE_SCALES[scale]
    rng = random.Random(seed)
    sealer = protection.Sealer()
    tags = {t.code: t.pk for t in Tag.objects.all()}
    grids = list(grids if grids is not None else Region.objects.subtree(district).filter(level=Level.GRID))
    communities = {r.pk: r for r in Region.objects.subtree(district).filter(level=Level.COMMUNITY)}

    # Property companies and compounds: one compound per grid, a company per few communities.
    companies = PropertyCompany.objects.bulk_create(
        [
            PropertyCompany(
                name=f"{word}物业服务有限公司",
                region=district,
                region_code=district.code,
                **sealed_phone(sealer, f"03716{rng.randrange(0, 10**7):07d}"),
            )
            for word in COMPOUND_WORDS[:6]
        ]
    )
    compounds = {}
    new_compounds = []
    for i, grid in enumerate(grids):
        community = communities.get(grid.parent_id) or grid.parent
        compound = Compound(
            name=f"{COMPOUND_WORDS[i % len(COMPOUND_WORDS)]}{i // len(COMPOUND_WORDS) + 1}号小区",
            community_id=community.pk,
            region_code=community.code,
            star=rng.choice([0, 3, 4, 5]),
            property_company=companies[i % len(companies)],
        )
        compounds[grid.pk] = compound
        new_compounds.append(compound)
    Compound.objects.bulk_create(new_compounds, batch_size=BATCH)

    # 楼进格: the grid's buildings stand in its micro-grids in turn (the first micro-grid first), and
    # belong to the micro-grid they stand in; a grid without micro-grids holds them itself.
    microgrids = {}
    for micro in Region.objects.subtree(district).filter(level=Level.MICROGRID).exclude(boundary=None).order_by("code"):
        microgrids.setdefault(micro.parent_id, []).append((micro, shape(micro.boundary)))
    buildings = []
    for grid in grids:
        cells = microgrids.get(grid.pk) or [(grid, shape(grid.boundary) if grid.boundary else None)]
        for b in range(1, spec["buildings"] + 1):
            cell, geometry = cells[(b - 1) % len(cells)]
            lon, lat = _point_in(geometry, rng)
            buildings.append(
                Building(
                    code=f"{grid.code}-B{b:02d}",
                    name=f"{compounds[grid.pk].name}{b}号楼",
                    grid=cell,
                    region_code=cell.code,
                    compound=compounds[grid.pk],
                    address=f"{grid.name}{b}号",
                    building_type=BuildingType.RESIDENTIAL if b > 1 else BuildingType.MIXED,
                    floors=rng.randint(*spec["floors"]),
                    units=spec["units"],
                    lon=lon,
                    lat=lat,
                )
            )
    Building.objects.bulk_create(buildings, batch_size=BATCH)
    units = [Unit(building=b, number=str(u)) for b in buildings for u in range(1, b.units + 1)]
    Unit.objects.bulk_create(units, batch_size=BATCH)
    houses = []
    for unit in units:
        building = unit.building
        for floor in range(1, building.floors + 1):
            for n in range(1, spec["per_floor"] + 1):
                usage = Usage.COMMERCIAL if building.building_type == BuildingType.MIXED and floor == 1 else None
                houses.append(
                    House(
                        building=building,
                        unit=unit,
                        region_code=building.region_code,
                        floor=floor,
                        number=f"{floor}{n:02d}",
                        area=rng.choice([56, 68, 75, 89, 96, 108, 120, 135]),
                        usage=usage or _weighted(rng, USAGE_WEIGHTS),
                    )
                )
    House.objects.bulk_create(houses, batch_size=BATCH)

    # Households and persons, house by house (plain rows and COPY / executemany: see fast_insert).
    today = date.today()
    households = [
        Household(house=h, region_code=h.region_code, is_active=True, number=household_number(h.pk, 1))
        for h in houses
        if h.usage in (Usage.SELF, Usage.RENTED, Usage.HOMESTAY)
    ]
    Household.objects.bulk_create(households, batch_size=BATCH)
    stamp = Person._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    person_rows, members_of, used_numbers = [], [], set()
    for household in households:
        size = _weighted(rng, [(1, 18), (2, 30), (3, 30), (4, 17), (5, 5)])
        rented = household.house.usage == Usage.RENTED
        head_age = rng.randint(25, 88)
        for k in range(size):
            if k == 0:
                age, relation = head_age, Relation.HEAD
            elif k == 1:
                age, relation = max(20, head_age + rng.randint(-5, 5)), Relation.SPOUSE
            else:
                age, relation = max(0, head_age - rng.randint(22, 35)), Relation.CHILD
            female = (k == 1) if size > 1 and k < 2 else rng.random() < 0.5
            birth = today - timedelta(days=age * 365 + rng.randrange(0, 365))
            number = _id_number(rng, birth, female)
            while number in used_numbers:  # ID numbers are unique: draw another sequence
                number = _id_number(rng, birth, female)
            used_numbers.add(number)
            phone = f"1{rng.choice('3578')}{rng.randrange(0, 10**9):09d}" if age >= 16 else ""
            id_hash = sealer.hash("id", number)
            person_rows.append(
                (
                    person_name(rng),
                    "F" if female else "M",
                    birth,
                    sealer.encrypt(number),
                    id_hash,
                    protection.mask_id(number),
                    sealer.encrypt(phone),
                    sealer.hash("phone", phone),
                    protection.mask_phone(phone),
                    rng.choice(ETHNICITIES),
                    ResidenceType.FLOATING
                    if rented
                    else _weighted(
                        rng,
                        [(ResidenceType.REGISTERED, 92), (ResidenceType.FLOATING, 7), (ResidenceType.FOREIGN, 1)],
                    ),
                    Relation.TENANT if rented and k > 0 else relation,
                    _weighted(
                        rng,
                        [(Political.MASSES, 85), (Political.CPC, 9), (Political.LEAGUE, 5), (Political.OTHER_PARTY, 1)],
                    ),
                    "",
                    household.house_id,
                    household.pk,
                    household.region_code,
                    stamp,
                    stamp,
                )
            )
            members_of.append((id_hash, age, size, household.house_id, household.pk))
    ids = insert_persons(person_rows, [member[0] for member in members_of])
    table, person_table = Household._meta.db_table, Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET head_id = (SELECT MIN(p.id) FROM {person_table} p "
            f"WHERE p.household_id = {table}.id AND p.relation = %s) WHERE head_id IS NULL AND id IN "
            f"(SELECT DISTINCT household_id FROM {person_table} WHERE household_id IS NOT NULL)",
            [Relation.HEAD],
        )
    residences, tag_rows = [], []
    head_of_house = {}
    for (id_hash, age, size, house_id, household_id), row in zip(members_of, person_rows, strict=True):
        person_id = ids[id_hash]
        if row[11] == Relation.HEAD:
            head_of_house.setdefault(house_id, person_id)
        residences.append(
            (person_id, house_id, household_id, today - timedelta(days=rng.randrange(30, 365 * 20)), None, "")
        )
        wanted = []
        if age >= 70 and size == 1:
            wanted.append("elderly_alone")
        elif age >= 65 and size == 2 and rng.random() < 0.4:
            wanted.append("empty_nest")
        if age < 14 and rng.random() < 0.04:
            wanted.append("left_behind_child")
        roll = rng.random()
        if roll < 0.02:
            wanted.append("disabled")
        elif roll < 0.035:
            wanted.append("subsistence")
        elif roll < 0.05 and age >= 22:
            wanted.append("veteran")
        elif roll < 0.055:
            wanted.append("key_care")
        tag_rows.extend((person_id, tags[code], "", stamp) for code in wanted)
    fast_insert(Residence, ["person_id", "house_id", "household_id", "moved_in", "moved_out", "note"], residences)
    fast_insert(PersonTag, ["person_id", "tag_id", "note", "created_at"], tag_rows)
    persons = person_rows

    # Rentals for rented houses; a few merchants per grid.
    rentals = [
        Rental(
            house=h,
            region_code=h.region_code,
            landlord_name=person_name(rng),
            start=today - timedelta(days=rng.randrange(10, 700)),
            end=today + timedelta(days=rng.randrange(-30, 365)),
        )
        for h in houses
        if h.usage == Usage.RENTED
    ]
    Rental.objects.bulk_create(rentals, batch_size=BATCH)
    tenants = Rental.tenants.through
    tenants.objects.bulk_create(
        [tenants(rental_id=r.pk, person_id=head_of_house[r.house_id]) for r in rentals if r.house_id in head_of_house],
        batch_size=BATCH,
    )
    enterprises = []
    shops = ["便利店", "理发店", "早餐店", "药店", "五金店", "快递驿站", "餐馆", "培训机构"]
    # Each stands in one of its grid's buildings (the first, mixed-use one first): the services app
    # lists the shops within walking distance of a resident's home by the building's position.
    grid_buildings = {}
    for building in buildings:
        grid_buildings.setdefault(building.code.rsplit("-B", 1)[0], []).append(building)
    for grid in grids:
        standing = grid_buildings.get(grid.code) or [None]
        for k in range(2):
            enterprises.append(
                Enterprise(
                    name=f"{grid.name}{rng.choice(shops)}{k + 1}",
                    kind=EnterpriseKind.MERCHANT if k else EnterpriseKind.ENTERPRISE,
                    grid=grid,
                    building=standing[0] if k == 0 else rng.choice(standing),
                    address=f"{grid.name}{k + 1}号铺",
                    region_code=grid.code,
                    industry=rng.choice(["零售", "餐饮", "服务", "教育"]),
                    contact=person_name(rng),
                    **sealed_phone(sealer, f"1{rng.choice('3578')}{rng.randrange(0, 10**9):09d}"),
                    employees=rng.randint(1, 30),
                )
            )
    Enterprise.objects.bulk_create(enterprises, batch_size=BATCH)
    if stdout is not None:
        stdout.write(
            f"people: {len(buildings)} buildings, {len(houses)} houses, {len(households)} households, "
            f"{len(persons)} persons in {time.monotonic() - started:.1f}s"
        )
    return len(persons)


def seed_demo(run):
    """Seeder (civicgrid.core.demo): buildings, houses, households and persons."""
    seed_people(run.made["district"], run.scale, run.seed, stdout=run.stdout)
