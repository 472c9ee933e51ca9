"""Staff pages and actions that keep base data current: buildings, houses, compounds, property
companies, merchants, and moving a person to another house. Real database, no mocks: every refusal
is checked against the rows before and after."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from civicgrid.accounts.models import Role
from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange
from civicgrid.people import actions, protection, rules, validators
from civicgrid.people.models import (
    Building,
    Compound,
    Enterprise,
    House,
    Household,
    Person,
    PropertyCompany,
    Residence,
    Unit,
)
from civicgrid.people.testing import add_person, make_building
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db

CREDIT_FIRST17 = "91410103MA44XY012"
CREDIT_CODE = CREDIT_FIRST17 + validators.credit_check_char(CREDIT_FIRST17)


def rows(model):
    return list(model.objects.order_by("pk").values())


@pytest.fixture
def other_community(tree):
    return make_user("shequ2", Role.COMMUNITY_STAFF, tree["S1C2"])


@pytest.fixture
def compound(tree, community):
    return actions.save_compound(community, Compound(), name="幸福小区", community=tree["S1C1"], star=3)


def building_data(tree, **extra):
    data = {
        "code": "N1",
        "name": "新建1号楼",
        "grid": tree["S1C1G1"].pk,
        "compound": "",
        "address": "幸福路1号",
        "building_type": "residential",
        "floors": "6",
        "units": "2",
        "lon": "113.62",
        "lat": "34.75",
    }
    data.update(extra)
    return data


# --- One add/edit view per record type (civicgrid.core.editing.ObjectEditView) ---------------------


def test_every_add_and_edit_page_asks_a_visitor_to_sign_in_and_changes_nothing(client, building):
    house = building.houses.first()
    before = rows(Building), rows(House)
    pages = [
        reverse("people:building_new"),
        reverse("people:building_edit", args=[building.pk]),
        reverse("people:house_new", args=[building.pk]),
        reverse("people:house_edit", args=[house.pk]),
        reverse("people:houses_generate", args=[building.pk]),
        reverse("people:compound_new"),
        reverse("people:company_new"),
        reverse("people:enterprise_new"),
    ]
    for url in pages:
        for response in (client.get(url), client.post(url, {"name": "x", "per_floor": 2})):
            assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url
    assert (rows(Building), rows(House)) == before


def test_an_edit_page_of_a_record_that_does_not_exist_answers_404(client, community):
    client.force_login(community)
    for name in ("building_edit", "house_edit", "compound_edit", "company_edit", "enterprise_edit", "person_edit"):
        assert client.get(reverse(f"people:{name}", args=[999999])).status_code == 404, name
    assert client.get(reverse("people:house_new", args=[999999])).status_code == 404


# --- Buildings ----------------------------------------------------------------------------------------


def test_community_staff_creates_a_building_with_its_units(client, tree, community, compound):
    client.force_login(community)
    assert client.get(reverse("people:building_new") + f"?region={tree['S1C1G1'].code}").status_code == 200
    response = client.post(reverse("people:building_new"), building_data(tree, compound=compound.pk))
    building = Building.objects.get(code="N1")
    assert response.status_code == 302 and response.url == reverse("people:building", args=[building.pk])
    assert building.region_code == tree["S1C1G1"].code and building.compound == compound
    assert sorted(building.unit_set.values_list("number", flat=True)) == ["1", "2"]
    change = changes_for(building).get()
    assert change.action == ObjectChange.Action.CREATE and change.user == community
    html = client.get(response.url).content.decode()
    assert "已新增楼栋" in html and "新增房屋" in html and "修改楼栋" in html


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"code": "B1"}, "code", "已存在"),
        ({"lon": "150.1", "lat": "34.75"}, "lon", "不在中国境内"),
        ({"lon": "113.6", "lat": ""}, "lon", "同时填写"),
        ({"floors": "0"}, "floors", ""),
    ],
)
def test_bad_building_input_is_a_form_error(client, tree, community, building, extra, field, message):
    client.force_login(community)
    before = rows(Building), Unit.objects.count(), ObjectChange.objects.count()
    response = client.post(reverse("people:building_new"), building_data(tree, **extra))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert (rows(Building), Unit.objects.count(), ObjectChange.objects.count()) == before


def test_compound_of_another_community_is_refused(tree, community):
    far = actions.save_compound(
        make_user("shequ9", Role.COMMUNITY_STAFF, tree["S1C2"]), Compound(), name="外社区小区", community=tree["S1C2"]
    )
    with pytest.raises(ValidationError) as exc:
        actions.save_building(community, Building(), code="N2", name="N2", grid=tree["S1C1G1"], compound=far)
    assert "compound" in exc.value.message_dict
    assert not Building.objects.filter(code="N2").exists()


def test_units_grow_and_shrink_only_when_empty(tree, community):
    building = actions.save_building(community, Building(), code="N3", name="N3", grid=tree["S1C1G1"], units=2)
    actions.save_building(community, building, units=4)
    assert sorted(building.unit_set.values_list("number", flat=True)) == ["1", "2", "3", "4"]
    unit3 = building.unit_set.get(number="3")
    actions.save_house(community, House(building=building), unit=unit3, floor=1, number="101")
    with pytest.raises(ValidationError) as exc:
        actions.save_building(community, building, units=2)
    assert "3单元仍有房屋" in exc.value.message_dict["units"][0]
    building.refresh_from_db()
    assert building.units == 4 and building.unit_set.count() == 4
    actions.save_building(community, building, units=3)  # unit 4 is empty: it goes
    assert sorted(building.unit_set.values_list("number", flat=True)) == ["1", "2", "3"]


def test_lowering_floors_under_houses_is_refused(community, building):
    with pytest.raises(ValidationError) as exc:
        actions.save_building(community, building, floors=2)
    assert "floors" in exc.value.message_dict
    building.refresh_from_db()
    assert building.floors == 3


def test_building_edit_moves_grid_within_scope(client, tree, community, building):
    client.force_login(community)
    data = building_data(tree, code="B1", name="改名楼", grid=tree["S1C1G2"].pk, units="1", floors="3")
    response = client.post(reverse("people:building_edit", args=[building.pk]), data)
    assert response.status_code == 302
    building.refresh_from_db()
    assert building.name == "改名楼" and building.region_code == tree["S1C1G2"].code
    assert set(House.objects.filter(building=building).values_list("region_code", flat=True)) == {tree["S1C1G2"].code}
    assert changes_for(building).first().action == ObjectChange.Action.UPDATE


def test_building_pages_are_out_of_reach_without_permission_or_scope(client, tree, worker, other_community, building):
    before = rows(Building), rows(Unit), ObjectChange.objects.count()
    client.force_login(worker)  # a grid worker: no people.change_building
    assert client.get(reverse("people:building_new")).status_code == 404
    assert client.post(reverse("people:building_new"), building_data(tree)).status_code == 404
    assert client.post(reverse("people:building_edit", args=[building.pk]), building_data(tree)).status_code == 404
    html = client.get(reverse("people:building", args=[building.pk])).content.decode()
    assert "修改楼栋" not in html and "新增房屋" in html  # houses: grid workers may
    client.force_login(other_community)  # another community's staff
    assert client.get(reverse("people:building_edit", args=[building.pk])).status_code == 404
    response = client.post(reverse("people:building_new"), building_data(tree))  # a grid outside its scope
    assert response.status_code == 400 and "grid" in response.context["form"].errors
    assert (rows(Building), rows(Unit), ObjectChange.objects.count()) == before


# --- Houses -------------------------------------------------------------------------------------------


def house_data(building, **extra):
    data = {"unit": building.unit_set.get(number="1").pk, "floor": "3", "number": "303", "area": "89.5"}
    data["usage"] = "self"
    data.update(extra)
    return data


def test_grid_worker_adds_and_edits_a_house(client, worker, building):
    client.force_login(worker)
    response = client.post(reverse("people:house_new", args=[building.pk]), house_data(building))
    house = House.objects.get(building=building, number="303")
    assert response.status_code == 302 and response.url == reverse("people:house", args=[house.pk])
    assert house.region_code == building.region_code and str(house.area) == "89.50"
    assert changes_for(house).get().action == ObjectChange.Action.CREATE
    response = client.post(
        reverse("people:house_edit", args=[house.pk]), house_data(building, number="304", usage="vacant")
    )
    assert response.status_code == 302
    house.refresh_from_db()
    assert (house.number, house.usage) == ("304", "vacant")
    assert "修改房屋" in client.get(reverse("people:house", args=[house.pk])).content.decode()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"floor": "9"}, "floor"),
        ({"floor": "-6"}, "floor"),
        ({"floor": "0"}, "floor"),
        ({"number": "101", "floor": "1"}, "number"),  # taken in unit 1
    ],
)
def test_bad_house_input_is_a_form_error(client, worker, building, extra, field):
    client.force_login(worker)
    before = rows(House), ObjectChange.objects.count()
    response = client.post(reverse("people:house_new", args=[building.pk]), house_data(building, **extra))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert (rows(House), ObjectChange.objects.count()) == before


def test_unit_of_another_building_is_refused(client, tree, worker, building):
    other = make_building(tree["S1C1G1"], code="B2")
    foreign_unit = other.unit_set.get()
    client.force_login(worker)
    before = rows(House)
    response = client.post(reverse("people:house_new", args=[building.pk]), house_data(building, unit=foreign_unit.pk))
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    with pytest.raises(ValidationError) as exc:
        actions.save_house(worker, House(building=building), unit=foreign_unit, floor=1, number="909")
    assert "unit" in exc.value.message_dict
    assert rows(House) == before


def test_duplicate_house_number_in_the_action_is_a_validation_error(worker, building):
    unit = building.unit_set.get()
    with pytest.raises(ValidationError) as exc:
        actions.save_house(worker, House(building=building), unit=unit, floor=1, number="101")
    assert "101" in exc.value.message_dict["number"][0]
    with pytest.raises(ValidationError) as exc:
        actions.save_house(worker, House(building=building), unit=unit, floor=4, number="401")
    assert "-5 到 3" in exc.value.message_dict["floor"][0]
    assert not House.objects.filter(building=building, number="401").exists()


def test_house_pages_out_of_scope_answer_404_and_change_nothing(client, other_worker, building):
    house = building.houses.first()
    before = rows(House), ObjectChange.objects.count()
    client.force_login(other_worker)
    assert client.get(reverse("people:house_new", args=[building.pk])).status_code == 404
    assert client.post(reverse("people:house_new", args=[building.pk]), house_data(building)).status_code == 404
    assert client.post(reverse("people:houses_generate", args=[building.pk]), {"per_floor": 2}).status_code == 404
    response = client.post(reverse("people:house_edit", args=[house.pk]), house_data(building, number="999"))
    assert response.status_code == 404
    assert (rows(House), ObjectChange.objects.count()) == before


def test_generate_houses_skips_existing_numbers(client, tree, worker, community):
    building = actions.save_building(
        community, Building(), code="G1", name="G1", grid=tree["S1C1G1"], floors=12, units=2
    )
    unit1 = building.unit_set.get(number="1")
    actions.save_house(worker, House(building=building), unit=unit1, floor=1, number="101")
    created = actions.generate_houses(worker, building, per_floor=2)
    assert len(created) == 12 * 2 * 2 - 1
    numbers = set(House.objects.filter(building=building, unit=unit1).values_list("number", flat=True))
    assert {"101", "102", "1201", "1202"} <= numbers and len(numbers) == 24
    house_rows = ObjectChange.objects.filter(content_type__model="house", object_id__in=[str(h.pk) for h in created])
    assert house_rows.count() == len(created)
    assert "批量生成房屋" in changes_for(building).first().note
    assert actions.generate_houses(worker, building, per_floor=2) == []  # again: nothing new
    client.force_login(worker)
    response = client.post(
        reverse("people:houses_generate", args=[building.pk]),
        {"first_floor": "1", "last_floor": "2", "per_floor": "3", "units": [unit1.pk]},
    )
    assert response.status_code == 302
    assert House.objects.filter(building=building, unit=unit1, number__in=["103", "203"]).count() == 2
    assert not House.objects.filter(building=building, unit__number="2", number="103").exists()
    with pytest.raises(ValidationError):
        actions.generate_houses(worker, building, per_floor=2, first_floor=5, last_floor=13)


# --- Compounds and property companies -----------------------------------------------------------------


def test_compounds_are_kept_by_community_staff(client, tree, community, worker, other_community):
    client.force_login(community)
    company = actions.save_property_company(community, PropertyCompany(), name="安居物业", region=tree["S1C1"])
    response = client.post(
        reverse("people:compound_new"),
        {"name": "和谐小区", "community": tree["S1C1"].pk, "address": "", "star": "4", "property_company": company.pk},
    )
    compound = Compound.objects.get(name="和谐小区")
    assert response.status_code == 302 and compound.region_code == tree["S1C1"].code
    assert compound.property_company == company and changes_for(compound).get().action == "create"
    response = client.post(
        reverse("people:compound_edit", args=[compound.pk]),
        {"name": "和谐小区", "community": tree["S1C1"].pk, "star": "9"},
    )
    assert response.status_code == 400 and "star" in response.context["form"].errors
    with pytest.raises(ValidationError):
        actions.save_compound(community, compound, star=6)
    compound.refresh_from_db()
    assert compound.star == 4
    html = client.get(reverse("people:compound_edit", args=[compound.pk])).content.decode()
    assert 'id="changes"' in html
    before = rows(Compound)
    for user in (worker, other_community):
        client.force_login(user)
        url = reverse("people:compound_edit", args=[compound.pk])
        assert client.post(url, {"name": "改", "community": tree["S1C1"].pk, "star": "1"}).status_code == 404
    assert rows(Compound) == before


def test_property_company_credit_code_and_sealed_phone(client, tree, community):
    client.force_login(community)
    data = {"name": "安居物业", "region": tree["S1C1"].pk, "credit_code": "91410103MA44XY0120", "contact": "刘经理"}
    response = client.post(reverse("people:company_new"), {**data, "phone": "13912345678"})
    assert response.status_code == 400 and "校验位" in " ".join(response.context["form"].errors["credit_code"])
    response = client.post(reverse("people:company_new"), {**data, "credit_code": CREDIT_CODE, "phone": "12345"})
    assert response.status_code == 400 and "phone" in response.context["form"].errors
    assert PropertyCompany.objects.count() == 0
    data["credit_code"] = CREDIT_CODE.lower()
    response = client.post(reverse("people:company_new"), {**data, "phone": "0371-67891234"})
    company = PropertyCompany.objects.get()
    assert response.status_code == 302 and company.credit_code == CREDIT_CODE
    raw = PropertyCompany.objects.values("phone_enc", "phone_hash", "phone_masked").get()
    assert "67891234" not in raw["phone_enc"] + raw["phone_hash"]
    assert protection.decrypt(raw["phone_enc"]) == "0371-67891234"  # the canonical landline (rules.py)
    assert raw["phone_masked"] == "037****1234"
    # Editing with the phone left blank keeps it; the box clears it.
    client.post(reverse("people:company_edit", args=[company.pk]), {**data, "contact": "王经理"})
    company.refresh_from_db()
    assert company.contact == "王经理" and company.phone_masked == "037****1234"
    html = client.get(reverse("people:enterprises") + f"?region={tree['S1C1'].code}").content.decode()
    assert "037****1234" in html and "67891234" not in html
    client.post(reverse("people:company_edit", args=[company.pk]), {**data, "clear_phone": "on"})
    company.refresh_from_db()
    assert company.phone_enc == company.phone_hash == company.phone_masked == ""
    assert all("67891234" not in str(c.before) + str(c.after) for c in changes_for(company))
    # A company's 400/800 service number is a contact phone too (not a person's phone).
    client.post(reverse("people:company_edit", args=[company.pk]), {**data, "phone": "400-810-8888"})
    company.refresh_from_db()
    assert protection.decrypt(company.phone_enc) == "4008108888" and company.phone_masked == "400****8888"
    with pytest.raises(ValueError):
        rules.validate_phone("4008108888")


# --- Merchants and enterprises ------------------------------------------------------------------------


def enterprise_data(tree, **extra):
    data = {
        "name": "好邻居便利店",
        "kind": "merchant",
        "credit_code": CREDIT_CODE,
        "grid": tree["S1C1G1"].pk,
        "building_code": "B1",
        "address": "幸福路1号底商",
        "industry": "零售",
        "contact": "周老板",
        "phone": "13712345678",
        "employees": "3",
    }
    data.update(extra)
    return data


def test_enterprise_phone_is_never_stored_or_shown_in_plain_text(client, tree, community, building):
    client.force_login(community)
    response = client.post(reverse("people:enterprise_new"), enterprise_data(tree))
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302 and enterprise.building == building
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_enterprise")
        raw_row = " ".join(str(value) for value in cursor.fetchone())
    assert "13712345678" not in raw_row and "12345678" not in raw_row
    assert enterprise.phone_masked == "137****5678"
    assert enterprise.phone_hash == protection.keyed_hash("phone", "13712345678")
    change = changes_for(enterprise).get()
    assert "13712345678" not in str(change.after) and change.after["phone_masked"] == "137****5678"
    for url in (
        reverse("people:enterprises") + f"?region={tree['S1C1'].code}",
        reverse("people:enterprise_edit", args=[enterprise.pk]),
    ):
        html = client.get(url).content.decode()
        assert "137****5678" in html and "13712345678" not in html
    response = client.post(
        reverse("people:enterprise_edit", args=[enterprise.pk]), enterprise_data(tree, phone="", employees="5")
    )
    enterprise.refresh_from_db()
    assert response.status_code == 302 and enterprise.employees == 5 and enterprise.phone_masked == "137****5678"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"credit_code": "12345"}, "credit_code"),
        ({"phone": "1371234"}, "phone"),
        ({"building_code": "B9"}, "building_code"),  # a building of another grid
        ({"employees": "-1"}, "employees"),
    ],
)
def test_bad_enterprise_input_is_a_form_error(client, tree, community, building, far_building, extra, field):
    client.force_login(community)
    response = client.post(reverse("people:enterprise_new"), enterprise_data(tree, **extra))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert Enterprise.objects.count() == 0 and ObjectChange.objects.filter(object_repr="好邻居便利店").count() == 0


def test_enterprise_out_of_scope_or_without_permission(client, tree, community, worker, other_community):
    enterprise = actions.save_enterprise(community, Enterprise(), name="小卖部", grid=tree["S1C1G1"], phone="")
    before = rows(Enterprise)
    client.force_login(worker)  # grid workers see merchants but do not keep them
    assert client.get(reverse("people:enterprise_new")).status_code == 404
    assert (
        client.post(reverse("people:enterprise_edit", args=[enterprise.pk]), enterprise_data(tree)).status_code == 404
    )
    client.force_login(other_community)
    assert (
        client.post(reverse("people:enterprise_edit", args=[enterprise.pk]), enterprise_data(tree)).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        actions.save_enterprise(other_community, enterprise, name="改名")
    assert rows(Enterprise) == before


# --- Moving a person ----------------------------------------------------------------------------------


def test_person_moves_to_a_house_of_another_building(client, tree, worker, building):
    first = building.houses.order_by("floor", "number").first()
    person = add_person(worker, first, name="李四")
    other = make_building(tree["S1C1G1"], code="B2", name="和平楼")
    target = other.houses.order_by("floor", "number").last()
    host = add_person(worker, target, name="赵六")
    client.force_login(worker)
    url = reverse("people:person_move", args=[person.pk])
    html = client.get(url + "?q=和平").content.decode()
    assert "和平楼" in html
    response = client.get(url + f"?q=B2&building={other.pk}")
    assert response.status_code == 200 and 'id="move-form"' in response.content.decode()
    response = client.post(
        url + f"?building={other.pk}",
        {"house": target.pk, "household": host.household_id, "relation": "spouse", "on": str(date.today())},
    )
    assert response.status_code == 302 and response.url == reverse("people:person", args=[person.pk])
    person.refresh_from_db()
    assert person.house == target and person.household_id == host.household_id and person.relation == "spouse"
    stays = list(Residence.objects.filter(person=person).order_by("id"))
    assert [(s.house_id, s.moved_out) for s in stays] == [(first.pk, date.today()), (target.pk, None)]
    html = client.get(response.url).content.decode()
    assert "已迁往" in html and "和平楼" in html


def test_move_refuses_other_scopes_and_foreign_households(client, tree, worker, other_worker, building):
    person = add_person(worker, building.houses.first(), name="李四")
    far = make_building(tree["S1C1G2"], code="B3")
    far_house = far.houses.first()
    other_house = building.houses.last()
    elsewhere = add_person(worker, building.houses.order_by("pk")[1], name="王五")
    before = rows(Person), rows(Household), Residence.objects.count()
    client.force_login(worker)
    url = reverse("people:person_move", args=[person.pk])
    # A building outside the worker's grid is not found; a house of it is not a valid choice.
    assert client.get(url + f"?building={far.pk}").status_code == 404
    assert client.post(url + f"?building={far.pk}", {"house": far_house.pk, "on": "2026-03-01"}).status_code == 404
    response = client.post(url + f"?building={building.pk}", {"house": far_house.pk, "on": "2026-03-01"})
    assert response.status_code == 400 and "house" in response.context["form"].errors
    # A household of another house.
    response = client.post(
        url + f"?building={building.pk}",
        {"house": other_house.pk, "household": elsewhere.household_id, "on": "2026-03-01"},
    )
    assert response.status_code == 400 and "household" in response.context["form"].errors
    with pytest.raises(ValidationError):
        actions.move_in(worker, person, other_house, household=elsewhere.household)
    # A move dated before the current stay began.
    response = client.post(
        url + f"?building={building.pk}", {"house": other_house.pk, "on": str(date.today() - timedelta(days=1))}
    )
    assert response.status_code == 400 and "on" in response.context["form"].errors
    # Another grid's worker cannot even open the page.
    client.force_login(other_worker)
    assert client.post(url + f"?building={far.pk}", {"house": far_house.pk, "on": "2026-03-01"}).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.move_in(other_worker, person, far_house)
    assert (rows(Person), rows(Household), Residence.objects.count()) == before


# --- The migration that sealed the plaintext phones ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_seals_existing_phones_and_reverses(tree):
    executor = MigrationExecutor(connection)
    before, after = [("people", "0002_default_tags")], [("people", "0003_seal_contact_phones")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    grid = old.get_model("regions", "Region").objects.get(pk=tree["S1C1G1"].pk)
    old.get_model("people", "Enterprise").objects.create(
        name="老店", grid=grid, region_code=grid.code, phone="138 1234 5678"
    )
    old.get_model("people", "PropertyCompany").objects.create(
        name="老物业", region=grid, region_code=grid.code, phone="0371-12345678"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    enterprise = Enterprise.objects.get()
    assert protection.decrypt(enterprise.phone_enc) == "13812345678" and enterprise.phone_masked == "138****5678"
    assert enterprise.phone_hash == protection.keyed_hash("phone", "13812345678")
    company = PropertyCompany.objects.get()
    assert protection.decrypt(company.phone_enc) == "0371-12345678" and "12345678" not in company.phone_enc
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    reverted = executor.loader.project_state(before).apps.get_model("people", "Enterprise").objects.get()
    assert reverted.phone == "13812345678"
    # Back to every app's latest state: the apps that depend on people were unapplied on the way down.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
