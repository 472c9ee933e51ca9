"""people.import.sqlite / people.import.postgres: persons imported from one Excel file with full
validation, in persons per second.

Data: the demo `small` region tree; 12 grids × 40 buildings × 2 units × 6 floors × 2 houses
(11,520 houses, built with bulk_create); a 100,000-row persons workbook (openpyxl write-only) with
valid ID numbers, phones, tags — every row referring to an existing house.

Measured (wall clock): `importer.import_file` on the whole file — reading the workbook (in a
second process that hands the rows on in chunks, importer/stream.py), validating every row (ID check digit and birth date, phone, choices, building/house look-up,
duplicates, tags), encrypting and hashing ID numbers and phones, and writing persons, households,
residences, tags and change-log rows in one transaction (each chunk written as soon as it is
checked; a wrong row anywhere rolls everything back).

Baseline, in the same run and database: the same rows written with bare `Person.objects.bulk_create`
(no reading, no validation, no encryption, no households/residences/change log), then rolled back.
Also reported: re-importing the same file (nothing changes; idempotence) and the share of time per
phase (reading the workbook) timed on its own.
"""

import base64
import io
import os
import random
import time
from datetime import date, timedelta

from bench.common import Result, benchmark, seconds, setup_django

SEED = 2026
ROWS, QUICK_ROWS = 100_000, 10_000
TARGET = "≥ 5,000 validated rows/s and ≥ 30 % of the bare bulk_create rate"


def _keys():
    for name in ("PEOPLE_DATA_KEY", "PEOPLE_HASH_KEY"):
        os.environ.setdefault(name, base64.urlsafe_b64encode(os.urandom(32)).decode())


def _build_houses(district):
    from civicgrid.people.models import Building, House, Unit
    from civicgrid.regions.models import Level, Region

    buildings = []
    for grid in Region.objects.subtree(district).filter(level=Level.GRID):
        for b in range(1, 41):
            buildings.append(
                Building(
                    code=f"{grid.code}-B{b:02d}", name=f"{b}号楼", grid=grid, region_code=grid.code, floors=6, units=2
                )
            )
    Building.objects.bulk_create(buildings, batch_size=5000)
    units = Unit.objects.bulk_create(
        [Unit(building=b, number=str(u)) for b in buildings for u in (1, 2)], batch_size=5000
    )
    houses = [
        House(building=u.building, unit=u, region_code=u.building.region_code, floor=f, number=f"{f}{n:02d}")
        for u in units
        for f in range(1, 7)
        for n in (1, 2)
    ]
    House.objects.bulk_create(houses, batch_size=5000)
    return houses


def _rows(houses, count):
    from civicgrid.accounts.demo import person_name
    from civicgrid.people import rules

    rng = random.Random(SEED)
    rows, seen = [], set()
    tags = ["", "", "", "", "", "", "", "", "独居老人", "退役军人", "低保户"]
    while len(rows) < count:
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 80))
        first17 = f"410103{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = first17 + rules.id_check_digit(first17)
        if number in seen:
            continue
        seen.add(number)
        house = houses[len(rows) % len(houses)]
        rows.append(
            [
                person_name(rng),
                number,
                f"13{rng.randrange(0, 10**9):09d}",
                "汉族",
                "户籍人口",
                house.building.code,
                house.unit.number,
                house.number,
                "",
                "群众",
                rng.choice(tags),
                "",
            ]
        )
    return rows


def _workbook(rows):
    from openpyxl import Workbook

    from civicgrid.people.importer import COLUMNS
    from civicgrid.people.models import ImportKind

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([h for h, _k, _r in COLUMNS[ImportKind.PERSONS]])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bare(rows, houses_by_key):
    from django.db import transaction

    from civicgrid.people.models import Person

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            Person.objects.bulk_create(
                [
                    Person(
                        name=r[0],
                        id_number_masked=r[1],
                        phone_masked=r[2],
                        ethnicity=r[3],
                        residence_type="registered",
                        house_id=houses_by_key[(r[5], r[6], r[7])][0],
                        region_code=houses_by_key[(r[5], r[6], r[7])][1],
                    )
                    for r in rows
                ],
                batch_size=2000,
            )
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed


def _run(database, quick):
    _keys()
    db = setup_django(f"people_import_{database}", database)
    from django.db import connection, transaction

    from civicgrid.accounts.models import Role
    from civicgrid.people import importer
    from civicgrid.people.models import ImportKind, Person
    from civicgrid.regions.demo import seed_regions
    from civicgrid.testing import make_user

    with transaction.atomic():
        district = seed_regions("small", SEED)
        build = seconds(lambda: None)
        started = time.perf_counter()
        houses = _build_houses(district)
        build = time.perf_counter() - started
    user = make_user("bench-admin", Role.SYSTEM_ADMIN, district)
    # Special-group tags are set only where the importer holds their clearance (no status implies
    # it): the clerk is community staff of every community, as a district's import clerk would be.
    from civicgrid.accounts.actions import grant_role
    from civicgrid.regions.models import Level, Region

    for community in Region.objects.subtree(district).filter(level=Level.COMMUNITY):
        grant_role(user, Role.COMMUNITY_STAFF, region=community)
    count = QUICK_ROWS if quick else ROWS
    rows = _rows(houses, count)
    started = time.perf_counter()
    data = _workbook(rows)
    writing = time.perf_counter() - started
    houses_by_key = {(h.building.code, h.unit.number, h.number): (h.pk, h.region_code) for h in houses}

    bare = _bare(rows, houses_by_key)
    started = time.perf_counter()
    run = importer.import_file(user, ImportKind.PERSONS, data, "bench.xlsx")
    elapsed = time.perf_counter() - started
    assert run.accepted, run.errors[:5]
    assert Person.objects.count() == count
    started = time.perf_counter()
    parsed = importer.read_rows(data, ImportKind.PERSONS)
    reading = time.perf_counter() - started
    assert len(parsed) == count
    started = time.perf_counter()
    again = importer.import_file(user, ImportKind.PERSONS, data, "bench.xlsx")
    reimport = time.perf_counter() - started
    assert again.accepted and again.created == again.updated == 0
    connection.close()
    rate, bare_rate = count / elapsed, count / bare
    return Result(
        name=f"people.import.{database}",
        value=rate,
        unit="rows/s",
        better="higher",
        baseline_name="the same rows with bare Person bulk_create (no file, no validation, no encryption)",
        baseline_value=bare_rate,
        target=TARGET,
        dataset=(
            f"{count:,}-row persons workbook ({len(data) / 1e6:.1f} MB) into demo `small` regions with "
            f"{len(houses):,} houses (built with bulk_create in {build:.1f} s){' (quick run)' if quick else ''}"
        ),
        db=db,
        details={
            "import": f"{elapsed:.1f} s for {count:,} rows ({rate / bare_rate:.0%} of bare bulk_create)",
            "reading the workbook alone, in this process (streaming reader, xlsxread)": f"{reading:.1f} s",
            "re-import of the same file (no changes, idempotent)": f"{reimport:.1f} s ({count / reimport:,.0f} rows/s)",
            "writing the workbook (not timed)": f"{writing:.1f} s",
        },
    )


@benchmark("people.import.sqlite")
def import_sqlite(quick=False):
    return _run("sqlite", quick)


@benchmark("people.import.postgres")
def import_postgres(quick=False):
    return _run("postgres", quick)
