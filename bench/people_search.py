"""people.search_p95.sqlite / people.search_p95.postgres: the person search page with ~500,000
persons in the database.

Data: the demo `district` regions (≈ Yanji: 6 streets, 78 communities, 600 grids) and its base data
from `civicgrid.people.demo.seed_people` (6,000 buildings, ≈ 190,000 houses, ≈ 500,000 persons with
encrypted ID numbers and phones, tags), written with bulk_create.

Measured: the whole page (Django test client: middleware, restricted queryset, keyed-hash look-up or
name-prefix search, tags, template) for a street official and a grid worker, searching by a surname,
a full name, a phone number and an ID number (values drawn from persons in their scope); p95 over
all requests, in milliseconds.

Baseline, in the same run and process: the same requests before the persons were written (what the
page costs with nothing to find).
"""

import random
import statistics
import time

from bench.common import Result, benchmark, collect_static, percentile, seconds, setup_django
from bench.people_import import _keys

SEED = 2026
ROUNDS, QUICK_ROUNDS = 5, 2
QUICK_GRIDS = 30
TARGET = "p95 ≤ 50 ms over 500,000 persons"


def _queries(user, rng, count=10):
    from civicgrid.people import protection
    from civicgrid.people.models import Person

    sample = list(Person.objects.restrict(user, "view").filter(house__isnull=False).order_by("?")[:count])
    queries = []
    for person in sample:
        queries.append(person.name[:1])
        queries.append(person.name)
        if person.phone_enc:
            queries.append(protection.decrypt(person.phone_enc))
        queries.append(protection.decrypt(person.id_number_enc))
    rng.shuffle(queries)
    return queries


def _measure(client, url, queries, rounds):
    timings = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            response = client.get(url, {"q": query})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    return timings


def _run(database, quick):
    _keys()
    db = setup_django(f"people_search_{database}", database)
    collect_static()
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from civicgrid.accounts.models import Role
    from civicgrid.people.demo import seed_people
    from civicgrid.people.models import Person
    from civicgrid.regions.demo import seed_regions
    from civicgrid.regions.models import Level, Region
    from civicgrid.testing import make_user

    started = time.perf_counter()
    with transaction.atomic():
        district = seed_regions("district", SEED)
    regions_seconds = time.perf_counter() - started
    street = Region.objects.filter(level=Level.STREET).order_by("code").first()
    grid = Region.objects.filter(level=Level.GRID, code__startswith=street.code).order_by("code").first()
    users = [make_user("jiedao", Role.STREET_STAFF, street), make_user("wangge", Role.GRID_WORKER, grid)]
    url = reverse("people:search")
    clients = []
    for user in users:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        clients.append(client)
    rng = random.Random(SEED)
    empty_queries = ["王", "王伟", "13800138000", "222401195001010011"]
    for client in clients:
        _measure(client, url, empty_queries, 1)
    empty = [t for client in clients for t in _measure(client, url, empty_queries, 3)]

    grids = None
    if quick:
        grids = list(Region.objects.filter(level=Level.GRID).order_by("code")[:QUICK_GRIDS])
    generation = seconds(lambda: transaction.atomic()(seed_people)(district, "district", SEED, grids=grids))
    analyse = seconds(lambda: connection.cursor().execute("ANALYZE"))
    total = Person.objects.count()
    rounds = QUICK_ROUNDS if quick else ROUNDS
    timings, by_kind = [], {}
    for user, client in zip(users, clients, strict=True):
        queries = _queries(user, rng)
        _measure(client, url, queries, 1)
        for query in queries:
            kind = (
                "id" if len(query) == 18 else "phone" if query.isdigit() else "surname" if len(query) == 1 else "name"
            )
            these = _measure(client, url, [query], rounds)
            by_kind.setdefault(f"{user.username}/{kind}", []).extend(these)
            timings.extend(these)
    in_street = Person.objects.filter(region_code__startswith=street.code).count()
    connection.close()
    p95 = percentile(timings, 0.95)
    return Result(
        name=f"people.search_p95.{database}",
        value=p95,
        unit="ms",
        better="lower",
        baseline_name="the same page before the persons were written (empty database)",
        baseline_value=percentile(empty, 0.95),
        target=TARGET,
        dataset=(
            f"demo `district` regions (seed {SEED}) + {total:,} persons from people.demo "
            f"({'first ' + str(QUICK_GRIDS) + ' grids only, quick run' if quick else 'all 600 grids'}); "
            f"street official ({in_street:,} persons in scope) and grid worker; surname, full name, phone and "
            f"ID-number searches × {rounds} rounds, p95 of {len(timings)} requests"
        ),
        db=db,
        details={
            "p50": f"{statistics.median(timings):.1f} ms",
            "p50 per user/kind": ", ".join(f"{k} {statistics.median(v):.0f} ms" for k, v in sorted(by_kind.items())),
            "building the data": f"regions {regions_seconds:.0f} s, people {generation:.0f} s "
            f"({total / generation:,.0f} persons/s), ANALYZE {analyse:.1f} s",
        },
    )


@benchmark("people.search_p95.sqlite")
def search_sqlite(quick=False):
    return _run("sqlite", quick)


@benchmark("people.search_p95.postgres")
def search_postgres(quick=False):
    return _run("postgres", quick)
