"""The admin saves through the actions: every add, change and deletion writes a change-log row, and an
admin user outside a record's region neither sees nor changes it."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from civicgrid.accounts.models import Role
from civicgrid.core.models import ObjectChange
from civicgrid.people import protection, rules
from civicgrid.people.models import Compound, Enterprise, PropertyCompany, Rental, Tag, Usage
from civicgrid.people.testing import add_person
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db


def staff_admin(username, role, region, *models):
    """A community staff member who may also use the admin for `models` (Django model permissions)."""
    user = make_user(username, role, region)
    user.is_staff = True
    user.save()
    for model in models:
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="people", codename__endswith=f"_{model}")
        )
    return user


@pytest.fixture
def superuser(tree):
    user = make_user("root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def keeper(tree):
    return staff_admin("keeper", Role.COMMUNITY_STAFF, tree["S1C1"], "compound", "enterprise", "rental", "tag")


def changes(record, action=None):
    rows = ObjectChange.objects.filter(object_id=str(record.pk), content_type__model=record._meta.model_name)
    return rows.filter(action=action) if action else rows


def compound_data(community, **extra):
    return {"name": "幸福小区", "community": community.pk, "address": "幸福路", "star": 3, **extra}


def test_admin_add_change_and_delete_write_change_rows(client, superuser, tree):
    client.force_login(superuser)
    response = client.post(reverse("admin:people_compound_add"), compound_data(tree["S1C1"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    compound = Compound.objects.get()
    assert compound.region_code == tree["S1C1"].code
    assert changes(compound, "create").count() == 1
    response = client.post(
        reverse("admin:people_compound_change", args=[compound.pk]), compound_data(tree["S1C1"], star=5)
    )
    assert response.status_code == 302
    update = changes(compound, "update").get()
    assert (update.before["star"], update.after["star"]) == (3, 5)
    response = client.post(reverse("admin:people_compound_delete", args=[compound.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Compound.objects.exists()
    assert changes(compound, "delete").get().before["name"] == "幸福小区"


def test_admin_rules_are_the_pages_rules(client, superuser, tree):
    client.force_login(superuser)
    logged = ObjectChange.objects.count()  # the users' and roles' own rows
    response = client.post(reverse("admin:people_compound_add"), compound_data(tree["S1C1G1"]))  # a grid
    assert response.status_code == 200 and "小区必须属于一个社区" in response.content.decode()
    assert not Compound.objects.exists() and ObjectChange.objects.count() == logged


def test_admin_enterprise_phone_is_sealed_in_the_canonical_form(client, keeper, tree):
    client.force_login(keeper)
    grid = tree["S1C1G1"]
    data = {"name": "好邻居超市", "kind": "merchant", "grid": grid.pk, "employees": 3, "phone": "(0371) 6789 1234"}
    response = client.post(reverse("admin:people_enterprise_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    enterprise = Enterprise.objects.get()
    assert protection.decrypt(enterprise.phone_enc) == "0371-67891234"
    assert enterprise.phone_hash == rules.phone_hash("+86 371 6789-1234")
    assert changes(enterprise, "create").get().after["phone_masked"] == "037****1234"


def test_admin_rental_goes_through_register_and_update(client, keeper, building):
    client.force_login(keeper)
    house = building.houses.first()
    tenant = add_person(keeper, house, name="租客")
    data = {"house": house.pk, "landlord_name": "房东", "tenants": str(tenant.pk), "start": "2026-01-01", "note": ""}
    response = client.post(reverse("admin:people_rental_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rental = Rental.objects.get()
    house.refresh_from_db()
    assert house.usage == Usage.RENTED and list(rental.tenants.all()) == [tenant]
    assert changes(rental, "create").get().after["tenants"] == [tenant.pk]
    response = client.post(reverse("admin:people_rental_change", args=[rental.pk]), {**data, "end": "2025-01-01"})
    assert response.status_code == 200 and "到期日期不能早于起租日期" in response.content.decode()
    response = client.post(reverse("admin:people_rental_change", args=[rental.pk]), {**data, "end": "2026-12-31"})
    assert response.status_code == 302
    rental.refresh_from_db()
    assert rental.end == date(2026, 12, 31) and changes(rental, "update").count() == 1


def test_admin_tag_changes_are_logged(client, superuser):
    client.force_login(superuser)
    data = {"code": "new_group", "name": "新群体", "sensitivity": 1, "colour": "#123456", "description": "", "order": 5}
    response = client.post(reverse("admin:people_tag_add"), data)
    assert response.status_code == 302
    assert changes(Tag.objects.get(code="new_group"), "create").count() == 1


def test_out_of_scope_admin_neither_sees_nor_changes(client, keeper, tree, superuser):
    own = Compound.objects.create(name="本社区小区", community=tree["S1C1"], region_code=tree["S1C1"].code)
    far = Compound.objects.create(name="外社区小区", community=tree["S2C1"], region_code=tree["S2C1"].code)
    client.force_login(keeper)
    listing = client.get(reverse("admin:people_compound_changelist")).content.decode()
    assert own.name in listing and far.name not in listing
    response = client.get(reverse("admin:people_compound_change", args=[far.pk]))
    assert response.status_code == 302  # "does not exist" back to the admin index
    before = list(Compound.objects.values_list("pk", "name", "star", "region_code").order_by("pk"))
    logged = ObjectChange.objects.count()  # the users' and roles' own rows
    client.post(reverse("admin:people_compound_change", args=[far.pk]), compound_data(tree["S2C1"], name="改"))
    client.post(reverse("admin:people_compound_delete", args=[far.pk]), {"post": "yes"})
    # Moving its own compound into another community, or adding one there, is refused too.
    response = client.post(reverse("admin:people_compound_change", args=[own.pk]), compound_data(tree["S2C1"]))
    assert response.status_code == 200
    response = client.post(reverse("admin:people_compound_add"), compound_data(tree["S2C1"], name="新"))
    assert response.status_code == 200
    assert list(Compound.objects.values_list("pk", "name", "star", "region_code").order_by("pk")) == before
    assert ObjectChange.objects.count() == logged
    far_company = PropertyCompany.objects.create(name="外物业", region=tree["S2C1"], region_code=tree["S2C1"].code)
    keeper.user_permissions.add(*Permission.objects.filter(codename__endswith="_propertycompany"))
    client.force_login(keeper)
    assert far_company.name not in client.get(reverse("admin:people_propertycompany_changelist")).content.decode()
    client.force_login(superuser)
    assert far.name in client.get(reverse("admin:people_compound_changelist")).content.decode()
