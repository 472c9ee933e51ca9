"""Sensitive and restricted tags, unmasking and exporting need their own clearance for every role,
admins and superusers included (issue 12, must-show 2): the clearance is held only where a role
that lists it explicitly is assigned (the clearances of people/permissions.py)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from civicgrid.accounts.actions import grant_role
from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import APPLICATION_ROLES, clearances, permissions_of, role_has_permission
from civicgrid.people.models import AccessLog, PersonTag, Sensitivity, Tag
from civicgrid.people.policy import allowed, tag_clearance
from civicgrid.people.testing import add_person, make_id_number
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(worker, building):
    person = add_person(worker, building.houses.first(), name="钱多多", id_number=make_id_number())
    for code in ("veteran", "elderly_alone", "disabled"):  # normal, sensitive, restricted
        PersonTag.objects.create(person=person, tag=Tag.objects.get(code=code))
    return person


@pytest.fixture
def superuser(tree):
    user = make_user("root", None)
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("clearance", sorted(clearances()))
def test_a_clearance_is_held_only_where_a_role_lists_it(role, clearance):
    assert role_has_permission(role, clearance) == (clearance in permissions_of(role))
    assert not role_has_permission(Role.SYSTEM_ADMIN, clearance)


@pytest.mark.parametrize("role", sorted(APPLICATION_ROLES))
def test_application_roles_hold_no_base_data_permission(role):
    assert not any(p.startswith("people.") for p in permissions_of(role))
    assert not role_has_permission(role, "people.view_person")
    assert role_has_permission(role, "cases.add_case") and role_has_permission(role, "cases.view_case")


def _api_tags(user, person):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/people/persons/{person.pk}/")
    assert response.status_code == 200, response.content
    tagged_count = client.get("/api/v1/people/persons/", {"tag": "disabled"}).json()["count"]
    return response.json()["tags"], tagged_count


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_admins_see_no_sensitive_tag_unmask_or_export_without_clearance(client, request, who, tagged):
    user = request.getfixturevalue(who)
    assert tag_clearance(user) == Sensitivity.NORMAL
    assert tag_clearance(user, tagged.region_code) == Sensitivity.NORMAL
    assert not allowed(user, "people.unmask_person", tagged.region_code)
    assert not allowed(user, "people.export_person")
    # They still see the register itself (masked), as before.
    assert _api_tags(user, tagged) == (["veteran"], 0)
    client.force_login(user)
    html = client.get(reverse("people:person", args=[tagged.pk])).content.decode()
    assert "退役军人" in html and "独居老人" not in html and "残疾人" not in html
    response = client.post(reverse("people:unmask", args=[tagged.pk]), {"field": "id_number", "reason": "核实"})
    assert response.status_code == 404
    assert client.get(reverse("people:export") + f"?region={tagged.region_code}").status_code == 404
    assert not AccessLog.objects.exists()


def test_a_superuser_is_cleared_where_granted_explicitly(tree, superuser, tagged):
    grant_role(superuser, Role.COMMUNITY_STAFF, region=tree["S1C1"])
    assert tag_clearance(superuser, tagged.region_code) == Sensitivity.RESTRICTED
    assert allowed(superuser, "people.unmask_person", tagged.region_code)
    assert not allowed(superuser, "people.unmask_person", tree["S2"].code)
    tags, tagged_count = _api_tags(superuser, tagged)
    assert sorted(tags) == ["disabled", "elderly_alone", "veteran"] and tagged_count == 1


@pytest.mark.parametrize("role", sorted(APPLICATION_ROLES))
def test_application_roles_cannot_be_granted_to_a_person(tree, role):
    from django.core.exceptions import ValidationError

    user = make_user("someone", None)
    with pytest.raises(ValidationError):
        grant_role(user, role, region=tree["S1"])
    assert not user.role_assignments.exists()


def test_a_clearance_covers_only_the_region_it_is_held_in(tree, worker, building):
    """Street staff on S1 who are also community staff on S1C1 see restricted tags of S1C1's
    persons only — not of the rest of the street, which they may see but hold no clearance for."""
    from civicgrid.people import selectors
    from civicgrid.people.testing import make_building

    user = make_user("both", Role.STREET_STAFF, tree["S1"])
    grant_role(user, Role.COMMUNITY_STAFF, region=tree["S1C1"])
    near = add_person(worker, building.houses.first(), name="近邻")
    elsewhere = make_building(tree["S1C2G1"], code="B2")
    far_worker = make_user("far", Role.GRID_WORKER, tree["S1C2G1"])
    far = add_person(far_worker, elsewhere.houses.first(), name="远邻")
    for person in (near, far):
        PersonTag.objects.create(person=person, tag=Tag.objects.get(code="disabled"))
    client = APIClient()
    client.force_authenticate(user)
    rows = {r["name"]: r["tags"] for r in client.get("/api/v1/people/persons/").json()["results"]}
    assert rows == {"近邻": ["disabled"], "远邻": []}
    assert [r["name"] for r in client.get("/api/v1/people/persons/", {"tag": "disabled"}).json()["results"]] == ["近邻"]
    tags = selectors.visible_person_tags(user, [near, far])
    assert [t.code for t in tags[near.pk]] == ["disabled"] and far.pk not in tags
    stats = {t.code: n for t, n in selectors.region_stats(user, tree["S1"])["tags"]}
    assert stats["disabled"] == 1
    summary = {g["code"]: g["count"] for g in selectors.population_summary(user, tree["S1"])["special_groups"]}
    assert summary["disabled"] == 1
    table = selectors.building_table(user, elsewhere)
    assert table["tags"] == []


def test_an_export_shows_restricted_tags_only_where_cleared(tree, worker, building):
    import io

    from openpyxl import load_workbook

    from civicgrid.people.export import persons_workbook
    from civicgrid.people.testing import make_building

    user = make_user("both", Role.STREET_STAFF, tree["S1"])
    grant_role(user, Role.COMMUNITY_STAFF, region=tree["S1C1"])
    near = add_person(worker, building.houses.first(), name="近邻")
    far_worker = make_user("far", Role.GRID_WORKER, tree["S1C2G1"])
    far = add_person(far_worker, make_building(tree["S1C2G1"], code="B2").houses.first(), name="远邻")
    for person in (near, far):
        PersonTag.objects.create(person=person, tag=Tag.objects.get(code="disabled"))
    content, _rows = persons_workbook(user, tree["S1"], reason="核对")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    tags_column = [cell.value for cell in sheet[1]].index("标签")
    rows = {row[0]: row[tags_column] for row in list(sheet.values)[1:]}
    assert rows == {"近邻": "残疾人", "远邻": None} or rows == {"近邻": "残疾人", "远邻": ""}
    content, _rows = persons_workbook(user, tree["S1"], tag="disabled", reason="核对")
    assert [row[0] for row in list(load_workbook(io.BytesIO(content)).worksheets[0].values)[1:]] == ["近邻"]


def test_the_cached_screen_summary_is_not_shared_between_clearance_areas(tree, worker, building):
    """The command screen caches its population panel; two viewers of one street cleared for
    different communities must not see each other's special-group counts."""
    from civicgrid.dashboard.people import population_summary

    near_staff = make_user("near", Role.STREET_STAFF, tree["S1"])
    grant_role(near_staff, Role.COMMUNITY_STAFF, region=tree["S1C1"])
    far_staff = make_user("far_staff", Role.STREET_STAFF, tree["S1"])
    grant_role(far_staff, Role.COMMUNITY_STAFF, region=tree["S1C2"])
    PersonTag.objects.create(person=add_person(worker, building.houses.first()), tag=Tag.objects.get(code="disabled"))
    counts = {}
    for user in (near_staff, far_staff):
        groups = population_summary(user, tree["S1"])["special_groups"]
        counts[user.username] = {g["code"]: g["count"] for g in groups}["disabled"]
    assert counts == {"near": 1, "far_staff": 0}
