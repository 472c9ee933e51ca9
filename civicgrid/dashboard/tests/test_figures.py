"""Every figure on the screen equals the statistics pages (cases.stats) and the Excel ledger
(cases.export) for the same scope and period, on generated cases plus cases driven through the
real actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bench.bulk_cases import generate_cases
from civicgrid.cases import stats
from civicgrid.cases.export import ledger
from civicgrid.cases.forms.staff import day_start
from civicgrid.cases.models import Status
from civicgrid.dashboard import figures, rollups
from civicgrid.dashboard.models import OwnerKind

FIELDS = ("received", "registered", "due_to_close", "closed", "closed_on_time", "evaluations", "satisfied")
RATES = ("closure_rate", "on_time_closure_rate", "satisfaction_rate")


@pytest.fixture
def generated(cases):
    generate_cases(600, district=cases.tree["D"], seed=11, days=60, batch_size=300, history="full")
    rollups.rebuild()
    return cases


def same(indicator, row):
    for name in (*FIELDS, *RATES):
        assert getattr(indicator, name) == row[name], name


def cohort_bounds(period):
    return day_start(period.start), day_start(period.end + timedelta(days=1))


@pytest.mark.parametrize("days", [1, 7, 30, 90])
def test_screen_equals_statistics_pages(generated, client, days):
    world = generated
    user = world.people.street
    street = world.tree["S1"]
    today = timezone.localdate()
    period = figures.Period(today - timedelta(days=days - 1), today)
    start, end = cohort_bounds(period)
    kids = [world.tree["S1C1"], world.tree["S1C2"]]

    rows, total = stats.by_region(user, street, kids, start, end)
    screen_rows = {r["code"]: r for r in figures.region_rows(street, period, kids)}
    for row in rows:
        same(row, screen_rows[row.key])
    same(total, figures.figures(figures.period_total(street, period)))

    # The same through the HTTP endpoints the page reads.
    client.force_login(user)
    params = {"region": street.code, "from": period.start.isoformat(), "to": period.end.isoformat()}
    summary = client.get(reverse("dashboard:summary"), params).json()
    same(total, summary["period"])
    ranked = {r["code"]: r for r in client.get(reverse("dashboard:rankings"), params).json()["regions"]}
    for row in rows:
        same(row, ranked[row.key])

    # Trend: one point per day, equal to the statistics page's daily series.
    series = {g.key: g for g in stats.trend(user, start, end)}
    trend = client.get(reverse("dashboard:trend"), params).json()
    for label, received, closed in zip(trend["labels"], trend["received"], trend["closed"], strict=True):
        g = series.get(__import__("datetime").date.fromisoformat(label))
        assert (received, closed) == ((g.received, g.closed) if g else (0, 0))


def test_departments_and_workers_equal_statistics_pages(generated):
    world = generated
    user = world.people.operator  # district-wide: the ranking covers the whole district
    district = world.tree["D"]
    today = timezone.localdate()
    period = figures.Period(today - timedelta(days=29), today)
    start, end = cohort_bounds(period)
    for kind, grouping in ((OwnerKind.DEPARTMENT, stats.by_department), (OwnerKind.WORKER, stats.by_worker)):
        expected, _total = grouping(user, start, end)
        rows, count = figures.owner_rows(district, period, kind, limit=None)
        assert count == len([g for g in expected if g.received])
        by_id = {r["id"]: r for r in rows}
        for g in expected:
            same(g, by_id[g.key])


def test_screen_equals_excel_ledger(generated):
    world = generated
    user = world.people.street
    street = world.tree["S1"]
    today = timezone.localdate()
    period = figures.Period(today - timedelta(days=29), today)
    start, end = cohort_bounds(period)
    cohort = stats.cohort(user, start, end).filter(region_code__startswith=street.code).order_by("-reported_at")
    content, written, truncated = ledger(cohort, exporter=user, filter_text="", max_rows=100000)
    sheet = load_workbook(__import__("io").BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))  # row 1 is the header
    status_column = 5
    closed = sum(1 for r in rows if r[status_column] == str(Status.CLOSED.label))
    total = figures.period_total(street, period)
    assert not truncated
    assert written == len(rows) == total.received
    assert closed == total.closed


def test_counters_equal_the_queue(generated, client):
    """Open, overdue and red-light counters equal what the dispatcher queue counts for the scope."""
    from civicgrid.cases.models import Case

    world = generated
    user = world.people.street
    street = world.tree["S1"]
    now = timezone.now()
    client.force_login(user)
    counters = client.get(reverse("dashboard:summary")).json()["counters"]
    scoped = Case.objects.restrict(user).filter(region_code__startswith=street.code).open()
    assert counters["open"] == scoped.count() > 0
    assert counters["red"] == scoped.deadline_light("red", now).count()
    assert counters["overdue"] == scoped.filter(step_due_at__lte=now).count()
    today = timezone.localdate()
    reported_today = Case.objects.restrict(user).filter(
        region_code__startswith=street.code, reported_at__gte=day_start(today)
    )
    assert counters["today_received"] == reported_today.count()
    closed_today = Case.objects.restrict(user).filter(
        region_code__startswith=street.code, status=Status.CLOSED, closed_at__gte=day_start(today)
    )
    assert counters["today_closed"] == closed_today.count()
