"""Statistics on a hand-made set of cases whose answers are known (docs/statistics.md)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from civicgrid.cases import actions, stats
from civicgrid.cases.forms.staff import day_start
from civicgrid.cases.models import Status
from civicgrid.cases.tests.conftest import make_case, report


@pytest.fixture
def cases(world):
    p = world.people
    done = make_case(world, Status.CLOSED)
    actions.evaluate_case(done, p.resident, version=done.version, score=5)

    reworked = make_case(world, Status.HANDLED)
    reworked = actions.verify_case(reworked, p.community, version=reworked.version, passed=False, note="没清干净")
    reworked = actions.feedback_case(reworked, p.grid, version=reworked.version, note="再次清理")
    reworked = actions.verify_case(reworked, p.community, version=reworked.version, passed=True)
    reworked = actions.close_case(reworked, p.community, version=reworked.version)
    actions.evaluate_case(reworked, p.resident, version=reworked.version, score=2, comment="太慢")

    make_case(world, Status.REGISTERED)  # registered, still open

    rejected = report(world)
    actions.reject_case(rejected, p.community, version=rejected.version, reason="不属于受理范围")

    voided = make_case(world, Status.REGISTERED)
    voided = actions.request_void(voided, p.community, version=voided.version, reason="重复登记")
    actions.approve_void(voided, p.street, version=voided.version)

    report(world, where="S1C2G1M1")  # another community: received only
    report(world, where="S2C1G1M1")  # another street: outside the community staff's scope
    return world


def period():
    today = date.today()
    return day_start(today - timedelta(days=1)), day_start(today + timedelta(days=1))


def test_indicators_by_region(cases):
    world = cases
    start, end = period()
    street = world.tree["S1"]
    children = [world.tree["S1C1"], world.tree["S1C2"]]
    rows, total = stats.by_region(world.people.street, street, children, start, end)
    c1, c2 = rows
    assert (c1.received, c1.registered, c1.voided, c1.due_to_close, c1.closed) == (5, 4, 1, 3, 2)
    assert c1.closure_rate == round(2 / 3, 4)
    assert c1.on_time_closure_rate == round(2 / 3, 4)
    assert c1.accurate_registration_rate == 0.75
    assert (c1.rework, c1.handled) == (1, 3)
    assert c1.rework_rate == round(1 / 3, 4)
    assert (c1.evaluations, c1.satisfied, c1.satisfaction_rate) == (2, 1, 0.5)
    assert (c1.dispatch_due, c1.accurate_dispatch_rate) == (2, 0.5)
    assert (c1.verifications, c1.on_time_verification_rate) == (3, 1.0)
    assert c1.on_time_registration_rate == 1.0
    assert c1.average_handling_hours is not None and c1.average_handling_hours >= 0
    assert (c2.received, c2.registered, c2.closure_rate) == (1, 0, None)
    assert c2.percents["closure_rate"] == "—"
    assert total.received == 6
    assert c1.percents["closure_rate"] == "66.67%"


def test_scope_limits_the_statistics(cases):
    start, end = period()
    world = cases
    rows, total = stats.by_region(
        world.people.community, world.tree["S1C1"], [world.tree["S1C1G1"], world.tree["S1C1G2"]], start, end
    )
    assert total.received == 5
    rows, total = stats.by_region(
        world.people.community_neighbour, world.tree["S1"], [world.tree["S1C1"], world.tree["S1C2"]], start, end
    )
    assert [r.received for r in rows] == [0, 1]


def test_by_worker_and_trend(cases):
    start, end = period()
    rows, total = stats.by_worker(cases.people.street, start, end)
    assert [(r.label, r.received, r.closed, r.rework) for r in rows] == [("grid", 2, 2, 1)]
    series = stats.trend(cases.people.operator, start, end)
    assert sum(g.received for g in series) == 7
    # Every day of the period is on the axis, the empty ones too (yesterday had no reports).
    assert [g.label for g in series] == [(date.today() - timedelta(days=1)).isoformat(), date.today().isoformat()]
    assert series[0].received == 0 and series[1].received == 7


def test_trend_axis_has_every_day_and_every_month():
    assert [d.isoformat() for d in stats.periods(date(2026, 2, 27), date(2026, 3, 2))] == [
        "2026-02-27",
        "2026-02-28",
        "2026-03-01",
        "2026-03-02",
    ]
    months = stats.periods(date(2025, 11, 15), date(2026, 2, 3), monthly=True)
    assert [d.isoformat() for d in months] == ["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01"]


def test_by_department(world):
    from civicgrid.cases.models import HandlingLevel

    make_case(world, Status.CLOSED, level=HandlingLevel.DEPARTMENT)
    start, end = period()
    rows, total = stats.by_department(world.people.operator, start, end)
    assert [(r.label, r.received, r.closed, r.closure_rate) for r in rows] == [("区城管局", 1, 1, 1.0)]


def test_stats_page(cases, client):
    client.force_login(cases.people.street)
    response = client.get(reverse("cases:stats"), {"region": cases.tree["S1"].code})
    assert response.status_code == 200
    body = response.content.decode()
    assert "66.67%" in body and "trend-data" in body
    for by in ("department", "worker"):
        assert client.get(reverse("cases:stats"), {"by": by}).status_code == 200
    client.force_login(cases.people.resident)
    assert client.get(reverse("cases:stats")).status_code == 403


def test_stats_area_is_chosen_from_the_tree_and_rows_drill_down(cases, client):
    client.force_login(cases.people.street)
    street, community = cases.tree["S1"], cases.tree["S1C1"]
    body = client.get(reverse("cases:stats"), {"region": street.code}).content.decode()
    assert f'<option value="{street.code}" selected>' in body
    assert f'<option value="{community.code}">' in body
    assert cases.tree["S2"].code not in body  # another street is not the street staff's to choose
    assert f"region={community.code}&amp;" in body  # the community's row drills down
    drilled = client.get(reverse("cases:stats"), {"region": community.code}).content.decode()
    assert 'id="stats-trail"' in drilled and f"region={street.code}&amp;" in drilled  # and the way back up
    # Out of scope: the street's own node instead, never the other street's figures.
    other = client.get(reverse("cases:stats"), {"region": cases.tree["S2"].code}).content.decode()
    assert f'<option value="{street.code}" selected>' in other


def test_stats_export_is_a_styled_workbook(cases, client):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(cases.people.street)
    response = client.get(reverse("cases:stats"), {"region": cases.tree["S1"].code, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(response.content))
    table, trend, notes = workbook.worksheets
    assert table.freeze_panes == "A2" and table.auto_filter.ref.startswith("A1:")
    header = [c.value for c in table[1]]
    assert header[:5] == ["按区域", "上报数", "立案数", "应结案数", "结案数"]
    total = list(table[table.max_row])
    assert total[0].value == "合计" and total[0].font.b
    closure = total[header.index("结案率")]
    assert closure.number_format == "0.00%" and abs(closure.value - 2 / 3) < 0.001
    assert trend.max_row == 1 + 30  # the default period: 30 days, every one a row
    assert {r[0].value: r[1].value for r in notes.iter_rows()}["统计区域"] == cases.tree["S1"].name
