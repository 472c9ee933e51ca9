"""The row report a clerk downloads after a rejected import is shaped like every export: header in
row 1, frozen and filtered, columns wide enough, one row per error, and a sheet naming the file."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from civicgrid.people import importer
from civicgrid.people.models import ImportKind
from civicgrid.people.testing import make_id_number
from civicgrid.people.tests.test_import import person_row, xlsx

pytestmark = pytest.mark.django_db


def test_the_error_workbook_reads_back_as_a_table(client, community, building):
    rows = [
        person_row("甲", "123"),  # a bad ID number
        person_row("乙", make_id_number(), building="NOPE"),
        person_row("丙", make_id_number(), phone="12345"),
    ]
    run = importer.import_file(community, ImportKind.PERSONS, xlsx(ImportKind.PERSONS, rows), "居民表.xlsx")
    assert not run.accepted and len(run.errors) >= 3
    client.force_login(community)
    response = client.get(reverse("people:import_errors", args=[run.pk]))
    assert response.status_code == 200
    workbook = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert workbook.sheetnames == ["错误清单", "导入说明"]
    sheet = workbook["错误清单"]
    header = [c.value for c in sheet[1]]
    assert header == ["行号", "列", "错误"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:C{1 + len(run.errors)}"
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths[0] >= 6 and widths[1] >= 12 and widths[2] >= 60
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(body) == len(run.errors)
    assert [r[0] for r in body] == [e["row"] for e in run.errors]
    assert all(isinstance(r[0], int) for r in body)  # row numbers are numbers, not text
    assert {(r[0], r[1]) for r in body} >= {(2, "身份证号"), (3, "楼栋编码"), (4, "手机号")}
    assert all(r[2] for r in body)
    notes = {row[0].value: row[1].value for row in workbook["导入说明"].iter_rows()}
    assert notes["文件名"] == "居民表.xlsx" and notes["错误数"] == len(run.errors)
    assert notes["类型"] == str(ImportKind.PERSONS.label)
