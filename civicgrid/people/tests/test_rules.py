"""One set of rules for every write path (rules.py): a number typed in a form, imported from a workbook,
searched for or given to the API in any usual spelling is stored, hashed and found the same."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from civicgrid.people import actions, protection, rules, selectors
from civicgrid.people.models import Enterprise, ImportKind, Person
from civicgrid.people.testing import add_person, make_id_number
from civicgrid.people.tests.test_import import person_row, xlsx

MOBILE = "13900990902"
MOBILE_SPELLINGS = [
    "13900990902",
    "139 0099 0902",
    "139-0099-0902",
    "+86 139 0099 0902",
    "+8613900990902",
    "008613900990902",
    "8613900990902",
    "１３９００９９０９０２",
    "13９0099 0902",
    " (139) 0099-0902 ",
]
LANDLINE = "0371-65551234"
LANDLINE_SPELLINGS = [
    "0371-65551234",
    "037165551234",
    "0371 6555 1234",
    "(0371) 6555-1234",
    "+86 371 6555 1234",
    "0086-371-65551234",
    "０３７１－６５５５１２３４",
]


@pytest.mark.parametrize("spelling", MOBILE_SPELLINGS)
def test_mobile_spellings_are_one_number(spelling):
    assert rules.normalise_phone(spelling) == rules.validate_phone(spelling) == MOBILE
    assert rules.phone_hash(spelling) == protection.keyed_hash("phone", MOBILE)


@pytest.mark.parametrize("spelling", LANDLINE_SPELLINGS)
def test_landline_spellings_keep_their_area_code_in_one_form(spelling):
    assert rules.validate_phone(spelling) == LANDLINE


def test_three_digit_area_codes_and_service_numbers():
    assert rules.validate_phone("010 8888 6666") == "010-88886666"
    assert rules.validate_phone("+86 10 8888 6666") == "010-88886666"
    assert rules.validate_phone("021-5555 6666") == "021-55556666"
    assert rules.validate_phone("400-810-8888", service=True) == "4008108888"
    for bad in ("400-810-8888", "6555 1234", "0371-65551234-801", "12812345678", "电话"):
        with pytest.raises(ValueError):
            rules.validate_phone(bad)


def test_id_numbers_with_full_width_digits_are_the_ascii_number():
    number = "11010519491231002X"
    for spelling in ("１１０１０５１９４９１２３１００２ｘ", "１10105194912310 02x", "110105 19491231 002X"):
        assert rules.parse_id_number(spelling)[0] == number
        assert rules.id_number_hash(spelling) == protection.keyed_hash("id", number)
    with pytest.raises(ValueError, match="18 位"):
        rules.parse_id_number("11010519491231002Y")


@pytest.mark.django_db
def test_form_import_search_and_api_agree_on_a_number(settings, community, worker, building):
    """Typed (action), imported (workbook), searched (page), filtered (API): the same hash each time."""
    from civicgrid.people import importer

    house = building.houses.order_by("floor", "number").first()
    typed = add_person(worker, house, name="甲", phone="+86 139 0099 0902")
    assert protection.decrypt(typed.phone_enc) == MOBILE
    number = make_id_number()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:4]) + number[4:]
    run = importer.import_file(
        community,
        ImportKind.PERSONS,
        xlsx(ImportKind.PERSONS, [person_row("乙", full_width, phone="0371 6555 1234")]),
        "a.xlsx",
    )
    assert run.accepted, run.errors
    imported = Person.objects.get(name="乙")
    assert protection.decrypt(imported.id_number_enc) == number
    assert imported.phone_hash == rules.phone_hash(LANDLINE)
    for spelling in MOBILE_SPELLINGS:
        found, how = selectors.search_persons(worker, spelling)
        assert (how, [p.name for p in found]) == ("phone", ["甲"]), spelling
    for spelling in LANDLINE_SPELLINGS:
        assert [p.name for p in selectors.search_persons(worker, spelling)[0]] == ["乙"], spelling
    found, how = selectors.search_persons(worker, full_width)
    assert (how, [p.name for p in found]) == ("id", ["乙"])
    settings.ROOT_URLCONF = "civicgrid.people.tests.test_api"
    api = APIClient()
    api.force_authenticate(worker)
    for params in ({"phone": "139-0099-0902"}, {"phone": "+86 139 0099 0902"}, {"id_number": full_width}):
        assert api.get("/api/v1/people/persons/", params).json()["count"] == 1, params


@pytest.mark.django_db
def test_contact_phones_of_companies_use_the_same_rule(community, tree):
    enterprise = actions.save_enterprise(
        community, Enterprise(), name="店", kind="merchant", grid=tree["S1C1G1"], phone="（0371）6555-1234"
    )
    assert enterprise.phone_hash == rules.phone_hash("037165551234")
    with pytest.raises(ValidationError):
        actions.save_enterprise(community, enterprise, phone="6555-1234")


@pytest.mark.django_db
def test_a_phone_changed_behind_its_mask_is_logged_by_the_form_path(worker, building):
    from civicgrid.core.changelog import changes_for

    person = add_person(worker, building.houses.first(), phone="13900990902")
    actions.update_person(worker, person, phone="13911110902")
    person.refresh_from_db()
    assert protection.decrypt(person.phone_enc) == "13911110902"
    change = changes_for(person).filter(action="update").get()
    assert change.before["phone_masked"] == "139****0902"
    assert change.after["phone_masked"].startswith("139****0902") and change.after != change.before


def test_house_place_rule():
    class Building:
        code, floors = "B1", 6

    assert rules.house_place_errors(Building, 3, "1", {"1", "2"}) == {}
    assert set(rules.house_place_errors(Building, 0, "1", {"1"})) == {"floor"}
    assert set(rules.house_place_errors(Building, 7, "1", {"1"})) == {"floor"}
    assert set(rules.house_place_errors(Building, -6, "1", {"1"})) == {"floor"}
    assert set(rules.house_place_errors(Building, 2, "3", {"1", "2"})) == {"unit"}
    assert set(rules.house_place_errors(Building, 2, "", {"1"})) == {"unit"}
    assert rules.house_place_errors(Building, -1, "", set()) == {}


@pytest.mark.django_db(transaction=True)
def test_migration_brings_stored_values_to_the_canonical_form(tree):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from civicgrid.people.testing import make_building

    building = make_building(tree["S1C1G1"], code="MB")
    house = building.houses.first()
    number = make_id_number()
    old_style = {  # as the form and the importer stored them before rules.py
        "phone_enc": protection.encrypt("037165551234"),
        "phone_hash": protection.keyed_hash("phone", "037165551234"),
        "id_number_enc": protection.encrypt("４" + number[1:]),
        "id_number_hash": protection.keyed_hash("id", "４" + number[1:]),
    }
    person = Person.objects.create(name="旧", house=house, region_code=house.region_code, **old_style)
    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0004_slimmer_indexes")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app: later apps depend on people
    person.refresh_from_db()
    assert protection.decrypt(person.phone_enc) == LANDLINE and person.phone_hash == rules.phone_hash(LANDLINE)
    assert person.id_number_hash == rules.id_number_hash(number) and person.id_number_masked.startswith("4")
