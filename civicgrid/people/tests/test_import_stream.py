"""The person import's reader process (importer/stream.py): rows read in another process arrive in
chunks that are checked and written one after another, in one transaction — so a wrong row in a late
chunk still leaves nothing written and every row's error listed, a household spanning two chunks is
one household, and a file the fast reader gives up on half-way is read again here with openpyxl."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from civicgrid.people import importer
from civicgrid.people.importer import stream
from civicgrid.people.models import Household, ImportKind, Person
from civicgrid.people.testing import make_id_number
from civicgrid.people.tests.test_import import counts, person_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _through_the_process(monkeypatch):
    monkeypatch.setattr(stream, "PROCESS_FROM_BYTES", 0)  # every file goes to the reader process
    monkeypatch.setattr(stream, "CHUNK", 4)  # and comes back in several chunks


def _book(rows, write_only=True):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    sheet.append([header for header, _key, _required in importer.COLUMNS[ImportKind.PERSONS]])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(count):
    houses = ["101", "102", "201"]
    return [person_row(f"居民{i}", make_id_number(), house=houses[i % 3]) for i in range(count)]


def test_chunks_from_the_reader_process_are_the_rows_read_here():
    data = _book(_rows(10))
    streamed = [row for chunk in stream.chunks(data, ImportKind.PERSONS) for row in chunk]
    assert [len(chunk) for chunk in stream.chunks(data, ImportKind.PERSONS)] == [4, 4, 2]
    assert streamed == importer.read_rows(data, ImportKind.PERSONS)
    totals = []
    list(stream.chunks(data, ImportKind.PERSONS, on_total=totals.append))
    assert totals == [10]


def test_a_streamed_import_writes_every_chunk_and_a_reimport_changes_nothing(community, building):
    rows = _rows(10)
    heard = []
    run = importer.import_file(
        community, ImportKind.PERSONS, _book(rows), "p.xlsx", progress=lambda **counters: heard.append(counters)
    )
    assert run.accepted, run.errors
    assert (run.rows, run.created, run.updated) == (10, 10, 0)
    # Houses 101, 102, 201 each got one household, though their people came in different chunks,
    # and exactly one head each.
    assert Household.objects.count() == 3
    for household in Household.objects.all():
        assert household.head is not None and household.members.filter(relation="head").count() == 1
    written = [c["written"] for c in heard if "written" in c]
    assert written == sorted(written) and written[-1] == 10 and {"total": 10} in heard
    again = importer.import_file(community, ImportKind.PERSONS, _book(rows), "p.xlsx")
    assert again.accepted and (again.created, again.updated) == (0, 0)
    assert Person.objects.count() == 10


def test_a_wrong_row_in_a_late_chunk_leaves_nothing_written_and_every_error_listed(community, building):
    rows = _rows(10)
    rows[8][1] = "110105194912310021"  # bad check digit, in the third chunk
    rows.append(person_row("重复", rows[0][1]))  # the first row's person again, in the third chunk
    before = counts()
    run = importer.import_file(community, ImportKind.PERSONS, _book(rows), "p.xlsx")
    assert not run.accepted and counts() == before
    assert [(e["row"], e["column"]) for e in run.errors] == [(10, "身份证号"), (12, "身份证号")]
    assert "第 2 行" in run.errors[1]["message"]


def test_a_wrong_header_and_too_many_rows_are_told_from_the_process(community, building, settings):
    bad = Workbook()
    bad.active.append(["名字", "号码"])
    bad.active.append(["张三", make_id_number()])
    buffer = io.BytesIO()
    bad.save(buffer)
    run = importer.import_file(community, ImportKind.PERSONS, buffer.getvalue(), "bad.xlsx")
    assert not run.accepted and "表头与模板不一致" in run.errors[0]["message"]
    settings.PEOPLE_IMPORT_MAX_ROWS = 5
    run = importer.import_file(community, ImportKind.PERSONS, _book(_rows(7)), "big.xlsx")
    assert not run.accepted and run.errors[0]["row"] == 7 and "5" in run.errors[0]["message"]
    assert not Person.objects.exists()


def test_a_file_the_fast_reader_gives_up_on_half_way_is_read_again_with_openpyxl(community, building):
    data = _book(_rows(10))
    # A date cell (t="d", which the fast reader does not read) in row 10's notes, after two chunks
    # have been handed on and written.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    sheet = files["xl/worksheets/sheet1.xml"].decode()
    sheet, replaced = re.subn(
        r'<c r="L10" t="inlineStr"\s*/>|<c r="L10" t="inlineStr"><is><t>[^<]*</t></is></c>',
        '<c r="L10" t="d"><v>2026-01-01T00:00:00</v></c>',
        sheet,
    )
    assert replaced == 1
    files["xl/worksheets/sheet1.xml"] = sheet.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    with pytest.raises(stream.Unreadable):
        list(stream.chunks(buffer.getvalue(), ImportKind.PERSONS))
    run = importer.import_file(community, ImportKind.PERSONS, buffer.getvalue(), "dated.xlsx")
    assert run.accepted and (run.created, Person.objects.count()) == (10, 10)
    assert Person.objects.filter(notes__startswith="2026-01-01").count() == 1
    assert Household.objects.count() == 3
