"""Applications, keys and webhook subscriptions write the change log through api.actions and the
admin — never a key, its hash or a signing secret — and the application's admin history lists the
rows of the application and of its keys."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civicgrid.accounts.models import Role
from civicgrid.api import actions as api_actions
from civicgrid.api.models import ApiKey, Application
from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db
Action = ObjectChange.Action


@pytest.fixture
def root():
    user = make_user("root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def log_text():
    rows = ObjectChange.objects.all()
    return json.dumps([[row.before, row.after, row.note, row.object_repr] for row in rows], ensure_ascii=False)


def test_issuing_a_key_logs_it_without_the_key_or_its_hash(world, root):
    application = api_actions.create_application("测试小程序", user=root)
    key, raw = api_actions.issue_key(application, region=world.tree["S1"], user=root)
    (app_row,) = changes_for(application)
    assert app_row.action == Action.CREATE and app_row.user == root and app_row.after["name"] == "测试小程序"
    (row,) = changes_for(key)
    assert row.action == Action.CREATE and row.user == root
    assert row.after["prefix"] == key.prefix and row.after["role"] == Role.INTEGRATION
    assert row.after["region"] == world.tree["S1"].pk and "key_hash" not in row.after
    text = log_text()
    assert raw not in text and key.key_hash not in text


def test_revoking_logs_once_with_a_note(world, root, app_key):
    _application, key, _raw = app_key
    api_actions.revoke_key(key, user=root)
    api_actions.revoke_key(key, user=root)
    rows = list(changes_for(key))
    assert len(rows) == 2 and rows[0].note == "吊销" and rows[0].user == root
    assert rows[0].before["revoked_at"] is None and rows[0].after["revoked_at"] is not None


def test_changing_a_keys_role_and_region_is_logged(world, root, app_key):
    _application, key, _raw = app_key
    key.role, key.region = Role.HOTLINE_INTEGRATION, world.tree["D"]
    api_actions.update_key(key, user=root)
    row = changes_for(key).first()
    assert sorted(row.changed_fields()) == [
        ("region", world.tree["S1"].pk, world.tree["D"].pk),
        ("role", Role.INTEGRATION, Role.HOTLINE_INTEGRATION),
    ]


def test_a_key_in_a_person_role_is_refused_and_nothing_is_logged(world, root, app_key):
    _application, key, _raw = app_key
    count = ObjectChange.objects.count()
    key.role = Role.SYSTEM_ADMIN
    with pytest.raises(ValidationError):
        api_actions.update_key(key, user=root)
    assert ApiKey.objects.get(pk=key.pk).role == Role.INTEGRATION
    assert ObjectChange.objects.count() == count


def test_a_subscription_is_logged_without_its_secret(world, root, app_key):
    application, _key, _raw = app_key
    subscription = api_actions.subscribe(
        application, url="https://example.org/hook", region=world.tree["S1"], user=root
    )
    (row,) = changes_for(subscription)
    assert row.after["url"] == "https://example.org/hook" and "secret" not in row.after
    assert subscription.secret not in log_text()


def key_form(key, **changes):
    data = {
        "keys-0-id": key.pk,
        "keys-0-application": key.application_id,
        "keys-0-name": key.name,
        "keys-0-role": key.role,
        "keys-0-region": key.region_id,
        "keys-0-rate_per_minute": key.rate_per_minute,
    }
    return {**data, **{f"keys-0-{name}": value for name, value in changes.items()}}


def application_form(application, keys=(), **changes):
    data = {
        "name": application.name,
        "description": application.description,
        "contact": application.contact,
        "is_active": "on",
        "keys-TOTAL_FORMS": len(keys),
        "keys-INITIAL_FORMS": len(keys),
        "keys-MIN_NUM_FORMS": 0,
        "keys-MAX_NUM_FORMS": 1000,
        **changes,
    }
    for form in keys:
        data.update(form)
    return data


def test_the_admin_logs_application_and_key_changes_and_lists_them(world, admin_client, root, app_key):
    application, key, raw = app_key
    url = reverse("admin:api_application_change", args=[application.pk])
    data = application_form(application, [key_form(key, role=Role.HOTLINE_INTEGRATION)], contact="王工")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    assert changes_for(application).first().changed_fields() == [("contact", "", "王工")]
    row = changes_for(key).first()
    assert row.user == root and row.changed_fields() == [("role", Role.INTEGRATION, Role.HOTLINE_INTEGRATION)]
    page = admin_client.get(reverse("admin:api_application_history", args=[application.pk])).content.decode()
    assert page.count('class="change-row"') == 4  # the application and its key: created, then changed
    assert key.prefix in page and raw not in page and key.key_hash not in page


def test_an_admin_edit_with_a_person_role_is_refused_and_writes_nothing(world, admin_client, app_key):
    application, key, _raw = app_key
    count = ObjectChange.objects.count()
    url = reverse("admin:api_application_change", args=[application.pk])
    response = admin_client.post(url, application_form(application, [key_form(key, role=Role.SYSTEM_ADMIN)]))
    assert response.status_code == 200
    assert ObjectChange.objects.count() == count and ApiKey.objects.get(pk=key.pk).role == Role.INTEGRATION


def test_adding_an_application_with_a_key_in_the_admin_logs_both(world, admin_client, root):
    data = application_form(Application(name="热线系统"), [])
    data.update(
        {
            "keys-TOTAL_FORMS": 1,
            "keys-0-name": "生产",
            "keys-0-role": Role.HOTLINE_INTEGRATION,
            "keys-0-region": world.tree["D"].pk,
            "keys-0-rate_per_minute": 60,
        }
    )
    response = admin_client.post(reverse("admin:api_application_add"), data)
    assert response.status_code == 302, response.content.decode()
    application = Application.objects.get(name="热线系统")
    key = application.keys.get()
    assert changes_for(application).get().user == root
    assert changes_for(key).get().after["role"] == Role.HOTLINE_INTEGRATION
