"""Fee records: entry, status, Excel import (all or nothing, row report, re-import updates), scope."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from civicgrid.people.models import House
from civicgrid.property import actions, selectors
from civicgrid.property.actions.bills import COLUMNS
from civicgrid.property.models import Bill, BillStatus


def workbook(*rows, header=COLUMNS):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(house, kind="物业费", period="2026", amount="1200", status="未缴", paid="", note=""):
    return [house.building.code, house.unit.number, house.number, kind, period, amount, status, paid, note]


def test_import_creates_then_updates(world):
    h1, h2 = world.houses_a[0], world.houses_a[1]
    report = actions.import_bills(world.people.staff_a, workbook(row(h1), row(h2, kind="停车费", amount="300")))
    assert report.ok and (report.created, report.updated) == (2, 0)
    report = actions.import_bills(world.people.staff_a, workbook(row(h1, status="已缴", paid="2026-11-30")))
    assert report.ok and (report.created, report.updated) == (0, 1)
    bill = Bill.objects.get(house=h1, kind="property", period="2026")
    assert bill.status == BillStatus.PAID and str(bill.paid_at) == "2026-11-30"
    assert Bill.objects.count() == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": "abc"},
        {"amount": "-5"},
        {"amount": "99999999"},
        {"period": "2026-13"},
        {"period": "明年"},
        {"kind": "水费"},
        {"status": "欠着"},
        {"paid": "yesterday", "status": "已缴"},
        {"note": "备\x80注"},
        {"note": "长" * 201},
    ],
)
def test_one_bad_row_writes_nothing(world, bad):
    good = row(world.houses_a[0])
    wrong = row(world.houses_a[1], **bad)
    report = actions.import_bills(world.people.staff_a, workbook(good, wrong))
    assert not report.ok
    assert [e["row"] for e in report.errors] == [3]
    assert Bill.objects.count() == 0


def test_unknown_house_duplicate_rows_and_bad_files(world):
    h = world.houses_a[0]
    unknown = [h.building.code, "1", "9999", "物业费", "2026", "1", "未缴", "", ""]
    report = actions.import_bills(world.people.staff_a, workbook(row(h), row(h), unknown))
    assert [e["row"] for e in report.errors] == [3, 4]
    assert not actions.import_bills(world.people.staff_a, b"not a workbook").ok
    assert not actions.import_bills(world.people.staff_a, workbook(header=("甲", "乙"))).ok
    assert not actions.import_bills(world.people.staff_a, workbook()).ok
    assert Bill.objects.count() == 0


def test_staff_of_company_b_cannot_import_company_as_houses(world):
    report = actions.import_bills(world.people.staff_b, workbook(row(world.houses_a[0])))
    assert not report.ok and Bill.objects.count() == 0
    # nor a resident
    assert not actions.import_bills(world.people.resident, workbook(row(world.houses_a[0]))).ok


def test_status_changes_and_scope(world):
    bill = actions.save_bill(
        world.people.community, house=world.houses_a[0], kind="property", period="2026-11", amount="100"
    )
    with pytest.raises(ValidationError):
        actions.set_bill_status(world.people.staff_a, bill.pk, BillStatus.DISPUTED)  # needs a reason
    actions.set_bill_status(world.people.staff_a, bill.pk, BillStatus.DISPUTED, note="面积有误")
    for outsider in (world.people.staff_b, world.people.community_b, world.people.resident):
        with pytest.raises(Bill.DoesNotExist):
            actions.set_bill_status(outsider, bill.pk, BillStatus.PAID)
    bill.refresh_from_db()
    assert bill.status == BillStatus.DISPUTED and bill.note == "面积有误"
    with pytest.raises(House.DoesNotExist):
        actions.save_bill(world.people.staff_b, house=world.houses_a[1], kind="property", period="2026", amount="1")
    assert Bill.objects.count() == 1


def test_residents_see_their_own_house_and_arrears_are_scoped(world):
    actions.save_bill(world.people.staff_a, house=world.houses_a[0], kind="property", period="2026", amount="1200")
    actions.save_bill(world.people.staff_a, house=world.houses_a[1], kind="property", period="2026", amount="800")
    actions.save_bill(world.people.staff_b, house=world.houses_b[0], kind="parking", period="2026", amount="300")
    house, bills = selectors.my_bills(world.people.resident)
    assert house == world.houses_a[0] and [b.amount for b in bills] == [Decimal("1200.00")]
    rows = selectors.arrears_by_compound(world.people.staff_a)
    assert [(r["compound__name"], r["houses"], r["amount"]) for r in rows] == [("幸福小区", 2, Decimal("2000.00"))]
    assert [r["compound__name"] for r in selectors.arrears_by_compound(world.people.community)] == ["幸福小区"]
    assert {r["compound__name"] for r in selectors.arrears_by_compound(world.people.street)} == {"幸福小区", "和谐小区"}
    assert selectors.bills_for(world.people.staff_b).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once_leave_one_bill_per_key(monkeypatch):
    from django.db import connection

    from civicgrid.property.actions import bills as bills_module
    from civicgrid.property.tests.conftest import build_world
    from civicgrid.testing import race

    if connection.vendor != "postgresql":
        pytest.skip("thread races need PostgreSQL")
    world = build_world()
    data = workbook(row(world.houses_a[0]), row(world.houses_a[1]))
    results = race(
        monkeypatch,
        lambda: actions.import_bills(world.people.staff_a, data),
        lambda: actions.import_bills(world.people.staff_a2, data),
        linger=(bills_module, "_upsert"),
    )
    assert Bill.objects.count() == 2
    # Both succeed: one created the bills, the other (run again after the unique key) updated them.
    assert all(hasattr(r, "created") and r.ok for r in results), results
    assert sorted((r.created, r.updated) for r in results) == [(0, 2), (2, 0)]
