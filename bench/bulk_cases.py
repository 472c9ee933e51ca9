"""Millions of cases in minutes, for benchmarks and scale tests.

The demo (civicgrid/cases/demo.py) plays every case through the real action functions, which is
exact but costs ~0.1 s a case. Benchmarks need a street with a million cases and a district with two
million, so this module writes the same rows directly with `bulk_create`, in batches:

- statuses in a realistic mix (most cases closed; the open ones recent, with their running step's
  working-time window computed by the same deadline code the actions use, so lights are right);
- case numbers taken from the yearly sequence (CaseNumberSequence is advanced, so cases reported
  afterwards through the actions continue the numbering);
- places spread over the district's micro-grids, with their grid, community and street cached as
  the actions cache them; the lead handling unit and handler by the category's default level;
- evaluations for closed cases (≈ 99 % satisfied);
- each case's event chain, hash-linked exactly as the actions' `_append_event` does
  (civicgrid.cases.actions.common): `history="full"` writes every step (reported → accepted → dispatched → signed → fed back → verified → closed →
  evaluated), `history="report"` only the first event (a tenth of the rows, for the biggest
  datasets). Either way `verify_case_chain` passes.

Nothing here is used by the product's pages or actions (it lives with the benchmarks, not in the
domain package): it only fills databases.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.cases import deadlines
from civicgrid.cases.actions.common import jsonable_details
from civicgrid.cases.demo import TEMPLATES
from civicgrid.cases.models import (
    GENESIS_HASH,
    Case,
    CaseEvent,
    CaseNumberSequence,
    Category,
    Evaluation,
    EventType,
    HandlingLevel,
    Source,
    Status,
    Step,
)
from civicgrid.core.worktime import default_calendar
from civicgrid.regions.models import Department, Level, Region

# Share of each final status (the rest is CLOSED). Open cases are reported in the last OPEN_DAYS.
STATUS_MIX = {
    Status.REPORTED: 0.006,
    Status.REGISTERED: 0.006,
    Status.DISPATCHED: 0.008,
    Status.HANDLING: 0.03,
    Status.HANDLED: 0.01,
    Status.VERIFIED: 0.005,
    Status.SUSPENDED: 0.003,
    Status.REJECTED: 0.01,
    Status.VOIDED: 0.004,
}
OPEN_DAYS = 20
SATISFIED_SHARE = 0.993
SOURCES = ([Source.RESIDENT, Source.GRID_PHOTO, Source.HOTLINE, Source.STAFF_ENTRY], [55, 20, 15, 10])

# The steps a case passes through to reach each status: (event, status after it).
PATHS = {
    Status.REPORTED: [],
    Status.REJECTED: [(EventType.REJECTED, Status.REJECTED)],
    Status.REGISTERED: [(EventType.ACCEPTED, Status.REGISTERED)],
    Status.VOIDED: [(EventType.ACCEPTED, Status.REGISTERED), (EventType.VOIDED, Status.VOIDED)],
    Status.DISPATCHED: [(EventType.ACCEPTED, Status.REGISTERED), (EventType.DISPATCHED, Status.DISPATCHED)],
}
PATHS[Status.HANDLING] = [*PATHS[Status.DISPATCHED], (EventType.SIGNED, Status.HANDLING)]
PATHS[Status.SUSPENDED] = [*PATHS[Status.HANDLING], (EventType.SUSPENDED, Status.SUSPENDED)]
PATHS[Status.HANDLED] = [*PATHS[Status.HANDLING], (EventType.FED_BACK, Status.HANDLED)]
PATHS[Status.VERIFIED] = [*PATHS[Status.HANDLED], (EventType.VERIFIED, Status.VERIFIED)]
PATHS[Status.CLOSED] = [*PATHS[Status.VERIFIED], (EventType.CLOSED, Status.CLOSED)]
# The step whose clock runs in each open status.
RUNNING_STEP = {
    Status.REPORTED: Step.INTAKE,
    Status.REGISTERED: Step.DISPATCH,
    Status.DISPATCHED: Step.HANDLE,
    Status.HANDLING: Step.HANDLE,
    Status.HANDLED: Step.VERIFY,
    Status.VERIFIED: Step.VERIFY,
}
# Hours between consecutive steps: (low, high).
STEP_HOURS = [(0.1, 1.5), (0.1, 1.0), (0.1, 1.0), (1.0, 30.0), (0.5, 6.0), (0.2, 3.0)]
TIMESTAMP_OF = {
    EventType.ACCEPTED: "accepted_at",
    EventType.DISPATCHED: "dispatched_at",
    EventType.SIGNED: "signed_at",
    EventType.FED_BACK: "handled_at",
    EventType.CLOSED: "closed_at",
}


@dataclass
class Place:
    code: str
    grid_id: int
    community_id: int
    street_id: int
    lon: float
    lat: float
    address: str


def _places(district):
    nodes = {
        r.pk: r
        for r in Region.objects.subtree(district)
        .filter(is_active=True)
        .only("pk", "parent_id", "level", "code", "name", "centroid_lon", "centroid_lat")
    }
    places = []
    for node in sorted(nodes.values(), key=lambda n: n.code):
        if node.level != Level.MICROGRID or node.centroid_lon is None:
            continue
        grid = nodes[node.parent_id]
        community = nodes[grid.parent_id]
        street = nodes[community.parent_id]
        places.append(
            Place(node.code, grid.pk, community.pk, street.pk, node.centroid_lon, node.centroid_lat, community.name)
        )
    if not places:
        raise ValueError(f"{district} has no micro-grids with boundaries to place cases in")
    return places


def _people():
    """(role, region or department id) → user ids, from the active role assignments."""
    people = defaultdict(list)
    for role, region_id, department_id, user_id in RoleAssignment.objects.active().values_list(
        "role", "region_id", "department_id", "user_id"
    ):
        people[(role, department_id or region_id)].append(user_id)
    return people


class _Numbers:
    """Case numbers from the yearly sequence, saved back at the end."""

    def __init__(self):
        self.last = dict(CaseNumberSequence.objects.values_list("year", "last"))

    def next(self, at):
        year = timezone.localtime(at).year
        self.last[year] = self.last.get(year, 0) + 1
        return f"{year}-{self.last[year]:06d}"

    def save(self):
        for year, last in self.last.items():
            CaseNumberSequence.objects.update_or_create(year=year, defaults={"last": last})


def _event(case, seq, event_type, actor_id, at, from_status, to_status, prev_hash, details=None):
    event = CaseEvent(
        case=case,
        seq=seq,
        type=event_type,
        actor_id=actor_id,
        actor_role="",
        from_status=from_status,
        to_status=to_status,
        note="",
        details=jsonable_details(details),
        created_at=at,
        prev_hash=prev_hash,
    )
    event.hash = event.compute_hash()
    return event


class _Generator:
    def __init__(self, district, seed, days, now, history):
        self.rng = random.Random(f"bulk-{seed}")
        self.now = now
        self.days = days
        self.history = history
        self.places = _places(district)
        self.people = _people()
        self.calendar = default_calendar()
        categories = {c.code: c for c in Category.objects.selectable().select_related("parent", "default_department")}
        templates = [t for t in TEMPLATES if t[0] in categories]
        self.templates = [(categories[t[0]], t[2], t[3]) for t in templates]
        self.template_weights = [t[1] for t in templates]
        departments = list(Department.objects.filter(is_active=True))
        self.department_of_kind = {d.kind: d.pk for d in departments}
        self.numbers = _Numbers()
        statuses = list(STATUS_MIX)
        self.statuses = [*statuses, Status.CLOSED]
        self.status_weights = [*STATUS_MIX.values(), 1 - sum(STATUS_MIX.values())]

    def _reported_at(self, status):
        newest = OPEN_DAYS if status in RUNNING_STEP or status == Status.SUSPENDED else self.days
        oldest = 0 if status in RUNNING_STEP or status == Status.SUSPENDED else 3
        day = timezone.localtime(self.now).date() - timedelta(days=self.rng.randint(oldest, max(newest, oldest)))
        at = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
        at += timedelta(hours=self.rng.uniform(7.5, 19.5))
        return min(at, self.now - timedelta(hours=2))

    def _handler(self, case, category):
        level = category.default_level or (category.parent.default_level if category.parent_id else "")
        level = level or HandlingLevel.GRID
        department_id = None
        if level == HandlingLevel.DEPARTMENT:
            department_id = category.default_department_id or self.department_of_kind.get(
                category.effective_department_kind
            )
            if department_id is None:
                level = HandlingLevel.STREET
        case.handling_level = level
        case.handling_department_id = department_id
        key = {
            HandlingLevel.GRID: (Role.GRID_WORKER, case.grid_id),
            HandlingLevel.COMMUNITY: (Role.COMMUNITY_STAFF, case.community_id),
            HandlingLevel.STREET: (Role.STREET_STAFF, case.street_id),
            HandlingLevel.DEPARTMENT: (Role.DEPARTMENT_STAFF, department_id),
        }[level]
        users = self.people.get(key)
        return users[0] if users else None

    def case(self):
        rng = self.rng
        status = rng.choices(self.statuses, self.status_weights)[0]
        category, descriptions, suffixes = rng.choices(self.templates, self.template_weights)[0]
        place = rng.choice(self.places)
        reported_at = self._reported_at(status)
        residents = self.people.get((Role.RESIDENT, place.community_id)) or [None]
        source = rng.choices(*SOURCES)[0]
        case = Case(
            number=self.numbers.next(reported_at),
            title=f"{category.name}：{place.address}{rng.choice(suffixes)}"[:100],
            description=rng.choice(descriptions),
            category=category,
            source=source,
            reporter_id=rng.choice(residents) if source != Source.HOTLINE else None,
            lon=round(place.lon + rng.uniform(-2e-5, 2e-5), 6),
            lat=round(place.lat + rng.uniform(-2e-5, 2e-5), 6),
            address=f"{place.address}{rng.choice(suffixes)}",
            grid_id=place.grid_id,
            community_id=place.community_id,
            street_id=place.street_id,
            region_code=place.code,
            status=status,
            reported_at=reported_at,
        )
        handler = self._handler(case, category)
        at = reported_at
        path = PATHS[status]
        case._path = []
        for (event_type, to_status), (low, high) in zip(path, STEP_HOURS, strict=False):
            at = min(at + timedelta(hours=rng.uniform(low, high)), self.now - timedelta(minutes=30))
            case._path.append((event_type, to_status, at))
            if event_type in TIMESTAMP_OF:
                setattr(case, TIMESTAMP_OF[event_type], at)
        if status in (Status.DISPATCHED, Status.HANDLING, Status.HANDLED, Status.VERIFIED, Status.SUSPENDED):
            case.assignee_id = handler if status != Status.DISPATCHED else None
        elif status == Status.CLOSED:
            case.assignee_id = handler
        case.updated_at = at
        step = RUNNING_STEP.get(status)
        if step is not None:
            value, unit = category.limit(step)
            started = case._path[-1][2] if case._path else reported_at
            window = deadlines.window_for_limit(started, value, unit, self.calendar)
            case.step = step
            case.step_limit, case.step_limit_unit = value, unit
            case.step_started_at, case.step_due_at = window.started_at, window.due_at
            case.step_warn_at, case.step_red_at, case.step_seconds = window.warn_at, window.red_at, window.seconds
        if status == Status.SUSPENDED:
            case.suspended_from, case.suspended_at = Status.HANDLING, at
        case._evaluation = None
        if status == Status.CLOSED:
            satisfied = rng.random() < SATISFIED_SHARE
            score = rng.choice((4, 5, 5, 5)) if satisfied else rng.choice((1, 2))
            case._evaluation = (score, satisfied, min(at + timedelta(hours=rng.uniform(1, 48)), self.now))
        return case

    def events(self, case):
        events = [
            _event(case, 1, EventType.REPORTED, case.reporter_id, case.reported_at, "", Status.REPORTED, GENESIS_HASH)
        ]
        if self.history == "full":
            from_status = Status.REPORTED
            for event_type, to_status, at in case._path:
                events.append(
                    _event(case, len(events) + 1, event_type, None, at, from_status, to_status, events[-1].hash)
                )
                from_status = to_status
            if case._evaluation is not None:
                score, satisfied, at = case._evaluation
                details = {"score": score, "satisfied": satisfied, "round": 0}
                events.append(
                    _event(
                        case,
                        len(events) + 1,
                        EventType.EVALUATED,
                        case.reporter_id,
                        at,
                        "",
                        "",
                        events[-1].hash,
                        details,
                    )
                )
        case.event_count, case.head_hash = len(events), events[-1].hash
        return events


def generate_cases(count, *, district, seed=2026, days=365, now=None, batch_size=5000, history="report", stdout=None):
    """Write `count` cases over `district`'s micro-grids, reported over the last `days` days.

    Deterministic for a given seed, `now` and database (regions, categories, users). Each batch is
    one transaction. Returns the number of cases written.
    """
    if history not in ("full", "report"):
        raise ValueError("history is 'full' or 'report'")
    generator = _Generator(district, seed, days, now or timezone.now(), history)
    # Ids are given here rather than by the database: the event hashes cover the case id, so the
    # chains can be built before the rows are written (no second pass over the cases).
    next_id = (Case.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    written = 0
    while written < count:
        size = min(batch_size, count - written)
        with transaction.atomic():
            cases, events = [], []
            for _ in range(size):
                case = generator.case()
                case.pk, next_id = next_id, next_id + 1
                events.extend(generator.events(case))
                cases.append(case)
            Case.objects.bulk_create(cases, batch_size=1000)
            CaseEvent.objects.bulk_create(events, batch_size=2000)
            Evaluation.objects.bulk_create(
                [
                    Evaluation(
                        case=case,
                        score=case._evaluation[0],
                        satisfied=case._evaluation[1],
                        evaluator_id=case.reporter_id,
                        on_behalf=case.reporter_id is None,
                        created_at=case._evaluation[2],
                    )
                    for case in cases
                    if case._evaluation is not None
                ],
                batch_size=2000,
            )
            generator.numbers.save()
        written += size
        if stdout is not None:
            stdout.write(f"  {written:,} / {count:,} cases")
    _reset_id_sequence()
    return written


def _reset_id_sequence():
    """Let the database's own id sequence continue after the ids given here (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Case])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
