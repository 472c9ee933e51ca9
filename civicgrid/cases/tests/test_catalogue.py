"""Categories and their time limits are written through cases.catalogue: the admin and the loader
write change-log rows (the loader as IMPORT rows naming the table), invalid edits write nothing, and
the admin history lists the rows."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from civicgrid.cases import catalogue
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Category
from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db
Action = ObjectChange.Action


def category_rows():
    return ObjectChange.objects.filter(content_type__app_label="cases", content_type__model="category")


@pytest.fixture
def table():
    load_categories()


@pytest.fixture
def root():
    user = make_user("root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_an_edit_of_a_time_limit_logs_before_and_after(table, root):
    category = Category.objects.get(code="06010")
    old = category.handle_limit
    category.handle_limit, category.handle_unit = Decimal(6), "d"
    catalogue.save_category(category, user=root)
    (row,) = changes_for(category)
    assert row.action == Action.UPDATE and row.user == root
    assert {field for field, _b, _a in row.changed_fields()} <= {"handle_limit", "handle_unit"}
    assert row.before["handle_limit"] == (None if old is None else f"{old:.1f}") and row.after["handle_limit"] == "6.0"
    assert row.after["handle_unit"] == "d"


def test_an_invalid_limit_writes_nothing(table, root):
    category = Category.objects.get(code="06010")
    category.handle_limit = Decimal("-1")
    with pytest.raises(ValidationError):
        catalogue.save_category(category, user=root)
    assert not category_rows().exists()
    assert Category.objects.get(code="06010").handle_limit != Decimal("-1")


def test_the_loader_writes_import_rows_naming_the_file(table):
    Category.objects.filter(code="S08002").delete()
    edited = Category.objects.get(code="06010")
    shipped = edited.handle_limit
    Category.objects.filter(pk=edited.pk).update(handle_limit=Decimal(9))
    call_command("load_categories")
    (created,) = category_rows()
    assert created.action == Action.IMPORT and created.before is None and "categories.json" in created.note
    assert created.after["code"] == "S08002"
    call_command("load_categories", "--update")
    (row,) = changes_for(edited)
    assert row.action == Action.IMPORT and row.changed_fields() == [("handle_limit", "9.0", f"{shipped:.1f}")]
    call_command("load_categories", "--update")  # nothing left to change: no more rows
    assert category_rows().count() == 2


def category_form(category, **changes):
    data = {
        field.name: "" if getattr(category, field.attname) is None else getattr(category, field.attname)
        for field in Category._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in ("created_at", "updated_at")
    }
    data["parent"] = category.parent_id or ""
    data["default_department"] = category.default_department_id or ""
    data["extra_fields"] = "[]"
    for name in ("resident_selectable", "is_active"):
        data[name] = "on" if data[name] else ""
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_admin_saves_through_the_catalogue_and_shows_the_history(client, table, root):
    client.force_login(root)
    category = Category.objects.get(code="06010")
    url = reverse("admin:cases_category_change", args=[category.pk])
    response = client.post(url, category_form(category, verify_limit="2", verify_unit="d"))
    assert response.status_code == 302, response.content.decode()
    row = changes_for(category).get()
    assert row.user == root
    assert {field for field, _b, _a in row.changed_fields()} >= {"verify_limit"}
    assert row.after["verify_limit"] == "2.0" and row.after["verify_unit"] == "d"
    page = client.get(reverse("admin:cases_category_history", args=[category.pk])).content.decode()
    assert page.count('class="change-row"') == 1 and "核查时限" in page  # the field's label, not its name


def test_an_invalid_admin_edit_writes_nothing(client, table, root):
    client.force_login(root)
    category = Category.objects.get(code="06010")
    url = reverse("admin:cases_category_change", args=[category.pk])
    response = client.post(url, category_form(category, handle_limit="0"))
    assert response.status_code == 200
    assert not category_rows().exists()
