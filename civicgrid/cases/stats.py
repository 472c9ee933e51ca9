"""Case statistics (CJ/T 292 indicators; formulas in docs/statistics.md).

A cohort is the set of cases *reported* in the period, in the user's scope, in a group (a child
region, a department, a grid worker, or a day/month of the trend). Counts come from the cases'
own columns and from their typed events (`details.on_time` written by the actions), aggregated
in SQL by group: a fixed, small number of queries whatever the number of cases. Only the average
handling time walks the closed cases in Python (working time needs the calendar).
"""

from collections import defaultdict
from dataclasses import dataclass, field, fields

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth

from civicgrid.cases.models import Case, CaseEvent, Evaluation, EventType, Status
from civicgrid.core.worktime import default_calendar

AVERAGE_SAMPLE_LIMIT = 20000


def _rate(numerator, denominator):
    return round(numerator / denominator, 4) if denominator else None


@dataclass
class Indicators:
    received: int = 0  # 上报数
    registered: int = 0  # 立案数
    voided: int = 0  # 作废数 (of registered cases)
    merged: int = 0  # 合并数 (registered cases merged as duplicates)
    closed: int = 0  # 结案数
    closed_on_time: int = 0  # 按期结案数
    accepted_events: int = 0
    accepted_on_time: int = 0
    dispatch_due: int = 0  # 应派遣数
    dispatched_on_time: int = 0
    handled: int = 0  # 处置数 (feedback events)
    handled_on_time: int = 0
    verifications: int = 0  # 应核实数 (verification decisions)
    verified_on_time: int = 0
    rework: int = 0  # 返工数
    escalations: int = 0
    supervisions: int = 0
    extensions: int = 0
    evaluations: int = 0
    satisfied: int = 0
    handling_seconds: float = 0.0
    handling_samples: int = 0
    label: str = ""
    key: object = None
    extra: dict = field(default_factory=dict)

    def add(self, other):
        for f in fields(self):
            if f.name not in ("label", "key", "extra"):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def due_to_close(self):  # 应结案数 = 立案数 − 作废数 − 合并数
        return max(self.registered - self.voided - self.merged, 0)

    @property
    def closure_rate(self):  # 结案率
        return _rate(self.closed, self.due_to_close)

    @property
    def on_time_closure_rate(self):  # 按期结案率
        return _rate(self.closed_on_time, self.due_to_close)

    @property
    def on_time_registration_rate(self):  # 按时立案率
        return _rate(self.accepted_on_time, self.accepted_events)

    @property
    def accurate_registration_rate(self):  # 准确立案率
        return _rate(self.registered - self.voided, self.registered)

    @property
    def on_time_dispatch_rate(self):  # 按时派遣率
        return _rate(self.dispatched_on_time, self.dispatch_due)

    @property
    def accurate_dispatch_rate(self):  # 准确派遣率
        return _rate(max(self.dispatch_due - self.rework, 0), self.dispatch_due)

    @property
    def on_time_handling_rate(self):  # 按时处置率
        return _rate(self.handled_on_time, self.handled)

    @property
    def rework_rate(self):  # 返工率
        return _rate(self.rework, self.handled)

    @property
    def on_time_verification_rate(self):  # 按时核实率
        return _rate(self.verified_on_time, self.verifications)

    @property
    def satisfaction_rate(self):  # 满意率
        return _rate(self.satisfied, self.evaluations)

    @property
    def percents(self):
        """Every rate as text for the pages ("99.88%", or "—" without a denominator)."""
        return {name: "—" if (value := getattr(self, name)) is None else f"{value * 100:.2f}%" for name in RATES}

    @property
    def average_handling_hours(self):  # 平均处置时长（工作时）
        return round(self.handling_seconds / self.handling_samples / 3600, 2) if self.handling_samples else None


RATES = (
    "closure_rate",
    "on_time_closure_rate",
    "on_time_registration_rate",
    "accurate_registration_rate",
    "on_time_dispatch_rate",
    "accurate_dispatch_rate",
    "on_time_handling_rate",
    "rework_rate",
    "on_time_verification_rate",
    "satisfaction_rate",
)

ON_TIME = Q(details__on_time=True)
EVENT_FIELDS = {
    EventType.ACCEPTED: ("accepted_events", "accepted_on_time"),
    EventType.FED_BACK: ("handled", "handled_on_time"),
    EventType.VERIFIED: ("verifications", "verified_on_time"),
    EventType.REWORK: ("verifications", "verified_on_time"),
}


def cohort(user, start, end):
    """Cases in the user's scope reported in [start, end)."""
    return Case.objects.restrict(user, "view").filter(reported_at__gte=start, reported_at__lt=end)


def compute(cases, key, calendar=None):
    """{group key: Indicators} for `cases`, grouped by the expression or field name `key`."""
    calendar = calendar or default_calendar()
    groups = defaultdict(Indicators)
    key_expr = F(key) if isinstance(key, str) else key
    case_rows = (
        cases.annotate(group=key_expr)
        .values("group")
        .annotate(
            received=Count("pk"),
            registered=Count("pk", filter=Q(accepted_at__isnull=False)),
            voided=Count("pk", filter=Q(accepted_at__isnull=False, status=Status.VOIDED)),
            merged=Count("pk", filter=Q(accepted_at__isnull=False, status=Status.MERGED)),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
            rework=Sum("rework_count"),
            escalations=Sum("escalation_count"),
            supervisions=Sum("supervise_count"),
            extensions=Sum("extension_count"),
        )
        .order_by()
    )
    for row in case_rows:
        g = groups[row.pop("group")]
        for name, value in row.items():
            setattr(g, name, value or 0)

    event_key = F(f"case__{key}") if isinstance(key, str) else _prefix(key, "case__")
    events = (
        CaseEvent.objects.filter(case__in=cases.values("pk"))
        .filter(
            type__in=[
                EventType.ACCEPTED,
                EventType.DISPATCHED,
                EventType.FED_BACK,
                EventType.VERIFIED,
                EventType.REWORK,
            ]
        )
        .annotate(group=event_key)
        .values("group", "type")
        .annotate(
            n=Count("pk"),
            on=Count("pk", filter=ON_TIME),
            timed=Count("pk", filter=Q(details__on_time=True) | Q(details__on_time=False)),
        )
        .order_by()
    )
    for row in events:
        g = groups[row["group"]]
        if row["type"] == EventType.DISPATCHED:
            g.dispatch_due += row["timed"]
            g.dispatched_on_time += row["on"]
            continue
        total, on_time = EVENT_FIELDS[row["type"]]
        setattr(g, total, getattr(g, total) + row["n"])
        setattr(g, on_time, getattr(g, on_time) + row["on"])

    # 按期结案: closed cases whose (latest) closing event was on time.
    closed_on_time = (
        CaseEvent.objects.filter(case__in=cases.filter(status=Status.CLOSED).values("pk"), type=EventType.CLOSED)
        .filter(ON_TIME)
        .annotate(group=event_key)
        .values("group")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    for row in closed_on_time:
        groups[row["group"]].closed_on_time = row["n"]

    evaluations = (
        Evaluation.objects.filter(case__in=cases.values("pk"))
        .annotate(group=event_key)
        .values("group")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(satisfied=True)))
        .order_by()
    )
    for row in evaluations:
        g = groups[row["group"]]
        g.evaluations, g.satisfied = row["n"], row["ok"]

    closed = (
        cases.filter(status=Status.CLOSED, closed_at__isnull=False)
        .annotate(group=key_expr)
        .values_list("group", "accepted_at", "reported_at", "closed_at")[:AVERAGE_SAMPLE_LIMIT]
    )
    for group, accepted_at, reported_at, closed_at in closed:
        g = groups[group]
        g.handling_seconds += calendar.working_seconds_between(accepted_at or reported_at, closed_at)
        g.handling_samples += 1
    for group_key, g in groups.items():
        g.key = group_key
    return dict(groups)


def _prefix(expression, prefix):
    """The same Trunc expression over `prefix` + its field (for events/evaluations)."""
    source = expression.source_expressions[0]
    return type(expression)(f"{prefix}{source.name}", tzinfo=getattr(expression, "tzinfo", None))


def total(groups):
    result = Indicators(label="合计")
    for g in groups:
        result.add(g)
    return result


# --- Groupings ---------------------------------------------------------------------------------


def by_region(user, node, children, start, end):
    """One row per child of `node` (cases directly on `node` itself fold into no child and are
    only in the total)."""
    per_code = compute(cohort(user, start, end).filter(region_code__startswith=node.code), "region_code")
    rows = []
    for child in children:
        row = Indicators(label=child.name, key=child.code)
        for code, g in per_code.items():
            if code and code.startswith(child.code):
                row.add(g)
        rows.append(row)
    return rows, total(per_code.values())


def by_department(user, start, end):
    from civicgrid.regions.models import Department

    per = compute(cohort(user, start, end).filter(handling_department__isnull=False), "handling_department_id")
    names = dict(Department.objects.filter(pk__in=list(per)).values_list("pk", "name"))
    rows = []
    for pk, g in sorted(per.items(), key=lambda item: names.get(item[0], "")):
        g.label = names.get(pk, str(pk))
        rows.append(g)
    return rows, total(rows)


def by_worker(user, start, end):
    from django.contrib.auth import get_user_model

    per = compute(cohort(user, start, end).filter(handling_level="grid", assignee__isnull=False), "assignee_id")
    people = {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=list(per))}
    rows = []
    for pk, g in sorted(per.items(), key=lambda item: people.get(item[0], "")):
        g.label = people.get(pk, str(pk))
        rows.append(g)
    return rows, total(rows)


def periods(start_day, end_day, monthly=False):
    """Every day (or the first day of every month) from start_day to end_day inclusive: the axis."""
    from datetime import timedelta

    keys, day = [], start_day.replace(day=1) if monthly else start_day
    while day <= end_day:
        keys.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1) if monthly else day + timedelta(days=1)
    return keys


def trend(user, start, end, monthly=False):
    """Per day (or month) of the report date: the chart's series, with every day (month) of the
    period on the axis, empty ones included."""
    from datetime import timedelta

    from django.utils import timezone

    trunc = (TruncMonth if monthly else TruncDate)("reported_at", tzinfo=timezone.get_current_timezone())
    per = compute(cohort(user, start, end), trunc)
    by_day = {(k.date() if hasattr(k, "date") else k): g for k, g in per.items() if k is not None}
    first = timezone.localtime(start).date()
    last = timezone.localtime(end - timedelta(microseconds=1)).date()
    rows = []
    for key in periods(first, last, monthly):
        g = by_day.get(key) or Indicators()
        g.label = key.strftime("%Y-%m") if monthly else key.isoformat()
        rows.append(g)
    return rows
