"""A small world for property tests: compound A (company A) in community S1C1 and compound B
(company B) in S1C2, each with a building of houses; a resident living in each (their account's
phone is their base-data phone); property staff of each company; community staff of S1C1, street
staff of S1 and a grid worker of S1C1G1 (verifies repairs)."""

from types import SimpleNamespace

import pytest

from civicgrid.accounts.models import Role
from civicgrid.people.models import Compound, PropertyCompany
from civicgrid.people.testing import add_person, make_building
from civicgrid.property import actions
from civicgrid.regions import locator
from civicgrid.testing import build_tree, make_user


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0


def _compound(tree, community, name, company_name, code):
    company = PropertyCompany.objects.create(
        name=company_name, region=tree["S1"], region_code=tree["S1"].code, contact="经理"
    )
    compound = Compound.objects.create(
        name=name, community=tree[community], region_code=tree[community].code, property_company=company
    )
    building = make_building(tree[f"{community}G1"], code=code)
    building.compound = compound
    building.save(update_fields=["compound"])
    return company, compound, building


def build_world():
    tree = build_tree()
    locator.invalidate()
    actions.ensure_repair_categories()
    company_a, compound_a, building_a = _compound(tree, "S1C1", "幸福小区", "安居物业", "A1")
    company_b, compound_b, building_b = _compound(tree, "S1C2", "和谐小区", "和美物业", "B1")
    admin = make_user("admin", Role.SYSTEM_ADMIN, tree["D"])
    department_a = actions.link_company(admin, company_a)
    department_b = actions.link_company(admin, company_b)
    people = SimpleNamespace(
        admin=admin,
        community=make_user("community", Role.COMMUNITY_STAFF, tree["S1C1"]),
        community_b=make_user("community_b", Role.COMMUNITY_STAFF, tree["S1C2"]),
        street=make_user("street", Role.STREET_STAFF, tree["S1"]),
        grid=make_user("grid", Role.GRID_WORKER, tree["S1C1G1"]),
        resident=make_user("resident", Role.RESIDENT, tree["S1C1"], phone="13800000001"),
        resident2=make_user("resident2", Role.RESIDENT, tree["S1C1"], phone="13800000002"),
        resident_b=make_user("resident_b", Role.RESIDENT, tree["S1C2"], phone="13800000009"),
        staff_a=make_user("staff_a", Role.PROPERTY_STAFF, department=department_a),
        staff_a2=make_user("staff_a2", Role.PROPERTY_STAFF, department=department_a),
        staff_b=make_user("staff_b", Role.PROPERTY_STAFF, department=department_b),
    )
    houses_a = list(building_a.houses.order_by("pk"))
    houses_b = list(building_b.houses.order_by("pk"))
    add_person(people.community, houses_a[0], name="张三", phone="13800000001")
    add_person(people.community, houses_a[1], name="李四", phone="13800000002")
    add_person(people.community_b, houses_b[0], name="王五", phone="13800000009")
    return SimpleNamespace(
        tree=tree,
        people=people,
        company_a=company_a,
        company_b=company_b,
        compound_a=compound_a,
        compound_b=compound_b,
        building_a=building_a,
        building_b=building_b,
        houses_a=houses_a,
        houses_b=houses_b,
        department_a=department_a,
        department_b=department_b,
    )


@pytest.fixture
def world(db):
    return build_world()


def category():
    return actions.repair_categories()[0]


def report(world, user=None, **kwargs):
    fields = {"category": category().pk, "description": "卫生间水管漏水"}
    fields.update(kwargs)
    return actions.report_repair(user or world.people.resident, **fields)
