"""Regions and departments write the change log through their actions and the admin; a node's code,
level and parent are fixed once created; the history shows on the admin and staff pages."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civicgrid.accounts.models import Role
from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange
from civicgrid.regions.actions import (
    boundary_digest,
    create_region,
    import_boundaries,
    save_department,
    set_boundary,
    update_region,
)
from civicgrid.regions.forms import RegionAdminForm
from civicgrid.regions.models import Department, Region
from civicgrid.testing import DISTRICT_BOX, build_tree, make_user, rectangle

pytestmark = pytest.mark.django_db
Action = ObjectChange.Action
X0, Y0, X1, Y1 = DISTRICT_BOX
XM = (X0 + X1) / 2


@pytest.fixture
def root():
    user = make_user("root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def district(root):
    return create_region(code="410103", name="二七区", boundary=rectangle(DISTRICT_BOX), user=root)


@pytest.fixture
def street(district, root):
    return create_region(
        code="410103001", name="建中街街道", parent=district, boundary=rectangle((X0, Y0, XM, Y1)), user=root
    )


def test_create_writes_a_create_row_with_the_new_values(street, root):
    (row,) = changes_for(street)
    assert row.action == Action.CREATE and row.user == root and row.before is None
    assert row.after["code"] == "410103001" and row.after["name"] == "建中街街道"
    assert row.after["parent"] == street.parent_id
    assert row.after["boundary"] == boundary_digest(street.boundary) and row.after["boundary"].startswith("Polygon ")


def test_update_writes_before_and_after(street, root):
    update_region(street, user=root, name="建中街道", is_active=False)
    row = changes_for(street).first()
    assert row.action == Action.UPDATE and row.user == root
    assert {field: (before, after) for field, before, after in row.changed_fields()} == {
        "name": ("建中街街道", "建中街道"),
        "is_active": (True, False),
    }


def test_an_update_that_changes_nothing_writes_nothing(street, root):
    update_region(street, user=root, name=street.name)
    assert changes_for(street).count() == 1


@pytest.mark.parametrize("field", ["code", "parent", "level"])
def test_code_level_and_parent_are_fixed_once_created(street, district, root, field):
    other = create_region(code="410104", name="中原区", user=root)
    value = {"code": "410103002", "parent": other, "level": 2}[field]
    with pytest.raises(ValidationError) as error:
        update_region(street, user=root, name="改名", **{field: value})
    assert field in error.value.message_dict and "不能修改编码、层级或上级" in str(error.value)
    street.refresh_from_db()
    assert (street.code, street.parent_id, street.level, street.name) == ("410103001", district.pk, 1, "建中街街道")
    assert changes_for(street).count() == 1


def test_the_same_code_and_parent_are_accepted(street, district, root):
    update_region(street, user=root, code=street.code, parent=district, level=street.level, name="建中街道")
    assert Region.objects.get(pk=street.pk).name == "建中街道"


def test_an_invalid_boundary_writes_nothing(street, root):
    beyond = rectangle((X0, Y0, X1 + 0.05, Y1))
    with pytest.raises(ValidationError):
        update_region(street, user=root, boundary=beyond)
    with pytest.raises(ValidationError):
        set_boundary(street, beyond, user=root)
    assert changes_for(street).count() == 1


def test_set_boundary_logs_the_boundary_fingerprint(street, root):
    old = boundary_digest(street.boundary)
    set_boundary(street, rectangle((X0, Y0, XM - 0.01, Y1)), user=root)
    row = changes_for(street).first()
    assert row.before["boundary"] == old and row.after["boundary"] == boundary_digest(street.boundary) != old
    assert row.before["centroid_lon"] != row.after["centroid_lon"]


def feature(code, name, box):
    return {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": rectangle(box)}


def test_an_import_writes_import_rows_with_a_note(district, root):
    data = {
        "type": "FeatureCollection",
        "features": [feature("410103001", "建中街街道", (X0, Y0, XM, Y1)), feature("410103", "二七区", DISTRICT_BOX)],
    }
    report = import_boundaries(data, user=root, note="导入边界：erqi.geojson")
    assert report.ok and report.created == 1
    street = Region.objects.get(code="410103001")
    (row,) = changes_for(street)
    assert row.action == Action.IMPORT and row.before is None and row.note == "导入边界：erqi.geojson"
    assert row.after["name"] == "建中街街道" and row.user == root
    # The district's boundary is the same: its import only re-stamped it, so no row.
    assert changes_for(district).count() == 1
    data["features"][1]["properties"]["name"] = "二七新区"
    import_boundaries(data)
    row = changes_for(district).first()
    assert row.action == Action.IMPORT and row.user is None
    assert {field for field, _before, _after in row.changed_fields()} == {"name", "boundary_updated_at"}
    assert row.before["name"] == "二七区" and row.after["name"] == "二七新区"


def test_a_failed_or_dry_run_import_writes_no_rows(district):
    count = ObjectChange.objects.count()
    good = {"type": "FeatureCollection", "features": [feature("410103001", "建中街街道", (X0, Y0, XM, Y1))]}
    assert import_boundaries(good, dry_run=True).ok
    bad = {"type": "FeatureCollection", "features": [feature("410103001", "越界", (X0, Y0, X1 + 0.05, Y1))]}
    assert not import_boundaries(bad).ok
    assert ObjectChange.objects.count() == count


def test_the_import_command_writes_rows_naming_the_file(district, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "streets.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature("410103001", "建中街街道", (X0, Y0, XM, Y1))]})
    )
    call_command("import_boundaries", str(path))
    (row,) = changes_for(Region.objects.get(code="410103001"))
    assert row.action == Action.IMPORT and row.user is None and "streets.geojson" in row.note


# --- The admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def test_the_admin_shows_code_level_and_parent_read_only(admin_client, street):
    page = admin_client.get(reverse("admin:regions_region_change", args=[street.pk])).content.decode()
    assert 'name="name"' in page
    assert 'name="code"' not in page and 'name="parent"' not in page and 'name="level"' not in page
    add = admin_client.get(reverse("admin:regions_region_add")).content.decode()
    assert 'name="code"' in add and 'name="parent"' in add


def test_an_admin_edit_writes_a_row_and_ignores_a_posted_code(admin_client, street, root):
    data = {
        "code": "410103999",
        "parent": "",
        "level": 0,
        "name": "建中街道",
        "boundary": json.dumps(street.boundary),
        "is_active": "on",
    }
    response = admin_client.post(reverse("admin:regions_region_change", args=[street.pk]), data)
    assert response.status_code == 302
    street.refresh_from_db()
    assert (street.code, street.level, street.name) == ("410103001", 1, "建中街道")
    row = changes_for(street).first()
    assert row.user == root and row.changed_fields() == [("name", "建中街街道", "建中街道")]


def test_an_admin_add_writes_a_create_row(admin_client, district, root):
    data = {"code": "410103002", "parent": district.pk, "level": 1, "name": "淮河路街道", "boundary": "null"}
    response = admin_client.post(reverse("admin:regions_region_add"), data)
    assert response.status_code == 302, response.content.decode()
    (row,) = changes_for(Region.objects.get(code="410103002"))
    assert row.action == Action.CREATE and row.user == root


def test_the_form_refuses_a_new_code_for_an_existing_node(street):
    data = {
        "code": "410103002",
        "parent": street.parent_id,
        "level": 1,
        "name": street.name,
        "boundary": json.dumps(street.boundary),
        "is_active": True,
    }
    form = RegionAdminForm(data, instance=Region.objects.get(pk=street.pk))
    assert not form.is_valid()
    assert "不能修改编码、层级或上级" in str(form.errors["code"])


def test_the_admin_history_page_lists_the_change_rows(admin_client, street, root):
    update_region(street, user=root, name="建中街道")
    response = admin_client.get(reverse("admin:regions_region_history", args=[street.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="change-row"') == 2 and "建中街街道 → 建中街道" in page


def test_the_history_page_needs_permission(client, street):
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:regions_region_history", args=[street.pk])).status_code == 403


def test_a_department_saved_in_the_admin_writes_rows(admin_client, district, root):
    data = {"code": "D-CG", "name": "城管局", "kind": "urban_management", "region": district.pk, "is_active": "on"}
    assert admin_client.post(reverse("admin:regions_department_add"), data).status_code == 302
    department = Department.objects.get(code="D-CG")
    data["name"] = "区城管局"
    url = reverse("admin:regions_department_change", args=[department.pk])
    assert admin_client.post(url, data).status_code == 302
    create, update = reversed(changes_for(department))
    assert create.action == Action.CREATE and update.changed_fields() == [("name", "城管局", "区城管局")]
    assert update.user == root
    page = admin_client.get(reverse("admin:regions_department_history", args=[department.pk])).content.decode()
    assert "城管局 → 区城管局" in page
    assert admin_client.post(reverse("admin:regions_department_delete", args=[department.pk]), {"post": "yes"})
    assert changes_for(department).first().action == Action.DELETE


def test_an_invalid_department_writes_nothing(district, root):
    with pytest.raises(ValidationError):
        save_department(Department(code="", name="无编码", region=district), user=root)
    assert not ObjectChange.objects.filter(content_type__model="department").exists()


# --- The staff page ------------------------------------------------------------------------------


def test_the_region_page_shows_its_history_to_staff_only(client):
    tree = build_tree(fanout=1)
    community = tree["S1C1"]
    staff = make_user("街道李强", Role.STREET_STAFF, tree["S1"])
    update_region(community, user=staff, name="建中社区")
    client.force_login(staff)
    page = client.get(reverse("regions:detail", args=[community.code])).content.decode()
    assert 'id="changes"' in page and "S1C1 → 建中社区" in page
    client.force_login(make_user("居民乙", Role.RESIDENT, community))
    page = client.get(reverse("regions:detail", args=[community.code])).content.decode()
    assert 'id="changes"' not in page and "S1C1 → 建中社区" not in page
