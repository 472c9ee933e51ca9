"""The importers follow the pages' rules (issue: one write path per record), tried the way a clerk's
real workbooks go wrong."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from civicgrid.accounts.models import Role
from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange
from civicgrid.people import actions, importer, protection, selectors
from civicgrid.people.models import Building, House, Household, ImportKind, Person, PersonTag, Tag, Unit
from civicgrid.people.testing import add_person, make_id_number
from civicgrid.people.tests.test_import import person_row, xlsx
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db


def workbook(headers, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def persons(user, rows, headers=None):
    data = workbook(headers, rows) if headers else xlsx(ImportKind.PERSONS, rows)
    return importer.import_file(user, ImportKind.PERSONS, data, "persons.xlsx")


def test_a_phone_changed_in_its_middle_digits_is_counted_and_stored(community, building):
    number = make_id_number()
    assert persons(community, [person_row("张三", number, phone="13900990902")]).accepted
    run = persons(community, [person_row("张三", number, phone="13911110902")])
    assert run.accepted and (run.created, run.updated) == (0, 1)
    person = Person.objects.get()
    assert protection.decrypt(person.phone_enc) == "13911110902"
    assert selectors.search_persons(community, "13911110902")[0].get() == person
    change = changes_for(person).filter(action="import").exclude(before=None).get()
    assert change.before["phone_masked"] == "139****0902" != change.after["phone_masked"]
    run = persons(community, [person_row("张三", number, phone="139 1111 0902")])  # the same number
    assert run.accepted and run.updated == 0


def test_full_width_digits_mixed_with_ascii_find_the_existing_person(community, worker, building):
    number = make_id_number()
    registered = add_person(worker, building.houses.order_by("floor", "number").first(), name="李四", id_number=number)
    mixed = chr(ord(number[0]) + 0xFEE0) + number[1:]  # ４10103… as typed with a full-width first digit
    run = persons(community, [person_row("李四", mixed, phone="１３９００９９０９０２")])
    assert run.accepted, run.errors
    assert run.created == 0 and Person.objects.count() == 1
    registered.refresh_from_db()
    assert protection.decrypt(registered.phone_enc) == "13900990902"
    assert selectors.search_persons(worker, number)[0].get() == registered
    assert selectors.search_persons(worker, mixed)[0].get() == registered


def test_houses_on_floor_0_above_the_top_or_in_a_missing_unit_are_row_errors(community, building):
    units, houses = Unit.objects.count(), House.objects.count()
    rows = [
        ["B1", "1", 0, "001", "", ""],
        ["B1", "1", 4, "401", "", ""],  # B1 has 3 floors
        ["B1", "3", 1, "109", "", ""],  # B1 has one unit
        ["B1", "", 1, "110", "", ""],  # B1 has units: one must be named
        ["B1", "1", -1, "B01", "", ""],  # a basement is fine
    ]
    run = importer.import_file(community, ImportKind.HOUSES, xlsx(ImportKind.HOUSES, rows), "h.xlsx")
    assert not run.accepted
    errors = {(e["row"], e["column"]): e["message"] for e in run.errors}
    assert set(errors) == {(2, "楼层"), (3, "楼层"), (4, "单元"), (5, "单元")}
    assert "没有 0 层" in errors[(2, "楼层")] and "3 单元" in errors[(4, "单元")]
    assert (Unit.objects.count(), House.objects.count()) == (units, houses)
    run = importer.import_file(community, ImportKind.HOUSES, xlsx(ImportKind.HOUSES, rows[-1:]), "h.xlsx")
    assert run.accepted and run.created == 1


def test_a_building_moved_by_import_takes_everything_inside_and_reshapes_its_units(community, tree, building):
    person = add_person(community, building.houses.first(), name="王五")
    target = tree["S1C1G2"]
    row = ["B1", "1号楼", target.code, "", "", "住宅楼", 3, 3, "", ""]
    run = importer.import_file(community, ImportKind.BUILDINGS, xlsx(ImportKind.BUILDINGS, [row]), "b.xlsx")
    assert run.accepted and run.updated == 1, run.errors
    building.refresh_from_db()
    assert building.region_code == target.code
    assert set(House.objects.filter(building=building).values_list("region_code", flat=True)) == {target.code}
    assert set(Household.objects.filter(house__building=building).values_list("region_code", flat=True)) == {
        target.code
    }
    person.refresh_from_db()
    assert person.region_code == target.code
    assert sorted(Unit.objects.filter(building=building).values_list("number", flat=True)) == ["1", "2", "3"]
    # Lowering the units to 2 drops the empty third unit; below the houses' floors or units is refused.
    row[7] = 2
    assert importer.import_file(community, ImportKind.BUILDINGS, xlsx(ImportKind.BUILDINGS, [row]), "b").accepted
    assert Unit.objects.filter(building=building).count() == 2
    before = ObjectChange.objects.count()
    row[6] = 2
    run = importer.import_file(community, ImportKind.BUILDINGS, xlsx(ImportKind.BUILDINGS, [row]), "b")
    assert not run.accepted and run.errors[0]["column"] == "地上层数"
    building.refresh_from_db()
    assert building.floors == 3 and ObjectChange.objects.count() == before


def test_tags_are_counted_logged_replaced_and_kept_without_a_column(community, tree, building):
    number = make_id_number()
    assert persons(community, [person_row("赵六", number, tags="独居老人、退役军人")]).accepted
    person = Person.objects.get()
    created = changes_for(person).get()
    assert created.after["tags"] == ["elderly_alone", "veteran"]
    run = persons(community, [person_row("赵六", number, tags="退役军人")])
    assert run.accepted and run.updated == 1
    assert list(PersonTag.objects.values_list("tag__code", flat=True)) == ["veteran"]
    change = changes_for(person).filter(action="import").exclude(before=None).get()
    assert (change.before["tags"], change.after["tags"]) == (["elderly_alone", "veteran"], ["veteran"])
    # No 标签 column: tags are left alone (and so is the phone without a 手机号 column).
    headers = ["姓名", "身份证号", "楼栋编码", "单元", "房号"]
    run = persons(community, [["赵六", number, "B1", "1", "101"]], headers=headers)
    assert run.accepted and run.updated == 0, run.errors
    person.refresh_from_db()
    assert PersonTag.objects.count() == 1 and protection.decrypt(person.phone_enc) == "13812345678"
    # A blank 标签 cell removes the tags the importer may set; those above its clearance stay.
    actions.set_tags(community, person, ["veteran", "subsistence"])
    admin = make_user("district-admin", Role.SYSTEM_ADMIN, tree["D"])  # no clearance for sensitive tags
    run = persons(admin, [person_row("赵六", number, tags="")])
    assert run.accepted and run.updated == 1
    assert list(PersonTag.objects.values_list("tag__code", flat=True)) == ["subsistence"]
    run = persons(admin, [person_row("赵六", number, tags="低保户")])
    assert not run.accepted and run.errors[0]["column"] == "标签"


def test_the_template_states_the_tag_rule():
    book = load_workbook(io.BytesIO(importer.workbook_bytes(importer.template_workbook(ImportKind.PERSONS))))
    notes = " ".join(str(c.value) for row in book.worksheets[1].iter_rows() for c in row)
    assert "留空表示移除全部" in notes and "标签保持不变" in notes


def test_columns_are_found_by_header_and_a_missing_required_one_is_refused(community, building):
    number = make_id_number()
    headers = ["序号", "身份证号", "姓名", "房号", "单元", "楼栋编码", "标签"]
    run = persons(community, [[1, number, "钱七", "101", "1", "B1", "退役军人"]], headers=headers)
    assert run.accepted, run.errors
    assert Person.objects.get().name == "钱七" and Tag.objects.filter(code="veteran").exists()
    run = persons(community, [[number, "101"]], headers=["身份证号", "房号"])
    assert not run.accepted and run.errors[0]["row"] == 1
    assert Building.objects.count() == 1
