"""Incrementally maintained rollups (see models.py) and their rebuild from scratch.

`case_changed(case)` is the one hook the case actions call after saving a case (in the same
transaction): it recomputes what the case contributes, compares it with the stored `CaseFigure`
and moves the difference in the rollup tables with `INSERT … ON CONFLICT DO UPDATE` increments, so
concurrent actions on different cases never lose an update (actions on the same case are already
serialised by the case row lock).

`rebuild()` recounts everything from the case, event and evaluation tables in SQL, and `check()`
compares the stored rollups with such a full recount (`manage.py rebuild_rollups [--check]`).

The definitions are those of civicgrid.cases.stats (the statistics pages): a case counts in the
cohort of the local day it was reported; 立案 = accepted_at set; 作废/合并 among registered cases;
结案 = status closed; 按期结案 = closed with an on-time closing event; evaluations and satisfied
ones counted per evaluation row; the department is the handling department, the grid worker the
assignee of a case handled at grid level.
"""

from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import Count, DateField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from civicgrid.dashboard.models import COUNTERS, CaseFigure, DayRollup, OpenRollup, OwnerKind, OwnerRollup
from civicgrid.regions.models import Level

ROLLUP_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID)
FIGURE_FIELDS = ("report_day", "close_day", "region_code", "category_id", "department_id", "worker_id", *COUNTERS)


def level_lengths():
    """Code length of each rolled-up level (district … grid), from the configured code widths."""
    from civicgrid.regions.codes import code_length

    return [code_length(level) for level in ROLLUP_LEVELS]


def node_codes(region_code):
    """The region nodes a case at `region_code` counts in: its ancestors down to the grid."""
    return [region_code[:n] for n in level_lengths() if n <= len(region_code)]


# --- One case --------------------------------------------------------------------------------


def figure_for(case, new=False):
    """The CaseFigure `case` should have now (unsaved), read from the case and its rows (`new`: the
    case was just reported, so it has no evaluation to count)."""
    from civicgrid.cases.models import OPEN_STATUSES, CaseEvent, Evaluation, EventType, HandlingLevel, Status

    category = case.category
    registered = int(case.accepted_at is not None)
    closed = int(case.status == Status.CLOSED)
    on_time = 0
    if closed:
        on_time = int(CaseEvent.objects.filter(case_id=case.pk, type=EventType.CLOSED, details__on_time=True).exists())
    if new:
        evaluations = {"n": 0, "ok": 0}
    else:
        evaluations = Evaluation.objects.filter(case_id=case.pk).aggregate(
            n=Count("pk"), ok=Count("pk", filter=Q(satisfied=True))
        )
    tz = timezone.get_current_timezone()
    return CaseFigure(
        case_id=case.pk,
        report_day=timezone.localtime(case.reported_at, tz).date(),
        close_day=timezone.localtime(case.closed_at, tz).date() if closed and case.closed_at else None,
        region_code=case.region_code,
        category_id=category.parent_id or category.pk,
        department_id=case.handling_department_id,
        worker_id=case.assignee_id if case.handling_level == HandlingLevel.GRID else None,
        received=1,
        registered=registered,
        voided=int(registered and case.status == Status.VOIDED),
        merged=int(registered and case.status == Status.MERGED),
        closed=closed,
        closed_on_time=on_time,
        evaluations=evaluations["n"] or 0,
        satisfied=evaluations["ok"] or 0,
        open=int(case.status in OPEN_STATUSES),
    )


def _same(a, b):
    return all(getattr(a, name) == getattr(b, name) for name in FIGURE_FIELDS)


def _contributions(figure, sign, day_rows, owner_rows, open_rows):
    counters = {name: sign * getattr(figure, name) for name in COUNTERS}
    for code in node_codes(figure.region_code):
        day_rows[(code, figure.report_day, figure.category_id)].update(counters)
        if figure.close_day is not None:
            day_rows[(code, figure.close_day, figure.category_id)]["closed_on_day"] += sign
        for kind, owner in ((OwnerKind.DEPARTMENT, figure.department_id), (OwnerKind.WORKER, figure.worker_id)):
            if owner is not None:
                owner_rows[(code, str(kind), figure.report_day, owner)].update(counters)
        if figure.open:
            open_rows[(code, figure.category_id)]["open"] += sign


def on_case_event(event):
    """Subscribed to every case event (civicgrid.cases.events), inside the action's transaction."""
    # A case's first event is its report: it has no figure yet, and nothing to read back.
    case_changed(event.case, reported=getattr(event.row, "seq", None) == 1)


def case_changed(case, reported=False):
    """Move `case`'s contribution in the rollups to its current state. Call inside the action's
    transaction, after the case (and its new event/evaluation) is saved; `reported`: the case was
    just reported (it has no figure and no evaluation yet, so neither is read)."""
    old = None if reported else CaseFigure.objects.select_for_update().filter(case_id=case.pk).first()
    new = figure_for(case, new=reported)
    if old is not None and _same(old, new):
        return
    day_rows, owner_rows, open_rows = defaultdict(Counter), defaultdict(Counter), defaultdict(Counter)
    if old is not None:
        _contributions(old, -1, day_rows, owner_rows, open_rows)
    _contributions(new, 1, day_rows, owner_rows, open_rows)
    _upsert(DayRollup, ("region_code", "day", "category_id"), (*COUNTERS, "closed_on_day"), day_rows)
    _upsert(OwnerRollup, ("region_code", "kind", "day", "owner_id"), COUNTERS, owner_rows)
    _upsert(OpenRollup, ("region_code", "category_id"), ("open",), open_rows)
    new.save(force_insert=old is None, force_update=old is not None)


def _upsert(model, keys, counters, rows):
    rows = [(key, values) for key, values in rows.items() if any(values.values())]
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = [*keys, *counters]
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(qn(k) for k in keys)}) DO UPDATE SET "
        + ", ".join(f"{qn(c)} = {table}.{qn(c)} + EXCLUDED.{qn(c)}" for c in counters)
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*key, *(values.get(c, 0) for c in counters)) for key, values in sorted(rows)])


# --- Full recount ----------------------------------------------------------------------------


def recount_queryset(cases=None):
    """Every case's figure computed in SQL (annotations named f_<figure field>)."""
    from civicgrid.cases.models import OPEN_STATUSES, Case, CaseEvent, Evaluation, EventType, HandlingLevel, Status

    tz = timezone.get_current_timezone()
    cases = Case.objects.all() if cases is None else cases

    def flag(condition):
        return When_(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())

    def count(**filters):
        rows = Evaluation.objects.filter(case=OuterRef("pk"), **filters).order_by().values("case")
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)

    registered = Q(accepted_at__isnull=False)
    return (
        cases.order_by()
        .annotate(
            f_on_time_event=Exists(
                CaseEvent.objects.filter(case=OuterRef("pk"), type=EventType.CLOSED, details__on_time=True)
            )
        )
        .annotate(
            f_case=F("pk"),
            f_report_day=TruncDate("reported_at", tzinfo=tz),
            f_close_day=When_(
                When(Q(status=Status.CLOSED, closed_at__isnull=False), then=TruncDate("closed_at", tzinfo=tz)),
                default=None,
                output_field=DateField(),
            ),
            f_region_code=F("region_code"),
            f_category_id=Coalesce("category__parent_id", "category_id"),
            f_department_id=F("handling_department_id"),
            f_worker_id=When_(
                When(handling_level=HandlingLevel.GRID, then=F("assignee_id")),
                default=None,
                output_field=IntegerField(),
            ),
            f_received=Value(1, output_field=IntegerField()),
            f_registered=flag(registered),
            f_voided=flag(registered & Q(status=Status.VOIDED)),
            f_merged=flag(registered & Q(status=Status.MERGED)),
            f_closed=flag(Q(status=Status.CLOSED)),
            f_closed_on_time=flag(Q(status=Status.CLOSED, f_on_time_event=True)),
            f_evaluations=count(),
            f_satisfied=count(satisfied=True),
            f_open=flag(Q(status__in=OPEN_STATUSES)),
        )
        .values("f_case", *(f"f_{name}" for name in FIGURE_FIELDS))
    )


RECOUNT_TABLE = "dashboard_recount"


def _source(prefix):
    """(FROM clause, params) of the per-case figures: the stored CaseFigure table, or (prefix
    "f_") the temporary table `check()` fills with a fresh recount."""
    if prefix:
        return f"{RECOUNT_TABLE} src", ()
    return f"{connection.ops.quote_name(CaseFigure._meta.db_table)} src", ()


def _aggregates(prefix=""):
    """{model: [(SELECT sql, params), …]} computing every rollup row from the per-case figures."""
    source, params = _source(prefix)
    p = prefix

    def sums(names):
        return ", ".join(f"SUM({p}{name}) AS {name}" for name in names)

    day, owner, opened = [], [], []
    for n in level_lengths():
        code = f"SUBSTR({p}region_code, 1, {n})"
        where = f"LENGTH({p}region_code) >= {n}"
        zero = ", ".join(f"0 AS {name}" for name in COUNTERS)
        day.append(
            (
                f"SELECT region_code, day, category_id, {', '.join(f'SUM({c}) AS {c}' for c in COUNTERS)}, "
                f"SUM(closed_on_day) AS closed_on_day FROM ("
                f"SELECT {code} AS region_code, {p}report_day AS day, {p}category_id AS category_id, "
                f"{', '.join(f'{p}{c} AS {c}' for c in COUNTERS)}, 0 AS closed_on_day FROM {source} WHERE {where} "
                f"UNION ALL SELECT {code} AS region_code, {p}close_day AS day, {p}category_id AS category_id, {zero}, "
                f"1 AS closed_on_day FROM {source} WHERE {where} AND {p}close_day IS NOT NULL"
                f") u GROUP BY region_code, day, category_id",
                [*params, *params],
            )
        )
        for kind, column in ((OwnerKind.DEPARTMENT, "department_id"), (OwnerKind.WORKER, "worker_id")):
            owner.append(
                (
                    f"SELECT {code} AS region_code, '{kind.value}' AS kind, {p}report_day AS day, "
                    f"{p}{column} AS owner_id, {sums(COUNTERS)} FROM {source} "
                    f"WHERE {where} AND {p}{column} IS NOT NULL GROUP BY {code}, {p}report_day, {p}{column}",
                    list(params),
                )
            )
        opened.append(
            (
                f"SELECT {code} AS region_code, {p}category_id AS category_id, SUM({p}open) AS open FROM {source} "
                f"WHERE {where} AND {p}open > 0 GROUP BY {code}, {p}category_id",
                list(params),
            )
        )
    return {DayRollup: day, OwnerRollup: owner, OpenRollup: opened}


COLUMNS = {
    DayRollup: ("region_code", "day", "category_id", *COUNTERS, "closed_on_day"),
    OwnerRollup: ("region_code", "kind", "day", "owner_id", *COUNTERS),
    OpenRollup: ("region_code", "category_id", "open"),
}


def rebuild():
    """Recount every rollup from scratch. Returns {table: rows}."""
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (DayRollup, OwnerRollup, OpenRollup, CaseFigure):
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
        sql, params = recount_queryset().query.sql_with_params()
        columns = ["case_id", *FIGURE_FIELDS]
        cursor.execute(
            f"INSERT INTO {qn(CaseFigure._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
            f"SELECT f_case, {', '.join(f'f_{c}' for c in FIGURE_FIELDS)} FROM ({sql}) src",
            params,
        )
        for model, queries in _aggregates().items():
            columns = ", ".join(qn(c) for c in COLUMNS[model])
            for select, params in queries:
                cursor.execute(
                    f"INSERT INTO {qn(model._meta.db_table)} ({columns}) SELECT {columns} FROM ({select}) agg",
                    params,
                )
    return {model._meta.model_name: model.objects.count() for model in (CaseFigure, *COLUMNS)}


def check():
    """Compare the stored rollups with a full recount from the cases, events and evaluations (the
    recount of every case goes into a temporary table once, then is aggregated like the rebuild).
    Returns {table: differing rows} (rows on one side only or with other counts; all-zero stored
    rows are ignored)."""
    qn = connection.ops.quote_name
    differences = {}
    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = recount_queryset().query.sql_with_params()
        cursor.execute(f"DROP TABLE IF EXISTS {RECOUNT_TABLE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {RECOUNT_TABLE} AS {sql}", params)
        for model, queries in _aggregates(prefix="f_").items():
            counters = [c for c in COLUMNS[model] if c in (*COUNTERS, "closed_on_day")]
            columns = ", ".join(qn(c) for c in COLUMNS[model])
            recount_sql = " UNION ALL ".join(f"SELECT {columns} FROM ({q}) agg{i}" for i, (q, _p) in enumerate(queries))
            nonzero = " OR ".join(f"{qn(c)} <> 0" for c in counters)
            stored = f"SELECT {columns} FROM {qn(model._meta.db_table)} WHERE {nonzero}"
            recount = f"SELECT {columns} FROM ({recount_sql}) r WHERE {nonzero}"
            cursor.execute(f"SELECT COUNT(*) FROM ({stored} EXCEPT {recount}) a")
            missing = cursor.fetchone()[0]
            cursor.execute(f"SELECT COUNT(*) FROM ({recount} EXCEPT {stored}) b")
            extra = cursor.fetchone()[0]
            differences[model._meta.model_name] = missing + extra
        cursor.execute(f"DROP TABLE {RECOUNT_TABLE}")
    return differences
