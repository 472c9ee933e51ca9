import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from civicgrid.core.models import ObjectChange
from civicgrid.people import importer
from civicgrid.people.models import Building, House, Household, ImportKind, Person, PersonTag, Residence
from civicgrid.people.testing import make_id_number

pytestmark = pytest.mark.django_db


def xlsx(kind, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for header, _key, _required in importer.COLUMNS[kind]])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts():
    return (
        Person.objects.count(),
        Household.objects.count(),
        Residence.objects.count(),
        PersonTag.objects.count(),
        ObjectChange.objects.count(),
    )


def person_row(name, number, house="101", phone="13812345678", building="B1", tags=""):
    return [name, number, phone, "汉族", "户籍人口", building, "1", house, "", "群众", tags, ""]


def test_templates_have_the_headers():
    for kind in ImportKind:
        workbook = load_workbook(io.BytesIO(importer.workbook_bytes(importer.template_workbook(kind))))
        headers = [c.value.rstrip("*") for c in workbook.worksheets[0][1]]
        assert headers == [h for h, _k, _r in importer.COLUMNS[kind]]


def test_a_file_with_errors_changes_nothing_and_reports_each_row(community, building, far_building):
    good = make_id_number()
    data = xlsx(
        ImportKind.PERSONS,
        [
            person_row("甲", good),
            person_row("乙", "110105194912310021"),  # bad check digit
            person_row("丙", make_id_number(), building="NOPE"),
            person_row("丁", good, house="102"),  # same person twice
            person_row("戊", make_id_number(), phone="12345"),
            person_row("己", make_id_number(), building="B9"),  # another community's building
            person_row("庚", make_id_number(), house="999"),
        ],
    )
    before = counts()
    run = importer.import_file(community, ImportKind.PERSONS, data, "people.xlsx")
    assert not run.accepted
    assert counts() == before
    by_row = {(e["row"], e["column"]) for e in run.errors}
    assert by_row == {(3, "身份证号"), (4, "楼栋编码"), (5, "身份证号"), (6, "手机号"), (7, "楼栋编码"), (8, "房号")}
    sheet = importer.errors_workbook(run).active
    assert sheet.max_row == 1 + len(run.errors)


def test_accepted_file_then_reimport_updates_instead_of_duplicating(community, building):
    numbers = [make_id_number() for _ in range(3)]
    rows = [
        person_row("户主甲", numbers[0], tags="独居老人、退役军人"),
        person_row("成员乙", numbers[1]),
        person_row("邻居丙", numbers[2], house="102", phone=""),
    ]
    run = importer.import_file(community, ImportKind.PERSONS, xlsx(ImportKind.PERSONS, rows), "a.xlsx")
    assert run.accepted, run.errors
    assert (run.created, run.updated) == (3, 0)
    head = Person.objects.get(name="户主甲")
    assert head.household.head == head and head.household.number
    assert Person.objects.get(name="成员乙").household == head.household
    assert set(head.person_tags.values_list("tag__code", flat=True)) == {"elderly_alone", "veteran"}
    assert Residence.objects.count() == 3
    snapshot = counts()
    again = importer.import_file(community, ImportKind.PERSONS, xlsx(ImportKind.PERSONS, rows), "a.xlsx")
    assert again.accepted and (again.created, again.updated) == (0, 0)
    assert counts() == snapshot
    rows[2] = person_row("邻居丙", numbers[2], house="201", phone="13900001111")
    third = importer.import_file(community, ImportKind.PERSONS, xlsx(ImportKind.PERSONS, rows), "b.xlsx")
    assert third.accepted and (third.created, third.updated) == (0, 1)
    moved = Person.objects.get(name="邻居丙")
    assert moved.house.number == "201" and moved.phone_masked == "139****1111"
    assert Person.objects.count() == 3
    assert Residence.objects.filter(person=moved).count() == 2


def test_buildings_and_houses_import(community, tree):
    grid = tree["S1C1G2"]
    buildings = xlsx(
        ImportKind.BUILDINGS,
        [["X1", "新楼1号", grid.code, "幸福小区", "幸福路1号", "住宅楼", 6, 2, 113.62, 34.73]],
    )
    run = importer.import_file(community, ImportKind.BUILDINGS, buildings, "b.xlsx")
    assert run.accepted, run.errors
    building = Building.objects.get(code="X1")
    assert building.region_code == grid.code and building.compound.name == "幸福小区"
    houses = xlsx(ImportKind.HOUSES, [["X1", "1", 1, "101", 90, "出租"], ["X1", "2", 1, "101", "", "自住"]])
    run = importer.import_file(community, ImportKind.HOUSES, houses, "h.xlsx")
    assert run.accepted and run.created == 2
    assert House.objects.filter(building=building, usage="rented").count() == 1
    run = importer.import_file(community, ImportKind.HOUSES, houses, "h.xlsx")
    assert run.accepted and (run.created, run.updated) == (0, 0)
    bad = xlsx(ImportKind.BUILDINGS, [["X2", "外区楼", tree["S2C1G1"].code, "", "", "住宅楼", 3, 1, "", ""]])
    run = importer.import_file(community, ImportKind.BUILDINGS, bad, "b.xlsx")
    assert not run.accepted and run.errors[0]["column"] == "网格编码"
    assert not Building.objects.filter(code="X2").exists()


def test_wrong_header_and_garbage_file(community, building):
    run = importer.import_file(community, ImportKind.PERSONS, b"not a workbook", "x.xlsx")
    assert not run.accepted and "xlsx" in run.errors[0]["message"]
    run = importer.import_file(
        community, ImportKind.PERSONS, xlsx(ImportKind.HOUSES, [["B1", "1", 1, "101", "", ""]]), "x"
    )
    assert not run.accepted and run.errors[0]["row"] == 1


def _with_escapes(data, marker="@@", escape="_x000B_"):
    """The file with `marker` replaced by `escape` in every part: how Excel writes a control character."""
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, old.read(item.filename).replace(marker.encode(), escape.encode()))
    return target.getvalue()


@pytest.mark.parametrize("shape", ["fast", "write_only", "fallback"])
def test_control_characters_in_cells_are_dropped_silently(community, building, shape):
    number = make_id_number()
    row = person_row("张@@三", number)
    row[-1] = "备@@注\n第二行"
    workbook = Workbook(write_only=shape == "write_only")
    sheet = workbook.create_sheet() if shape == "write_only" else workbook.active
    sheet.append([header for header, _key, _required in importer.COLUMNS[ImportKind.PERSONS]])
    if shape == "fallback":
        workbook.iso_dates = True  # a t="d" cell: the fast reader hands the file to openpyxl
        row[-1] = date(2026, 1, 1)
    sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = _with_escapes(buffer.getvalue())
    notes = "2026-01-01" if shape == "fallback" else "备注\n第二行"
    rows = importer.read_rows(data, ImportKind.PERSONS)
    assert rows[0][1]["name"] == "张三" and rows[0][1]["notes"] == notes
    run = importer.import_file(community, ImportKind.PERSONS, data, "a.xlsx")
    assert run.accepted, run.errors
    person = Person.objects.get()
    assert person.name == "张三" and person.notes == notes
