"""Demo cases: a district's last five months of cases, in every status, written through the real
action functions (report, accept, dispatch, sign, feedback, verify, close, evaluate, and the side
branches), so the hash chain, the working-time deadlines and the lights are exactly what the
product makes. About a third of the reports carry a generated photo, stored through the same
upload checks as a resident's (uploads.report_with_attachments). The actions' clock
(`civicgrid.core.clock.now`) is moved to each step's simulated time.

Two steps:

1. `plan_cases(places, scale, seed, now)` draws every case (category, description, place,
   reporter kind, final status, step delays, satisfaction) from the seed alone: the same seed and
   `now` give the same plan.
2. `seed_cases(district, scale, seed, now)` seeds the staff and residents the plan needs (in the
   pattern of accounts/demo.py: bulk-created with one precomputed password hash) and plays the plan
   through the actions, oldest case first, with notifications muted (a demo load must not fill the
   inboxes with ~100,000 messages).

The rates echo the seed article (Erqi: 17,182 cases received, 17,154 closed ≈ 99.8 %; satisfaction
≈ 99.3 %): at every scale 28 cases are left in the other statuses, spread over all of them.
"""

import io
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from civicgrid.accounts.demo import DEMO_PASSWORD, person_name, save_assignments
from civicgrid.accounts.models import Role, RoleAssignment, User
from civicgrid.cases import actions, uploads
from civicgrid.cases.models import Category, HandlingLevel, Source, Status
from civicgrid.core import clock as core_clock
from civicgrid.core import events
from civicgrid.regions.models import Department, Level, Region

CASE_COUNTS = {"small": 300, "district": 6000, "erqi": 17182}
# Final statuses of the cases that are not closed (28 at every scale, as in the seed's figures).
OTHER_STATUSES = {
    Status.REPORTED: 3,
    Status.REGISTERED: 3,
    Status.DISPATCHED: 3,
    Status.HANDLING: 4,
    Status.PROJECT: 2,
    Status.HANDLED: 3,
    Status.VERIFIED: 3,
    Status.SUSPENDED: 2,
    Status.REJECTED: 2,
    Status.VOIDED: 2,
    Status.MERGED: 1,
}
SATISFACTION = 0.993
# The published demo resident (README): their newest closed report is left for them to rate.
DEMO_RESIDENT = "jumin"
# Statuses a case's handling has ended in.
ENDED = (Status.CLOSED, Status.REJECTED, Status.VOIDED, Status.MERGED)
# Share of reports that come with a photo, and how many different generated pictures there are.
PHOTO_SHARE = 0.3
PHOTO_VARIANTS = 12
HISTORY_DAYS = 150
RESIDENTS_PER_COMMUNITY = 4

# (category code, weight, descriptions, address suffixes)
TEMPLATES = [
    (
        "06004",
        10,
        [
            "小区门口垃圾堆放多日无人清理，气味很大。",
            "路边积存建筑渣土，一直没人清运。",
            "小区后门堆了一堆生活垃圾，招苍蝇。",
        ],
        ["小区门口", "后门", "路口东侧"],
    ),
    ("06005", 8, ["垃圾箱满溢，垃圾散落一地。", "分类垃圾桶满了两天没人清运。"], ["垃圾站", "公交站旁", "菜市场门口"]),
    (
        "01008",
        7,
        ["路灯不亮，晚上出行很不方便。", "这一段路灯一闪一闪的，已经坏了一周。"],
        ["人行道", "主干道", "十字路口"],
    ),
    (
        "01002",
        5,
        ["井盖松动，车辆压过去哐哐响。", "污水井盖破损，有行人踩空的危险。"],
        ["机动车道", "人行道", "小区入口"],
    ),
    ("01001", 3, ["自来水井盖缺失，已经用砖头临时挡住。"], ["路口", "人行道"]),
    (
        "09006",
        8,
        ["早市占道经营，堵住了一半车道。", "商贩占道摆摊，行人只能走机动车道。"],
        ["农贸市场", "学校门口", "路口"],
    ),
    ("09002", 5, ["饭店把桌椅摆到人行道上经营。", "商铺店外经营，货物堆到盲道上。"], ["沿街商铺", "美食街"]),
    ("09004", 6, ["机动车乱停放，堵住了消防通道。", "车辆长期停在人行道上。"], ["小区门口", "医院附近"]),
    (
        "S05001",
        10,
        ["楼道堆放杂物，纸箱旧家具挡住了通道。", "楼道里堆满了废品，存在消防隐患。"],
        ["单元楼道", "地下室"],
    ),
    ("S02001", 7, ["楼上深夜噪音扰民，影响休息。", "广场舞音响声音太大，晚上十点还没停。"], ["住宅楼", "小游园"]),
    (
        "S04002",
        5,
        ["有人从楼上拉电线给电动车充电，很危险。", "电动车在楼道里充电，存在火灾隐患。"],
        ["单元门口", "楼道"],
    ),
    ("S04001", 4, ["消防通道被杂物和车辆堵塞。"], ["小区消防通道"]),
    ("S01002", 4, ["电梯经常故障停运，老人上下楼困难。"], ["住宅楼"]),
    ("S06001", 4, ["小区里的照明灯坏了，晚上一片漆黑。"], ["小区内道路", "楼栋之间"]),
    ("S06003", 3, ["小区下水道堵塞，污水漫到路面上。"], ["小区内道路", "单元门口"]),
    ("07002", 4, ["电线杆和墙上贴满了非法小广告。"], ["公交站", "小区围墙"]),
    ("06010", 3, ["绿化带里有暴露垃圾，风一吹到处都是。"], ["绿化带", "河道边"]),
    ("08001", 3, ["工地夜间施工噪音很大，影响附近居民休息。"], ["在建工地旁"]),
    ("10005", 2, ["下雨后道路积水严重，车辆无法通行。"], ["下穿通道", "低洼路段"]),
    ("02005", 3, ["人行道板破损翘起，老人容易绊倒。"], ["人行道"]),
    ("S03002", 2, ["独居老人家里多日没有动静，请社区上门看看。"], ["老旧小区"]),
]
FEEDBACK_NOTES = ["已现场处置完毕。", "已安排人员清理，现场恢复整洁。", "已维修完成。", "已劝离并教育，现场已规范。"]
COMMENTS_GOOD = ["处理很及时，谢谢！", "满意，办得快。", "现场已经弄好了，点赞。", ""]
COMMENTS_BAD = ["处理得不彻底，过两天又这样了。", "等得太久了。"]


@dataclass
class CaseSpec:
    category: str
    description: str
    address_suffix: str
    microgrid: str  # region code of the micro-grid (or grid) the point lies in
    jitter: tuple
    source: str
    status: str
    reported_at: object
    delays: list = field(default_factory=list)  # hours between consecutive steps
    satisfied: bool = True
    score: int = 5
    comment: str = ""
    rework: bool = False
    supervise: bool = False
    photo: int | None = None  # which generated photo goes with the report, if any


def _reported_at(rng, now, min_age_days, max_age_days):
    day = timezone.localtime(now).date() - timedelta(days=rng.randint(min_age_days, max_age_days))
    while day.weekday() >= 5 and rng.random() < 0.6:  # fewer reports at weekends
        day -= timedelta(days=1)
    at = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    at += timedelta(hours=rng.uniform(7.5, 19.5))
    return min(at, now - timedelta(hours=12))


def plan_cases(leaves, scale="small", seed=2026, now=None):
    """The cases to create, oldest first. `leaves`: region codes of the micro-grids (sorted)."""
    rng = random.Random(f"cases-{seed}")
    now = now or timezone.now()
    total = CASE_COUNTS[scale]
    statuses = [s for s, n in OTHER_STATUSES.items() for _ in range(n)]
    statuses += [Status.CLOSED] * (total - len(statuses))
    rng.shuffle(statuses)
    weights = [t[1] for t in TEMPLATES]
    closed = statuses.count(Status.CLOSED)
    unhappy = set(rng.sample(range(closed), round(closed * (1 - SATISFACTION))))
    specs, closed_seen = [], 0
    for status in statuses:
        code, _weight, descriptions, suffixes = rng.choices(TEMPLATES, weights)[0]
        source = rng.choices(
            [Source.RESIDENT, Source.GRID_PHOTO, Source.HOTLINE, Source.STAFF_ENTRY], [55, 20, 15, 10]
        )[0]
        if status == Status.CLOSED:
            reported_at = _reported_at(rng, now, 8, HISTORY_DAYS)
        elif status in (Status.REJECTED, Status.VOIDED):
            reported_at = _reported_at(rng, now, 3, HISTORY_DAYS)
        else:
            reported_at = _reported_at(rng, now, 1, 3)
        spec = CaseSpec(
            category=code,
            description=rng.choice(descriptions),
            address_suffix=rng.choice(suffixes),
            microgrid=rng.choice(leaves),
            jitter=(rng.uniform(-1, 1) * 2e-5, rng.uniform(-1, 1) * 2e-5),
            source=source,
            status=status,
            reported_at=reported_at,
            # accept, dispatch, sign, feedback, verify, close, evaluate (hours after the previous step)
            delays=[
                rng.uniform(0.1, 1.5),
                rng.uniform(0.1, 1.0),
                rng.uniform(0.1, 1.0),
                rng.uniform(1.0, 30.0),
                rng.uniform(0.5, 6.0),
                rng.uniform(0.2, 3.0),
                rng.uniform(1.0, 48.0),
            ],
            rework=rng.random() < 0.02,
            supervise=rng.random() < 0.02,
            photo=rng.randrange(PHOTO_VARIANTS) if rng.random() < PHOTO_SHARE else None,
        )
        if status == Status.CLOSED:
            if closed_seen in unhappy:
                spec.satisfied, spec.score, spec.comment = False, rng.choice((1, 2)), rng.choice(COMMENTS_BAD)
            else:
                spec.score, spec.comment = rng.choice((4, 5, 5, 5)), rng.choice(COMMENTS_GOOD)
            closed_seen += 1
        specs.append(spec)
    specs.sort(key=lambda s: s.reported_at)
    return specs


def demo_photo(variant):
    """A generated street-scene JPEG (buildings against the sky, a marked spot), one per variant;
    the real upload checks (content sniffing, EXIF stripping, thumbnail) run on it as on any photo."""
    from PIL import Image, ImageDraw

    rng = random.Random(f"photo-{variant}")
    image = Image.new("RGB", (640, 480), (135, 170 + rng.randint(0, 40), 215))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill=(120 + rng.randint(0, 30), 120, 115))
    x = 0
    while x < 640:
        width, height = rng.randint(60, 140), rng.randint(120, 300)
        shade = rng.randint(150, 220)
        draw.rectangle((x, 330 - height, x + width, 330), fill=(shade, shade - 20, shade - 40))
        for wy in range(330 - height + 15, 320, 30):
            for wx in range(x + 10, x + width - 15, 25):
                draw.rectangle((wx, wy, wx + 12, wy + 16), fill=(90, 110, 140))
        x += width + rng.randint(5, 30)
    cx, cy = rng.randint(120, 520), rng.randint(360, 440)
    draw.ellipse((cx - 40, cy - 25, cx + 40, cy + 25), outline=(220, 40, 40), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"demo-{variant}.jpg", buffer.getvalue(), content_type="image/jpeg")


# --- People ---------------------------------------------------------------------------------


class People:
    """Who acts where: one account per unit and role, and residents per community."""

    def __init__(self, district):
        self.by_role = {}
        rows = RoleAssignment.objects.active().select_related("user", "region", "department")
        for a in rows.order_by("granted_at", "pk"):
            key = (a.role, a.department_id if a.department_id else a.region_id)
            self.by_role.setdefault(key, []).append(a.user)
        self.operator = self.first(Role.COMMAND_OPERATOR, district.pk)

    def first(self, role, target_id):
        users = self.by_role.get((role, target_id))
        return users[0] if users else None

    def all(self, role, target_id):
        return self.by_role.get((role, target_id), [])


def seed_people(district, rng):
    """Add a street, community and grid account wherever a unit has none, staff for every department,
    and RESIDENTS_PER_COMMUNITY residents per community. Returns the number of users created."""
    password_hash = make_password(DEMO_PASSWORD)
    have = {
        (role, target)
        for role, target in RoleAssignment.objects.active().values_list("role", "region__code")
        if target is not None
    }
    have_departments = set(
        RoleAssignment.objects.active().filter(role=Role.DEPARTMENT_STAFF).values_list("department_id", flat=True)
    )
    users, assignments = [], []

    def add(username, role, region=None, department=None):
        # 135… numbers: the accounts demo uses 136–139 and 138 prefixes.
        phone = f"135{len(users) + 1:08d}"
        user = User(username=username, phone=phone, name=person_name(rng), password=password_hash)
        users.append(user)
        assignments.append(RoleAssignment(user=user, role=role, region=region, department=department))

    nodes = Region.objects.filter(code__startswith=district.code, is_active=True).order_by("code")
    for node in nodes.filter(level__in=[Level.STREET, Level.COMMUNITY, Level.GRID]):
        role = {Level.STREET: Role.STREET_STAFF, Level.COMMUNITY: Role.COMMUNITY_STAFF, Level.GRID: Role.GRID_WORKER}[
            node.level
        ]
        if (role, node.code) not in have:
            add(f"demo_{role}_{node.code}", role, region=node)
        if node.level == Level.COMMUNITY:
            for i in range(1, RESIDENTS_PER_COMMUNITY + 1):
                add(f"demo_jm_{node.code}_{i}", Role.RESIDENT, region=node)
    for department in Department.objects.filter(is_active=True).order_by("code"):
        if department.pk not in have_departments:
            add(f"demo_bm_{department.code}", Role.DEPARTMENT_STAFF, department=department)
    User.objects.bulk_create(users, batch_size=1000)
    save_assignments(assignments)
    return len(users)


# --- Playing the plan through the actions ---------------------------------------------------


class Clock:
    def __init__(self, at):
        self.at = at

    def advance(self, hours):
        self.at += timedelta(hours=hours)
        return self.at

    def __call__(self):
        return self.at


def _dispatcher(people, case, level):
    if level in (HandlingLevel.STREET, HandlingLevel.DEPARTMENT):
        return people.first(Role.STREET_STAFF, case.street_id) or people.operator
    return people.first(Role.COMMUNITY_STAFF, case.community_id) or people.operator


def _handler(people, case):
    level = case.handling_level
    if level == HandlingLevel.DEPARTMENT:
        return people.first(Role.DEPARTMENT_STAFF, case.handling_department_id)
    region_id = {HandlingLevel.GRID: case.grid_id, HandlingLevel.COMMUNITY: case.community_id}.get(
        level, case.street_id
    )
    role = {HandlingLevel.GRID: Role.GRID_WORKER, HandlingLevel.COMMUNITY: Role.COMMUNITY_STAFF}.get(
        level, Role.STREET_STAFF
    )
    return people.first(role, region_id)


def _report(spec, people, nodes, clock, rng):
    node = nodes[spec.microgrid]
    community_id = node.community_id
    residents = people.all(Role.RESIDENT, community_id)
    grid_worker = people.first(Role.GRID_WORKER, node.grid_id)
    kwargs = {}
    source = spec.source
    if source == Source.GRID_PHOTO and grid_worker is not None:
        user = grid_worker
    elif source == Source.HOTLINE:
        user = people.operator
        kwargs = {"caller_name": person_name(rng), "caller_phone": f"1{rng.randint(3000000000, 9999999999)}"}
    elif source == Source.STAFF_ENTRY and residents:
        user, kwargs = people.first(Role.COMMUNITY_STAFF, community_id), {"reporter": rng.choice(residents)}
    else:
        source, user = Source.RESIDENT, rng.choice(residents)
        # The published demo resident always has a report still being handled (docs/api.md follows
        # it), whatever the day: which resident the draw picks depends on the weekday of `now`.
        if spec.status not in ENDED and not nodes.get("demo_resident_open"):
            demo = next((r for r in residents if r.username == DEMO_RESIDENT), None)
            if demo is not None:
                user, nodes["demo_resident_open"] = demo, True
    clock.at = spec.reported_at
    if spec.photo is not None:
        kwargs["photos"] = [demo_photo(spec.photo)]
    return uploads.report_with_attachments(
        user,
        category=nodes["categories"][spec.category],
        description=spec.description,
        source=source,
        lon=round(node.centroid_lon + spec.jitter[0], 6),
        lat=round(node.centroid_lat + spec.jitter[1], 6),
        address=f"{node.community_name}{spec.address_suffix}",
        region=node.region,
        **kwargs,
    ).case


def _play(spec, people, nodes, clock, rng, now, waiting):
    """Drive one case to `spec.status` through the actions, each step at its simulated time."""
    case = _report(spec, people, nodes, clock, rng)
    d = spec.delays
    if spec.status == Status.REPORTED:
        return case
    dispatcher = _dispatcher(people, case, HandlingLevel.COMMUNITY)
    clock.advance(d[0])
    if spec.status == Status.REJECTED:
        return actions.reject_case(
            case, dispatcher, version=case.version, reason="经核实，该事项不属于本平台受理范围。"
        )
    case = actions.accept_case(case, dispatcher, version=case.version)
    if spec.status == Status.REGISTERED or spec.status == Status.MERGED:
        return case
    if spec.status == Status.VOIDED:
        clock.advance(d[1])
        case = actions.request_void(case, dispatcher, version=case.version, reason="经现场核实为虚假上报。")
        clock.advance(d[2])
        senior = people.first(Role.STREET_STAFF, case.street_id) or people.operator
        return actions.approve_void(case, senior, version=case.version, note="同意作废。")
    level = case.handling_level
    if level == HandlingLevel.DEPARTMENT and case.handling_department_id is None:
        level = HandlingLevel.STREET
    clock.advance(d[1])
    case = actions.dispatch_case(
        case,
        _dispatcher(people, case, level),
        version=case.version,
        level=level,
        department=case.handling_department if level == HandlingLevel.DEPARTMENT else None,
    )
    if spec.status == Status.DISPATCHED:
        return case
    handler = _handler(people, case)
    clock.advance(d[2])
    case = actions.sign_case(case, handler, version=case.version)
    if spec.supervise and level in (HandlingLevel.GRID, HandlingLevel.COMMUNITY):
        clock.advance(d[3] / 3)
        supervisor = people.first(Role.STREET_STAFF, case.street_id)
        if supervisor is not None:
            case = actions.supervise_case(case, supervisor, version=case.version, note="请加快处置，尽快反馈。")
    if spec.status == Status.HANDLING:
        return case
    if spec.status == Status.SUSPENDED:
        senior = people.first(Role.STREET_STAFF, case.street_id) or people.operator
        clock.advance(d[3] / 2)
        return actions.suspend_case(case, senior, version=case.version, reason="需协调多部门联合处置，暂时挂账。")
    if spec.status == Status.PROJECT:
        clock.advance(d[3] / 2)
        today = timezone.localtime(clock.at).date()
        return actions.convert_to_project(
            case,
            _dispatcher(people, case, level),
            version=case.version,
            title=f"{case.category.name}综合整治",
            milestones=[("现场勘查", today + timedelta(days=7)), ("整治完成", today + timedelta(days=30))],
        )
    clock.advance(d[3])
    case = actions.feedback_case(case, handler, version=case.version, note=rng.choice(FEEDBACK_NOTES))
    if spec.status == Status.HANDLED:
        return case
    verifier = people.first(Role.GRID_WORKER, case.grid_id)
    if verifier is None or verifier.pk == case.assignee_id:
        verifier = _dispatcher(people, case, HandlingLevel.COMMUNITY)
    clock.advance(d[4])
    if spec.rework:
        case = actions.verify_case(case, verifier, version=case.version, passed=False, note="现场仍未清理干净。")
        clock.advance(d[3] / 2)
        case = actions.feedback_case(case, handler, version=case.version, note="已再次清理，现场整洁。")
        clock.advance(d[4])
    case = actions.verify_case(case, verifier, version=case.version, passed=True)
    if spec.status == Status.VERIFIED:
        return case
    clock.advance(d[5])
    closer = _dispatcher(people, case, HandlingLevel.COMMUNITY)
    case = actions.close_case(case, closer, version=case.version)
    evaluate_at = clock.at + timedelta(hours=d[6])
    if evaluate_at < now:
        rater = case.reporter if case.reporter_id else closer
        # The demo resident's newest closed report and the newest closed 12345 order wait for their
        # rating (docs/api.md rates them): the one kept before is rated now, at its own time.
        queue = "resident" if rater.username == DEMO_RESIDENT else "hotline" if case.source == Source.HOTLINE else ""
        if queue:
            _rate_waiting(clock, waiting.pop(queue, None))
            waiting[queue] = {"case": case, "at": evaluate_at, "spec": spec, "rater": rater}
            return case
        clock.at = evaluate_at
        case = actions.evaluate_case(
            case, rater, version=case.version, score=spec.score, satisfied=spec.satisfied, comment=spec.comment
        )
    return case


def _rate_waiting(clock, waiting):
    """Rate the report kept waiting (if any) at its own time; the clock comes back afterwards."""
    if not waiting:
        return
    back, spec, case = clock.at, waiting["spec"], waiting["case"]
    clock.at = waiting["at"]
    case.refresh_from_db()
    actions.evaluate_case(
        case, waiting["rater"], version=case.version, score=spec.score, satisfied=spec.satisfied, comment=spec.comment
    )
    clock.at = back


@dataclass
class Leaf:
    region: Region
    grid_id: int | None
    community_id: int | None
    community_name: str
    centroid_lon: float
    centroid_lat: float


def _leaf_index(district):
    nodes = list(Region.objects.filter(code__startswith=district.code, is_active=True))
    by_pk = {n.pk: n for n in nodes}
    leaves = {}
    for node in sorted(nodes, key=lambda n: n.code):
        if node.level != Level.MICROGRID or node.centroid_lon is None:
            continue
        grid = by_pk.get(node.parent_id)
        community = by_pk.get(grid.parent_id) if grid else None
        leaves[node.code] = Leaf(
            node,
            grid.pk if grid else None,
            community.pk if community else None,
            community.name if community else "",
            node.centroid_lon,
            node.centroid_lat,
        )
    return leaves


def seed_cases(district, scale="small", seed=2026, now=None, stdout=None):
    """Seed people and the planned cases. Returns (number of cases, seconds taken)."""
    started = time.monotonic()
    now = now or timezone.now()
    rng = random.Random(f"people-{seed}")
    with transaction.atomic():
        seed_people(district, rng)
    people = People(district)
    leaves = _leaf_index(district)
    nodes = dict(leaves)
    nodes["categories"] = {c.code: c for c in Category.objects.select_related("parent")}
    specs = plan_cases(sorted(leaves), scale, seed, now)
    clock = Clock(now)
    merged, open_cases, waiting = [], [], {}
    play_rng = random.Random(f"play-{seed}")
    with (
        mock.patch.object(core_clock, "now", clock),
        events.quiet(),  # history: nobody is notified of it
        override_settings(CASES_RESIDENT_REPORTS_PER_HOUR=0, CASES_RESIDENT_REPORTS_PER_DAY=0),
        transaction.atomic(),
    ):
        for i, spec in enumerate(specs, start=1):
            case = _play(spec, people, nodes, clock, play_rng, now, waiting)
            if spec.status == Status.MERGED:
                merged.append(case)
            elif case.status not in (Status.CLOSED, Status.REJECTED, Status.VOIDED):
                open_cases.append(case)
            if stdout is not None and i % 2000 == 0:
                stdout.write(f"  {i} cases…")
        # Duplicates are merged last, into an open case of the same category where there is one.
        for case in merged:
            target = next((c for c in open_cases if c.category_id == case.category_id), None) or open_cases[-1]
            clock.at = max(case.reported_at, target.reported_at) + timedelta(hours=1)
            clock.at = min(clock.at, now)
            actions.merge_duplicate(case, target, people.operator, version=case.version, note="与已有案件重复。")
    return len(specs), time.monotonic() - started


def seed_demo(run):
    """Seeder (civicgrid.core.demo): cases in every state (manages its own transactions)."""
    cases, seconds = seed_cases(run.made["district"], run.scale, run.seed, stdout=run.stdout)
    return f"cases: {cases} ({seconds:.1f}s)"
