"""Demo grid work: for the demo district's grid workers, a month of patrols (tracks inside their grid,
most days about the 2-hour norm, some short), key places with check-ins, a few findings (随手拍)
filed on patrol; household visits, some under a community's plan for elderly living alone; one
finished and one running door-to-door task with forms filled for part of their targets.

Everything but the key places (which have no action: supervisors keep them in the admin) is played
through the app's actions at its simulated time (`clock.now` moved, as the cases seeder does), so
the events the scoring seeder scores are the real ones. Runs after people (50) and cases (40):
the cases seeder makes one grid worker per grid and the community and street staff.

Idempotent: every patrol, visit and form carries a `demo-…` key, and a district that has the demo's
patrols already gets nothing more."""

import math
import random
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.prepared import prep

from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.core import clock, events
from civicgrid.gridwork import actions
from civicgrid.gridwork.models import KeyPlace, Patrol, Target, VisitPlan
from civicgrid.regions.models import Level, Region

DAYS = 30
MAX_WORKERS = 40  # the larger demo scales: the first grids' workers, so the seeder stays quick
STEP_SECONDS = 60  # one position a minute
WALK_MPS = 1.1
METRES_PER_DEGREE = 111_195.0
PLACE_NAMES = ["小区东门", "垃圾分类站", "消防通道", "地下车库入口", "社区广场", "电动车充电棚"]
FINDINGS = [
    ("06004", "巡格发现小区门口堆放建筑垃圾，已拍照上报。"),
    ("06005", "巡格发现垃圾箱满溢，垃圾散落路面。"),
]
VISIT_NOTES = {
    "routine": ["家中情况正常，已宣传防诈骗知识。", "住户反映楼道灯已修好，无其他诉求。"],
    "verify": ["核实常住人口信息，与登记一致。", "核实房屋用途，仍为自住。"],
    "policy": ["宣传冬季用电用气安全。", "宣传医保缴费政策。"],
    "care": ["老人身体尚好，提醒注意保暖。", "老人独自在家，已确认紧急联系人电话。", "帮老人检查了燃气阀门。"],
}
DONE_FIELDS = [
    {"label": "燃气报警器", "type": "choice", "required": True, "choices": ["已安装", "未安装"]},
    {"label": "燃气软管", "type": "choice", "required": True, "choices": ["正常", "老化需更换"]},
    {"label": "备注", "type": "text", "required": False},
]
OPEN_FIELDS = [
    {"label": "身体状况", "type": "choice", "required": True, "choices": ["良好", "一般", "较差"]},
    {"label": "取暖方式", "type": "choice", "required": True, "choices": ["集中供暖", "电暖器", "燃气壁挂炉", "其他"]},
    {"label": "紧急联系人已核实", "type": "choice", "required": True, "choices": ["是", "否"]},
    {"label": "备注", "type": "text", "required": False},
]


@contextmanager
def _at(moment):
    with mock.patch.object(clock, "now", lambda: moment):
        yield


class _Area:
    """A grid's shape, for drawing positions inside it."""

    def __init__(self, grid, rng):
        self.rng = rng
        self.lat0 = grid.centroid_lat or 34.75
        self.lng0 = grid.centroid_lon or 113.62
        polygon = None
        try:
            polygon = shape(grid.boundary) if grid.boundary else None
        except (ValueError, TypeError, AttributeError, KeyError):
            polygon = None
        if polygon is None or polygon.is_empty:
            polygon = Point(self.lng0, self.lat0).buffer(0.002)
        self.polygon = polygon
        self.inside = prep(polygon)
        self.bounds = polygon.bounds

    def point(self):
        west, south, east, north = self.bounds
        for _try in range(50):
            lng, lat = self.rng.uniform(west, east), self.rng.uniform(south, north)
            if self.inside.contains(Point(lng, lat)):
                return lat, lng
        centre = self.polygon.representative_point()
        return centre.y, centre.x


def _walk(area, start, minutes, stops):
    """Positions, one a minute, walking between random points of the grid; `stops` (places) are
    passed on the way. Returns ([(at, lat, lng)], {place: at reached})."""
    rng = area.rng
    kx = METRES_PER_DEGREE * math.cos(math.radians(area.lat0))
    lat, lng = area.point()
    goals = list(stops)
    reached, track = {}, [(start, lat, lng)]
    goal = None
    step = WALK_MPS * STEP_SECONDS
    for minute in range(1, minutes + 1):
        if goal is None:
            goal = goals.pop(0) if goals and rng.random() < 0.35 else area.point()
        glat, glng = (goal.lat, goal.lng) if isinstance(goal, KeyPlace) else goal
        dy, dx = (glat - lat) * METRES_PER_DEGREE, (glng - lng) * kx
        distance = math.hypot(dx, dy)
        at = start + timedelta(seconds=minute * STEP_SECONDS + rng.randint(-5, 5))
        if distance <= step:
            lat, lng = glat, glng
            if isinstance(goal, KeyPlace):
                reached[goal] = at
            goal = None
        else:
            lat += dy / distance * step / METRES_PER_DEGREE
            lng += dx / distance * step / kx
        track.append((at, lat, lng))
    return track, reached


def _workers(code):
    rows = (
        RoleAssignment.objects.active()
        .filter(role=Role.GRID_WORKER, region__level=Level.GRID, region__code__startswith=code)
        .select_related("user", "region")
        .order_by("region__code", "pk")
    )
    seen, workers = set(), []
    for row in rows:
        if row.region_id not in seen:
            seen.add(row.region_id)
            workers.append((row.user, row.region))
    return workers[:MAX_WORKERS]


def _staff(role, region):
    row = RoleAssignment.objects.active().filter(role=role, region=region).select_related("user").order_by("pk").first()
    return row.user if row else None


def _key_places(grid, area, rng):
    places = []
    for name in rng.sample(PLACE_NAMES, 3):
        lat, lng = area.point()
        places.append(
            KeyPlace.objects.create(grid=grid, region_code=grid.code, name=name, lat=lat, lng=lng, radius_m=60)
        )
    return places


def _patrols(user, grid, area, places, days, rng, categories, findings_left):
    made = checkins = findings = 0
    for day in days:
        if rng.random() < 0.15:  # a day off
            continue
        short = rng.random() < 0.2
        minutes = rng.randint(30, 80) if short else rng.randint(110, 135)
        start = day.replace(hour=rng.randint(8, 15), minute=rng.randint(0, 59))
        stops = rng.sample(places, rng.randint(0, len(places))) if places else []
        track, reached = _walk(area, start, minutes, stops)
        end = track[-1][0]
        key = f"demo-{grid.code}-{start:%Y%m%d}"
        with _at(start):
            patrol = actions.start_patrol(user, grid_id=grid.pk, key=key)
        points = [
            {"seq": seq, "at": at.isoformat(), "lat": lat, "lng": lng, "accuracy": 8}
            for seq, (at, lat, lng) in enumerate(track, start=1)
        ]
        with _at(end):
            actions.add_points(user, patrol.pk, points)
        for place, at in reached.items():
            with _at(at):
                actions.check_in(user, patrol.pk, place.pk, place.lat, place.lng)
            checkins += 1
        if findings < findings_left and categories and rng.random() < 0.08:
            at, lat, lng = track[len(track) // 2]
            code, text = rng.choice(FINDINGS)
            category = categories.get(code) or next(iter(categories.values()))
            with _at(at):
                actions.report_finding(
                    user, patrol.pk, category=category, description=text, lat=lat, lng=lng, key=f"{key}-f"
                )
            findings += 1
        with _at(end + timedelta(minutes=1)):
            actions.end_patrol(user, patrol.pk)
        made += 1
    return made, checkins, findings


def _visits(user, grid, days, rng, plan):
    from civicgrid.people.models import House, Person

    houses = list(House.objects.filter(region_code__startswith=grid.code).order_by("pk").values_list("pk", flat=True))
    elderly = list(
        Person.objects.filter(
            region_code__startswith=grid.code,
            moved_out_at__isnull=True,
            house__isnull=False,
            person_tags__tag__code="elderly_alone",
        )
        .order_by("pk")
        .values_list("pk", "house_id")
        .distinct()[:2]
    )
    made = 0
    for index, day in enumerate(days):
        if plan is not None and index % 7 == 3:  # the weekly round of the elderly living alone
            for person_id, house_id in elderly:
                with _at(day.replace(hour=rng.randint(9, 11), minute=rng.randint(0, 59))):
                    actions.log_visit(
                        user,
                        house_id,
                        purpose="care",
                        person_id=person_id,
                        notes=rng.choice(VISIT_NOTES["care"]),
                        key=f"demo-v-{person_id}-{day:%Y%m%d}",
                    )
                made += 1
        if houses and rng.random() < 0.3:
            house_id = rng.choice(houses)
            purpose = rng.choice(["routine", "verify", "policy"])
            with _at(day.replace(hour=rng.randint(14, 17), minute=rng.randint(0, 59))):
                actions.log_visit(
                    user,
                    house_id,
                    purpose=purpose,
                    notes=rng.choice(VISIT_NOTES[purpose]),
                    key=f"demo-h-{house_id}-{day:%Y%m%d}",
                )
            made += 1
    return made


def _plans(communities, start):
    plans = {}
    for community in communities:
        staff = _staff(Role.COMMUNITY_STAFF, community)
        if staff is None:
            continue
        with _at(start):
            plans[community.pk] = actions.save_plan(
                staff, VisitPlan(), name="独居老人每周走访", region=community, tag_code="elderly_alone", every_days=7
            )
    return plans


def _fill(task, workers, share, cap, start, end, rng, answer):
    """Fill `share` of each worker's targets of the task (at most `cap` each) between start and end."""
    filled = 0
    span = max(int((end - start).total_seconds()), 60)
    for user, grid in workers:
        targets = list(
            Target.objects.filter(task=task, grid_code=grid.code).order_by("pk").values_list("pk", flat=True)
        )
        for target_id in targets[: min(cap, int(len(targets) * share))]:
            with _at(start + timedelta(seconds=rng.randint(60, span))):
                actions.submit_form(user, target_id, answer(rng), key=f"demo-t-{target_id}")
            filled += 1
    return filled


def _tasks(street, communities, workers, now, rng):
    staff = _staff(Role.STREET_STAFF, street)
    if staff is None or not communities:
        return 0, 0
    community = communities[0]
    # Finished: the gas-safety round of one community's houses, closed at its deadline.
    created = now - timedelta(days=26)
    deadline = now - timedelta(days=12)
    with _at(created):
        done = actions.create_task(
            staff,
            title="冬季燃气安全入户排查",
            description="逐户检查燃气报警器和软管，发现隐患当场告知住户。",
            region=community,
            fields=DONE_FIELDS,
            target_kind="houses",
            deadline=deadline,
        )
    mine = [(u, g) for u, g in workers if g.code.startswith(community.code)]
    filled = _fill(
        done,
        mine,
        0.8,
        25,
        created,
        deadline,
        rng,
        lambda r: {"f1": r.choice(["已安装", "已安装", "未安装"]), "f2": r.choice(["正常", "正常", "老化需更换"])},
    )
    with _at(deadline):
        actions.close_task(staff, done.pk)
    # Running: the street's elderly living alone, before the cold wave; part of the forms filled.
    created = now - timedelta(days=5)
    with _at(created):
        running = actions.create_task(
            staff,
            title="寒潮前独居老人安全摸排",
            description="了解独居老人的身体状况和取暖方式，核实紧急联系人。",
            region=street,
            fields=OPEN_FIELDS,
            target_kind="persons",
            tag_code="elderly_alone",
            deadline=now + timedelta(days=9),
        )
    filled += _fill(
        running,
        [(u, g) for u, g in workers if g.code.startswith(street.code)],
        0.4,
        10,
        created,
        now - timedelta(hours=1),
        rng,
        lambda r: {"f1": r.choice(["良好", "一般", "较差"]), "f2": r.choice(["集中供暖", "电暖器"]), "f3": "是"},
    )
    return 2, filled


def seed_demo(run):
    district = run.made.get("district")
    code = district.code if district is not None else ""
    if Patrol.objects.filter(region_code__startswith=code, client_key__startswith="demo-").exists():
        return "gridwork: the demo's grid work is there already"
    workers = _workers(code)
    if not workers:
        return "gridwork: no grid workers"
    rng = random.Random(f"gridwork-{run.seed}")
    from civicgrid.cases.models import Category

    categories = {c.code: c for c in Category.objects.filter(code__in=[f[0] for f in FINDINGS])}
    now = timezone.localtime().replace(second=0, microsecond=0)
    today = now.replace(hour=0, minute=0)
    days = [today - timedelta(days=n) for n in range(DAYS, 0, -1)]
    grid_ids = [grid.parent_id for _user, grid in workers]
    communities = list(Region.objects.filter(pk__in=set(grid_ids), level=Level.COMMUNITY).order_by("code"))
    totals = dict.fromkeys(("patrols", "checkins", "findings", "visits", "tasks", "forms", "places"), 0)
    with events.quiet():  # history: nobody is notified of it; scoring listens in the transaction
        plans = _plans(communities, today - timedelta(days=DAYS + 5))
        for user, grid in workers:
            area = _Area(grid, rng)
            places = _key_places(grid, area, rng)
            totals["places"] += len(places)
            patrols, checkins, findings = _patrols(
                user, grid, area, places, days, rng, categories, max(0, 6 - totals["findings"])
            )
            totals["patrols"] += patrols
            totals["checkins"] += checkins
            totals["findings"] += findings
            totals["visits"] += _visits(user, grid, days, rng, plans.get(grid.parent_id))
        street = Region.objects.filter(pk=communities[0].parent_id).first() if communities else None
        if street is not None:
            street_communities = [c for c in communities if c.parent_id == street.pk]
            totals["tasks"], totals["forms"] = _tasks(street, street_communities, workers, now, rng)
    return "gridwork: " + ", ".join(f"{n} {name}" for name, n in totals.items())
