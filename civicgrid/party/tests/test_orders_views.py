"""派单 pages (never a 500; outside reach 404 and nothing changed), the ranking's arithmetic per
period and the xlsx evidence (formulas neutralised)."""

import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.cases.tests.media_files import jpeg, random_bytes, upload
from civicgrid.party.actions import orders as actions
from civicgrid.party.models import Order, OrderStatus
from civicgrid.party.selectors import orders as selectors

from .orders_fixtures import _private_files, other_department, post, report_case, reported, soon, taken  # noqa: F401


def client_for(client, user):
    client.force_login(user)
    return client


def approve(world, order, points, at=None):
    order = actions.audit_order(world.staff.street, order.pk, approve=True, points=points)
    if at is not None:
        Order.objects.filter(pk=order.pk).update(audited_at=timezone.make_aware(at))
    return order


# --- Ranking arithmetic ----------------------------------------------------------------------


def test_period_bounds():
    assert selectors.period_bounds("month", 2026, 12) == (date(2026, 12, 1), date(2027, 1, 1))
    assert selectors.period_bounds("quarter", 2026, 2) == (date(2026, 4, 1), date(2026, 7, 1))
    assert selectors.period_bounds("quarter", 2026, 4) == (date(2026, 10, 1), date(2027, 1, 1))
    assert selectors.period_bounds("year", 2026, 0) == (date(2026, 1, 1), date(2027, 1, 1))
    for bad in (("month", 2026, 13), ("quarter", 2026, 5), ("week", 2026, 1), ("year", 1, 1)):
        with pytest.raises(ValueError):
            selectors.period_bounds(*bad)


def test_ranking_per_period_and_unit(world):
    p = world.party
    department_b, staff_b = other_department(world)
    a1 = approve(world, reported(world), 8, datetime(2026, 1, 10, 10))
    a2 = approve(world, reported(world, p.first_secretary), 5, datetime(2026, 2, 3, 10))
    m = approve(world, reported(world, p.commuter), 2, datetime(2026, 4, 1, 9))
    b = post(world, world.staff.neighbour, community=world.tree["S1C2"])
    assert b.pk and a1.points == 8
    codes = [world.tree["D"].code]
    january = selectors.ranking(codes, *selectors.period_bounds("month", 2026, 1))
    assert january["units"] == [{"department_id": world.department.pk, "name": "城管局", "points": 8, "orders": 1}]
    q1 = selectors.ranking(codes, *selectors.period_bounds("quarter", 2026, 1))
    assert q1["units"][0]["points"] == 13 and q1["units"][0]["orders"] == 2
    assert {(r["taker_kind"], r["points"]) for r in q1["takers"]} == {("unit", 8), ("first_secretary", 5)}
    year = selectors.ranking(codes, *selectors.period_bounds("year", 2026, 0))
    assert year["units"][0]["points"] == 15 and year["units"][0]["orders"] == 3
    member_row = next(r for r in year["takers"] if r["taker_kind"] == "member")
    assert member_row["name"].endswith("**")  # members' names are masked
    assert selectors.ranking(codes, *selectors.period_bounds("quarter", 2026, 3))["units"] == []
    # A street's staff count their area only; department_b has nothing.
    assert selectors.ranking([world.tree["S2"].code], *selectors.period_bounds("year", 2026, 0))["units"] == []
    assert department_b.pk and staff_b.pk and a2.pk and m.pk


def test_ranking_scope(world):
    assert selectors.ranking_codes(world.staff.street) == [world.tree["S1"].code]
    assert selectors.ranking_codes(world.staff.dept) == [world.tree["D"].code]
    assert selectors.ranking_codes(world.staff.resident) == []


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["community", "dept", "street", "street2", "resident", "admin"])
def test_hall_answers_every_role(world, client, who):
    reported(world)
    response = client_for(client, getattr(world.staff, who)).get(reverse("party:orders"))
    assert response.status_code == 200


def test_the_hall_shows_each_role_its_lists(world, client):
    order = reported(world)
    page = client_for(client, world.staff.street).get(reverse("party:orders")).content.decode()
    assert 'id="list-audit"' in page and order.title in page
    client.logout()
    page = client_for(client, world.staff.street2).get(reverse("party:orders")).content.decode()
    assert order.title not in page


def test_new_order_form(world, client):
    client_for(client, world.staff.community)
    assert client.get(reverse("party:order_new")).status_code == 200
    case = report_case(world)
    data = {
        "community": world.tree["S1C1"].pk,
        "kind": "problem",
        "title": "基层难题破解 老旧小区停车",
        "need": "小区停车位不足，请协助规划。",
        "deadline": soon().isoformat(),
        "points_offered": "10",
        "case_number": case.number,
    }
    response = client.post(reverse("party:order_new"), data)
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.case == case
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and case.category.name in page


@pytest.mark.parametrize(
    "change",
    [
        {"deadline": "2020-01-01"},
        {"deadline": "not a date"},
        {"points_offered": "999"},
        {"points_offered": "-3"},
        {"title": '=HYPERLINK("x")\x00'},
        {"case_number": "2026-NOPE"},
        {"community": "99999999999999999999"},
        {"kind": "x"},
    ],
)
def test_new_order_bad_input_is_400(world, client, change):
    client_for(client, world.staff.community)
    data = {
        "community": world.tree["S1C1"].pk,
        "kind": "red_friday",
        "title": "清洁家园",
        "need": "需要人手",
        "deadline": soon().isoformat(),
        "points_offered": "5",
    }
    data.update(change)
    response = client.post(reverse("party:order_new"), data)
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_new_order_is_404_without_a_community(world, client):
    client_for(client, world.staff.dept)
    assert client.get(reverse("party:order_new")).status_code == 404


def test_take_report_audit_through_the_pages(world, client):
    order = post(world)
    client_for(client, world.staff.dept)
    assert client.get(reverse("party:order", args=[order.pk])).status_code == 200
    assert client.post(reverse("party:order_take", args=[order.pk]), {"as": "unit"}).status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderStatus.TAKEN
    url = reverse("party:order_report", args=[order.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"report": "完成", "photos": [upload("x.jpg", random_bytes())]})
    assert bad.status_code == 400 and Order.objects.get(pk=order.pk).status == OrderStatus.TAKEN
    assert client.post(url, {"report": "已完成", "photos": [jpeg()]}).status_code == 302
    photo = Order.objects.get(pk=order.pk).photos.get()
    photo_url = reverse("party:order_photo", args=[order.pk, photo.pk])
    assert client.get(photo_url).status_code == 200
    client.logout()
    client_for(client, world.staff.street2)
    assert client.get(photo_url).status_code == 404
    assert client.get(reverse("party:order_audit", args=[order.pk])).status_code == 404
    assert (
        client.post(reverse("party:order_audit", args=[order.pk]), {"decision": "approve", "points": "5"}).status_code
        == 404
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REPORTED
    client.logout()
    client_for(client, world.staff.street)
    audit = reverse("party:order_audit", args=[order.pk])
    assert client.get(audit).status_code == 200
    assert client.post(audit, {"decision": "approve", "points": "21"}).status_code == 400
    assert client.post(audit, {"decision": "maybe", "points": "2"}).status_code == 400
    assert client.post(audit, {"decision": "return", "comment": ""}).status_code == 400
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REPORTED
    assert client.post(audit, {"decision": "approve", "points": "6"}).status_code == 302
    assert Order.objects.get(pk=order.pk).points == 6


def test_out_of_reach_pages_are_404_and_change_nothing(world, client):
    order = taken(world)
    client_for(client, world.staff.street2)
    for name in ("party:order", "party:order_report", "party:order_audit"):
        assert client.get(reverse(name, args=[order.pk])).status_code == 404
    for name in ("party:order_take", "party:order_cancel"):
        assert client.post(reverse(name, args=[order.pk])).status_code == 404
    assert client.get(reverse("party:order", args=[999999])).status_code == 404
    assert Order.objects.get(pk=order.pk).status == OrderStatus.TAKEN


def test_cancel_through_the_page(world, client):
    order = post(world)
    client_for(client, world.staff.dept)
    assert client.post(reverse("party:order_cancel", args=[order.pk])).status_code == 404
    client.logout()
    client_for(client, world.staff.community)
    assert client.post(reverse("party:order_cancel", args=[order.pk]), {"note": "改期"}).status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


@pytest.mark.parametrize(
    "query", ["", "?period=quarter&year=2026&n=2", "?period=year&year=2026", "?period=x&year=abc&n=99", "?n=13"]
)
def test_ranking_page_never_500(world, client, query):
    approve(world, reported(world), 4)
    client_for(client, world.staff.street)
    response = client.get(reverse("party:order_ranking") + query)
    assert response.status_code == 200


def test_ranking_page_shows_the_unit_and_is_404_for_residents(world, client):
    approve(world, reported(world), 4)
    page = client_for(client, world.staff.dept).get(reverse("party:order_ranking")).content.decode()
    assert "城管局" in page
    client.logout()
    client_for(client, world.staff.resident)
    assert client.get(reverse("party:order_ranking")).status_code == 404
    assert client.get(reverse("party:order_ranking_export")).status_code == 404


def test_export_neutralises_formulas(world, client):
    order = reported(world, title='=HYPERLINK("http://evil","x")')
    approve(world, order, 9)
    client_for(client, world.staff.street)
    response = client.get(reverse("party:order_ranking_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["赋分明细"].iter_rows(values_only=True))
    assert rows[1][0] == "城管局" and rows[1][5] == 9
    assert rows[1][3].startswith("'=")
    assert list(book["单位排名"].iter_rows(values_only=True))[1][1:3] == ("城管局", 9)
