"""services.nearby_p95: the shops near a resident's home (便民服务), ms per lookup at the 95th
percentile, on 10,000 enterprises.

Data: the test district (civicgrid.testing.build_tree: 1 district, 2 streets, 4 communities, 8 grids,
16 micro-grids over about 7 × 7 km) with 10,000 enterprises, each in a building of its own at a
uniform random position; 300 homes at uniform random positions; a walking distance of 1,000 m.

Ours: `services.selectors.shops_near` — a bounding box in SQL over the buildings' positions, then
the exact (haversine) distance in Python for the rows inside it, nearest first.
Baseline, in the same run on the same homes: every enterprise with a position loaded and measured
(no box), the same answer. Both must give the same shops, or the benchmark fails.
"""

import os
import random
import time

from bench.common import Result, benchmark, percentile, pin_to_one_core, setup_django

SEED = 2026
ENTERPRISES = 10_000
HOMES, QUICK_HOMES = 300, 60
WALK = 1000


@benchmark("services.nearby_p95")
def run(quick=False):
    db = setup_django("services_nearby")
    pin_to_one_core()
    from civicgrid.people.models import Building, Enterprise
    from civicgrid.services import selectors
    from civicgrid.testing import DISTRICT_BOX, build_tree

    rng = random.Random(SEED)
    tree = build_tree()
    grids = [node for key, node in tree.items() if len(key) == 6]  # "S1C1G1"
    x0, y0, x1, y1 = DISTRICT_BOX
    buildings = [
        Building(
            code=f"E{i:05d}",
            name=f"{i}号",
            grid=grids[i % len(grids)],
            region_code=grids[i % len(grids)].code,
            lon=rng.uniform(x0, x1),
            lat=rng.uniform(y0, y1),
        )
        for i in range(ENTERPRISES)
    ]
    Building.objects.bulk_create(buildings, batch_size=1000)
    Enterprise.objects.bulk_create(
        [
            Enterprise(name=f"商户{i}", grid=b.grid, region_code=b.region_code, building=b, industry="零售")
            for i, b in enumerate(buildings)
        ],
        batch_size=1000,
    )
    homes = [(rng.uniform(x0, x1), rng.uniform(y0, y1)) for _ in range(QUICK_HOMES if quick else HOMES)]

    def everything(lon, lat):
        rows = Enterprise.objects.filter(building__lon__isnull=False).values("name", "building__lon", "building__lat")
        near = []
        for row in rows:
            d = selectors.distance_m(lon, lat, row["building__lon"], row["building__lat"])
            if d <= WALK:
                near.append((round(d), row["name"]))
        return sorted(near)

    ours_ms, baseline_ms, found = [], [], []
    for lon, lat in homes:
        started = time.perf_counter()
        shops = selectors.shops_near(lon, lat, WALK)
        ours_ms.append((time.perf_counter() - started) * 1000)
        found.append(len(shops))
    for lon, lat in homes[:60]:
        started = time.perf_counter()
        answer = everything(lon, lat)
        baseline_ms.append((time.perf_counter() - started) * 1000)
        assert answer == [(s["distance"], s["name"]) for s in selectors.shops_near(lon, lat, WALK)]

    return Result(
        name="services.nearby_p95",
        value=percentile(ours_ms, 0.95),
        unit="ms",
        better="lower",
        baseline_name="every enterprise loaded and measured (no bounding box)",
        baseline_value=percentile(baseline_ms, 0.95),
        target="≤ 50 ms",
        dataset=(
            f"the test district with {ENTERPRISES:,} enterprises in buildings at uniform random positions "
            f"(seed {SEED}); {len(homes)} homes, {WALK} m walking distance; baseline on the first 60 homes"
            f"{' (quick run)' if quick else ''}"
        ),
        db=db,
        details={
            "median ms": round(percentile(ours_ms, 0.5), 2),
            "shops found per home (median)": sorted(found)[len(found) // 2],
            "baseline median ms": round(percentile(baseline_ms, 0.5), 2),
            # The machine is shared: the load during the run says how much the figures are worth.
            "load average (1 min) at the end": round(os.getloadavg()[0], 1),
        },
    )
