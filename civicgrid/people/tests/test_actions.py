from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange
from civicgrid.people import actions, protection, selectors
from civicgrid.people.models import AccessLog, Household, Person, PersonTag, Residence, Tag, Usage
from civicgrid.people.testing import add_person, make_id_number

pytestmark = pytest.mark.django_db


def test_register_person_encrypts_and_logs_the_change(worker, building):
    house = building.houses.first()
    number = make_id_number(birth=date(1940, 5, 6), female=True)
    person = add_person(worker, house, name="李秀英", id_number=number, phone="13812345678")
    person.refresh_from_db()
    assert number not in person.id_number_enc and "13812345678" not in person.phone_enc
    assert person.id_number_masked == f"{number[:6]}********{number[-4:]}"
    assert person.phone_masked == "138****5678"
    assert person.birth_date == date(1940, 5, 6) and person.gender == "F"
    assert person.household.head == person
    change = changes_for(person).get()
    assert change.action == ObjectChange.Action.CREATE and change.user == worker
    assert number not in str(change.after) and "13812345678" not in str(change.after)
    assert Residence.objects.get(person=person).moved_out is None


def test_duplicate_id_number_is_refused_and_nothing_changes(worker, building):
    house = building.houses.first()
    number = make_id_number()
    add_person(worker, house, id_number=number)
    counts = (Person.objects.count(), Household.objects.count(), ObjectChange.objects.count())
    with pytest.raises(ValidationError):
        add_person(worker, building.houses.last(), name="王五", id_number=number)
    assert (Person.objects.count(), Household.objects.count(), ObjectChange.objects.count()) == counts


def test_out_of_scope_worker_cannot_change(other_worker, worker, building):
    house = building.houses.first()
    person = add_person(worker, house)
    with pytest.raises(PermissionDenied):
        actions.update_person(other_worker, person, name="改名")
    person.refresh_from_db()
    assert person.name == "张三"
    assert not Person.objects.restrict(other_worker).filter(pk=person.pk).exists()


def test_update_records_before_and_after(worker, building):
    person = add_person(worker, building.houses.first())
    actions.update_person(worker, person, name="张三丰", phone="13900001111")
    change = changes_for(person).first()
    assert change.action == ObjectChange.Action.UPDATE
    assert {k: (b, a) for k, b, a in change.changed_fields()} == {
        "name": ("张三", "张三丰"),
        "phone_masked": ("", "139****1111"),
    }
    # A save that changes nothing writes nothing.
    before = ObjectChange.objects.count()
    actions.update_person(worker, person, name="张三丰")
    assert ObjectChange.objects.count() == before


def test_move_out_and_in_keeps_history(worker, building):
    first, second = building.houses.all()[:2]
    person = add_person(worker, first)
    actions.move_in(worker, person, second, on=date.today())
    person.refresh_from_db()
    assert person.house == second
    stays = list(Residence.objects.filter(person=person).order_by("id"))
    assert [s.house_id for s in stays] == [first.pk, second.pk]
    assert stays[0].moved_out == date.today() and stays[1].moved_out is None
    actions.move_out(worker, person)
    person.refresh_from_db()
    assert person.house is None and person.moved_out_at == date.today()
    assert not selectors.current_persons(worker).filter(pk=person.pk).exists()


def test_unmask_needs_permission_and_reason_and_is_logged(worker, community, building):
    number = make_id_number()
    person = add_person(worker, building.houses.first(), id_number=number, phone="13812345678")
    with pytest.raises(PermissionDenied):
        actions.unmask(worker, person, "id_number", "核实身份")
    with pytest.raises(ValidationError):
        actions.unmask(community, person, "id_number", " ")
    assert AccessLog.objects.count() == 0
    assert actions.unmask(community, person, "id_number", "办理低保核实身份") == number
    assert actions.unmask(community, person, "phone", "联系本人") == "13812345678"
    logs = list(AccessLog.objects.order_by("id"))
    assert [(log.user, log.person, log.field, log.kind) for log in logs] == [
        (community, person, "id_number", "unmask"),
        (community, person, "phone", "unmask"),
    ]
    assert logs[0].reason == "办理低保核实身份"


def test_tags_respect_sensitivity(worker, community, building):
    person = add_person(worker, building.houses.first())
    actions.set_tags(community, person, ["veteran", "subsistence"])  # subsistence: restricted
    with pytest.raises(ValidationError):
        actions.set_tags(worker, person, ["subsistence"])
    actions.set_tags(worker, person, ["elderly_alone"])  # sensitive: grid workers may
    codes = set(PersonTag.objects.filter(person=person).values_list("tag__code", flat=True))
    assert codes == {"elderly_alone", "subsistence"}  # the restricted tag the worker cannot see is kept
    tags = selectors.visible_person_tags(worker, [person])[person.pk]
    assert [t.code for t in tags] == ["elderly_alone"]


def test_door_knocking_verification(worker, building):
    house = building.houses.first()
    stays = add_person(worker, house, name="留下")
    leaves = add_person(worker, house, name="搬走")
    actions.verify_house(worker, house, usage=Usage.RENTED, present_ids=[stays.pk])
    house.refresh_from_db()
    assert house.usage == Usage.RENTED and house.last_verified_by == worker and house.last_verified_at
    assert stays.household.__class__.objects.get(pk=stays.household_id).last_verified_by == worker
    leaves.refresh_from_db()
    assert leaves.house is None
    assert changes_for(house).first().action == ObjectChange.Action.VERIFY


def test_anonymisation_after_retention(worker, building, settings):
    settings.PEOPLE_RETENTION_DAYS = 30
    person = add_person(worker, building.houses.first(), phone="13812345678")
    recent = add_person(worker, building.houses.last(), name="近期")
    actions.move_out(worker, person, on=date.today() - timedelta(days=31))
    actions.move_out(worker, recent, on=date.today() - timedelta(days=5))
    PersonTag.objects.create(person=person, tag=Tag.objects.get(code="veteran"))
    assert actions.anonymise_moved_out() == 1
    person.refresh_from_db()
    assert person.name == actions.ANONYMOUS_NAME and person.anonymised_at
    assert person.id_number_enc == person.phone_enc == person.phone_hash == ""
    assert not PersonTag.objects.filter(person=person).exists()
    assert Person.objects.get(pk=recent.pk).name == "近期"
    assert actions.anonymise_moved_out() == 0
    assert changes_for(person).first().action == ObjectChange.Action.ANONYMISE


def test_search_by_name_phone_and_id(worker, other_worker, building):
    number = make_id_number()
    person = add_person(worker, building.houses.first(), name="赵敏", id_number=number, phone="13812345678")
    assert list(selectors.search_persons(worker, "赵")[0]) == [person]
    assert selectors.search_persons(worker, number.lower())[1] == "id"
    assert list(selectors.search_persons(worker, number)[0]) == [person]
    assert list(selectors.search_persons(worker, "138 1234 5678")[0]) == [person]
    assert list(selectors.search_persons(other_worker, "赵")[0]) == []
    assert protection.keyed_hash("id", number) == person.id_number_hash


def test_a_grid_or_community_scope_is_narrow_a_district_is_not(worker, community, admin, building):
    # Narrow scopes search their own index first on SQLite; the answers are the same either way.
    assert selectors.narrow_scope(worker) and selectors.narrow_scope(community)
    assert not selectors.narrow_scope(admin)
    person = add_person(worker, building.houses.first(), name="钱多多")
    for user in (worker, community, admin):
        assert list(selectors.search_persons(user, "钱")[0]) == [person]


def test_population_summary_and_elderly_contract(worker, community, tree, building, far_building):
    house = building.houses.first()
    old = add_person(worker, house, name="独居", id_number=make_id_number(birth=date(1940, 1, 1)))
    add_person(worker, building.houses.last(), name="年轻")
    PersonTag.objects.create(person=old, tag=Tag.objects.get(code="elderly_alone"))
    PersonTag.objects.create(person=old, tag=Tag.objects.get(code="subsistence"))
    summary = selectors.population_summary(worker, tree["S1C1"])
    assert summary["persons"] == 2 and summary["households"] == 2 and summary["houses"] == 6
    by_child = {row["code"]: row for row in summary["by_child"]}
    assert by_child[tree["S1C1G1"].code]["persons"] == 2 and by_child[tree["S1C1G2"].code]["persons"] == 0
    groups = {row["code"]: row["count"] for row in summary["special_groups"]}
    assert groups["elderly_alone"] == 1 and "subsistence" not in groups  # not for grid workers
    assert {
        row["code"]: row["count"] for row in selectors.population_summary(community, tree["S1C1"])["special_groups"]
    }["subsistence"] == 1
    assert list(selectors.elderly_alone_not_visited(tree["S1"], 30)) == [old]
    actions.verify_house(worker, house, usage=Usage.SELF, present_ids=[old.pk])
    assert list(selectors.elderly_alone_not_visited(tree["S1"], 30)) == []
