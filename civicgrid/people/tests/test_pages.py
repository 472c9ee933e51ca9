import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from civicgrid.accounts.models import Role
from civicgrid.people.models import AccessLog, ImportKind, Person, PersonTag, Tag
from civicgrid.people.testing import add_person, make_id_number
from civicgrid.people.tests.test_import import person_row, xlsx
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(worker, building):
    house = building.houses.order_by("floor", "number").first()
    number = make_id_number()
    person = add_person(worker, house, name="王大妈", id_number=number, phone="13812345678")
    PersonTag.objects.create(person=person, tag=Tag.objects.get(code="elderly_alone"))
    PersonTag.objects.create(person=person, tag=Tag.objects.get(code="subsistence"))
    person.plain_id = number
    return person


def test_pages_render_masked_for_the_grid_worker(client, worker, resident, building):
    client.force_login(worker)
    pages = [
        reverse("people:index"),
        reverse("people:building", args=[building.pk]),
        reverse("people:building", args=[building.pk]) + "?mode=tags",
        reverse("people:house", args=[resident.house_id]),
        reverse("people:household", args=[resident.household_id]),
        reverse("people:person", args=[resident.pk]),
        reverse("people:search") + "?q=王",
        reverse("people:unverified"),
        reverse("people:map"),
        reverse("people:verify", args=[resident.house_id]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert resident.plain_id not in html and "13812345678" not in html
        assert "低保户" not in html  # a restricted tag: not for grid workers
    html = client.get(reverse("people:person", args=[resident.pk])).content.decode()
    assert "138****5678" in html and resident.id_number_masked in html and "独居老人" in html
    assert 'id="unmask-form"' not in html  # grid workers may not unmask


def test_out_of_scope_answers_404_and_changes_nothing(client, other_worker, resident, building):
    client.force_login(other_worker)
    for url in [
        reverse("people:building", args=[building.pk]),
        reverse("people:house", args=[resident.house_id]),
        reverse("people:household", args=[resident.household_id]),
        reverse("people:person", args=[resident.pk]),
        reverse("people:verify", args=[resident.house_id]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("people:verify", args=[resident.house_id]), {"usage": "vacant"})
    assert response.status_code == 404
    response = client.post(reverse("people:person_move_out", args=[resident.pk]), {"on": "2026-01-01"})
    assert response.status_code == 404
    resident.refresh_from_db()
    assert resident.house_id is not None and resident.house.usage == "self"
    assert client.get(reverse("people:search") + "?q=王").content.decode().count("王大妈") == 0


def test_resident_role_has_no_people_pages(client, tree, resident):
    user = make_user("jumin", Role.RESIDENT, tree["S1C1G1"])
    client.force_login(user)
    assert client.get(reverse("people:index")).status_code == 404
    assert client.get(reverse("people:person", args=[resident.pk])).status_code == 404


def test_unmask_in_the_page_logs_and_shows_once(client, community, worker, resident):
    client.force_login(worker)
    url = reverse("people:unmask", args=[resident.pk])
    assert client.post(url, {"field": "id_number", "reason": "核实"}).status_code == 404
    client.force_login(community)
    response = client.post(url, {"field": "id_number", "reason": ""})
    assert response.status_code == 400 and AccessLog.objects.count() == 0
    response = client.post(url, {"field": "id_number", "reason": "低保复核"})
    assert response.status_code == 200 and resident.plain_id in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    log = AccessLog.objects.get()
    assert (log.user, log.person_id, log.field, log.reason) == (community, resident.pk, "id_number", "低保复核")
    assert resident.plain_id not in client.get(reverse("people:person", args=[resident.pk])).content.decode()
    html = client.get(reverse("people:access_log")).content.decode()
    assert "低保复核" in html and resident.name in html


def test_door_knocking_post(client, worker, resident):
    client.force_login(worker)
    response = client.post(
        reverse("people:verify", args=[resident.house_id]), {"usage": "rented", "present": [resident.pk]}
    )
    assert response.status_code == 302
    resident.house.refresh_from_db()
    assert resident.house.usage == "rented" and resident.house.last_verified_by == worker
    html = client.get(reverse("people:house", args=[resident.house_id])).content.decode()
    assert "最近核查" in html and "变更记录" in html


def test_add_person_form_reports_a_bad_id(client, worker, building):
    client.force_login(worker)
    house = building.houses.first()
    data = {"name": "新人", "id_number": "110105194912310021", "residence_type": "registered"}
    response = client.post(reverse("people:add_person", args=[house.pk]), data)
    assert response.status_code == 400 and "校验位" in response.content.decode()
    assert not Person.objects.filter(name="新人").exists()
    data["id_number"] = make_id_number()
    response = client.post(reverse("people:add_person", args=[house.pk]), data)
    assert response.status_code == 302
    assert Person.objects.get(name="新人").house == house


def test_import_page_errors_and_download(client, community, building):
    client.force_login(community)
    assert client.get(reverse("people:import")).status_code == 200
    template = client.get(reverse("people:template", args=["persons"]))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    bad = io.BytesIO(xlsx(ImportKind.PERSONS, [person_row("甲", "110105194912310021")]))
    bad.name = "bad.xlsx"
    response = client.post(reverse("people:import"), {"kind": "persons", "file": bad})
    assert response.status_code == 400 and "校验位" in response.content.decode()
    run = response.context["run"]
    errors = client.get(reverse("people:import_errors", args=[run.pk]))
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert sheet.cell(2, 1).value == 2 and "校验位" in sheet.cell(2, 3).value
    good = io.BytesIO(xlsx(ImportKind.PERSONS, [person_row("甲", make_id_number())]))
    good.name = "good.xlsx"
    response = client.post(reverse("people:import"), {"kind": "persons", "file": good})
    assert response.status_code == 200 and Person.objects.filter(name="甲").exists()


def test_grid_worker_cannot_import_or_export(client, worker):
    client.force_login(worker)
    assert client.get(reverse("people:import")).status_code == 404
    assert client.get(reverse("people:export")).status_code == 404


def test_export_masked_and_plain_are_logged(client, community, resident):
    client.force_login(community)
    url = reverse("people:export") + f"?region={resident.region_code[:12]}"
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "月度台账"})
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].values)
    notes = dict(list(book.worksheets[1].values))
    assert "shequ" in notes["导出人"] and notes["个人信息"] == "已脱敏"
    assert rows[0][:3] == ("姓名*", "身份证号*", "手机号")  # the import template's header, in row 1
    assert rows[1][0] == "王大妈" and rows[1][1] == resident.id_number_masked and rows[1][2] == "138****5678"
    response = client.post(url, {"reason": "低保核对", "plain": "on"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[1][1] == resident.plain_id and rows[1][2] == "13812345678"
    assert list(AccessLog.objects.order_by("id").values_list("kind", "reason")) == [
        ("export", "月度台账"),
        ("export", "低保核对"),
    ]


def test_map_data(client, worker, building, resident):
    client.force_login(worker)
    data = client.get(reverse("people:map_data")).json()
    assert [b["name"] for b in data["buildings"]] == [building.name]
    assert data["buildings"][0]["persons"] == 1


def test_tags_rental_and_enterprises_pages(client, worker, community, resident, tree):
    from civicgrid.people.models import Enterprise, Rental

    client.force_login(worker)
    url = reverse("people:person_tags", args=[resident.pk])
    assert client.post(url, {"tags": ["veteran"]}).status_code == 302
    codes = set(resident.person_tags.values_list("tag__code", flat=True))
    assert codes == {"veteran", "subsistence"}  # the restricted tag the worker cannot see stays
    house = resident.house
    response = client.post(
        reverse("people:add_rental", args=[house.pk]),
        {"landlord_name": "房东甲", "start": "2026-01-01", "end": "2025-01-01"},
    )
    assert response.status_code == 400 and not Rental.objects.exists()
    response = client.post(
        reverse("people:add_rental", args=[house.pk]),
        {"landlord_name": "房东甲", "start": "2026-01-01", "tenants": [resident.pk]},
    )
    assert response.status_code == 302
    rental = Rental.objects.get()
    assert list(rental.tenants.all()) == [resident] and rental.house.usage == "rented"
    Enterprise.objects.create(name="小卖部", grid=tree["S1C1G1"], region_code=tree["S1C1G1"].code)
    Enterprise.objects.create(name="外区店", grid=tree["S2C1G1"], region_code=tree["S2C1G1"].code)
    html = client.get(reverse("people:enterprises")).content.decode()
    assert "小卖部" in html and "外区店" not in html
    stats = client.get(reverse("people:index")).content.decode()
    assert 'data-stat="rentals">1<' in stats


def test_search_pages_through_many_matches_in_name_order(client, worker, building):
    from civicgrid.people.selectors import SEARCH_PAGE

    houses = list(building.houses.order_by("floor", "number"))
    names = [f"欧阳{index:02d}" for index in range(SEARCH_PAGE + 5)]
    for index, name in enumerate(reversed(names)):
        add_person(worker, houses[index % len(houses)], name=name)
    add_person(worker, houses[0], name="欧文")  # another prefix: not a match for 欧阳
    client.force_login(worker)
    url = reverse("people:search")

    first = client.get(url, {"q": "欧阳"}).content.decode()
    shown = [name for name in names if name in first]
    assert shown == names[:SEARCH_PAGE]
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert "现住址" in first and houses[0].number in first

    second = client.get(url, {"q": "欧阳", "page": 2}).content.decode()
    assert [name for name in names if name in second] == names[SEARCH_PAGE:]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "欧文" not in first + second

    for bad in ("x", "-3", "0"):
        assert client.get(url, {"q": "欧阳", "page": bad}).status_code == 200


def test_export_writes_formulas_as_inert_text_and_drops_control_characters(client, community, resident):
    # Stored straight through the model, as legacy data or another writer could have.
    Person.objects.filter(pk=resident.pk).update(name="=1+2", ethnicity="汉\x0b族")
    client.force_login(community)
    url = reverse("people:export") + f"?region={resident.region_code[:12]}"
    response = client.post(url, {"reason": "月度台账"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    name, ethnicity = sheet.cell(2, 1), sheet.cell(2, header.index("民族") + 1)
    assert name.data_type == "s" and name.value == "'=1+2"
    assert ethnicity.value == "汉族"
    birth = sheet.cell(2, header.index("出生日期") + 1)
    assert birth.is_date and birth.number_format == "yyyy-mm-dd"  # a real date stays a date
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


def test_a_plain_export_comes_back_through_the_import(client, community, resident):
    """Export → correct a phone and a note in the sheet → import the same file: one person updated."""
    from openpyxl import Workbook

    from civicgrid.people import importer
    from civicgrid.people.models import ImportKind

    client.force_login(community)
    url = reverse("people:export") + f"?region={resident.region_code[:12]}"
    sheet = load_workbook(io.BytesIO(client.post(url, {"reason": "核对", "plain": "on"}).content)).worksheets[0]
    rows = [list(row) for row in sheet.values]
    header = rows[0]
    person = next(row for row in rows[1:] if row[0] == "王大妈")
    person[header.index("手机号")] = "13911110902"
    person[header.index("备注")] = "电话已更新"
    edited = Workbook()
    for row in rows:
        edited.active.append(row)
    buffer = io.BytesIO()
    edited.save(buffer)
    run = importer.import_file(community, ImportKind.PERSONS, buffer.getvalue(), "核对.xlsx")
    assert run.accepted, run.errors
    assert (run.created, run.updated) == (0, 1)
    resident.refresh_from_db()
    assert resident.phone_masked == "139****0902" and resident.notes == "电话已更新"
