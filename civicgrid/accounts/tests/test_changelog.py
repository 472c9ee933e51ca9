"""Accounts and role assignments write the change log: grants and revocations, every change of an
account's fields (is_active, is_staff, is_superuser…) with the actor, and a password change as a
note without any value; the admin history pages list the rows."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from civicgrid.accounts.actions import grant_role, revoke_role
from civicgrid.accounts.models import Role, RoleAssignment, User
from civicgrid.core.changelog import changes_for
from civicgrid.core.models import ObjectChange
from civicgrid.testing import TEST_PASSWORD, build_tree, make_user

pytestmark = pytest.mark.django_db
Action = ObjectChange.Action
NEW_PASSWORD = "Another@2026pass"


@pytest.fixture
def tree():
    return build_tree(fanout=1, depth=2)


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


def no_secret_in_the_log(user):
    text = json.dumps([[row.before, row.after, row.note] for row in ObjectChange.objects.all()], ensure_ascii=False)
    return user.password not in text and "pbkdf2" not in text and "argon2" not in text


def test_a_grant_and_a_revocation_write_rows_with_the_actor(tree, root):
    user = make_user("li")
    assignment = grant_role(user, Role.COMMUNITY_STAFF, region=tree["S1C1"], actor=root)
    (row,) = changes_for(assignment)
    assert row.action == Action.CREATE and row.user == root
    assert row.after["role"] == "community_staff" and row.after["region"] == tree["S1C1"].pk
    revoke_role(assignment, actor=root)
    revoke_role(assignment, actor=root)  # already revoked: nothing more
    rows = list(changes_for(assignment))
    assert len(rows) == 2 and rows[0].action == Action.UPDATE and rows[0].user == root
    changed = {field for field, _before, _after in rows[0].changed_fields()}
    assert changed == {"revoked_at", "revoked_by"} and rows[0].after["revoked_by"] == root.pk


def test_a_refused_grant_writes_nothing(tree, root):
    user = make_user("wang")
    count = ObjectChange.objects.count()
    with pytest.raises(ValidationError):
        grant_role(user, Role.STREET_STAFF, region=tree["S1C1"], actor=root)
    assert ObjectChange.objects.count() == count


def test_creating_an_account_writes_a_row_without_the_password(root):
    user = make_user("zhao", phone="13812345678")
    (row,) = changes_for(user)
    assert row.action == Action.CREATE and row.after["username"] == "zhao"
    assert row.after["phone"] == "138****5678" and "password" not in row.after
    assert no_secret_in_the_log(user)


def change_user(admin_client, user, **changes):
    data = {
        "username": user.username,
        "name": user.name,
        "phone": user.phone or "",
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        **changes,
    }
    data = {key: value for key, value in data.items() if value != ""}
    return admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)


def test_the_admin_logs_security_flags_with_the_actor(admin_client, root):
    user = make_user("zhao")
    response = change_user(admin_client, user, is_staff="on", is_superuser="on")
    assert response.status_code == 302
    row = changes_for(user).first()
    assert row.action == Action.UPDATE and row.user == root
    assert sorted(row.changed_fields()) == [("is_staff", False, True), ("is_superuser", False, True)]
    change_user(admin_client, User.objects.get(pk=user.pk), is_active="")
    row = changes_for(user).first()
    assert row.changed_fields() == [("is_active", True, False)]
    assert no_secret_in_the_log(user)


def test_an_invalid_admin_edit_writes_nothing(admin_client):
    user = make_user("zhao")
    count = ObjectChange.objects.count()
    response = change_user(admin_client, user, phone="12345", is_staff="on")
    assert response.status_code == 200 and "11 位中国大陆手机号码" in response.content.decode()
    assert ObjectChange.objects.count() == count and not User.objects.get(pk=user.pk).is_staff


def test_an_admin_password_change_is_a_note_without_values(admin_client, root):
    user = make_user("zhao")
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = admin_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    row = changes_for(user).first()
    assert row.note == "修改密码" and row.before is None and row.after is None and row.user == root
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and no_secret_in_the_log(user)


def test_a_refused_admin_password_change_writes_nothing(admin_client):
    user = make_user("zhao")
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    count = ObjectChange.objects.count()
    response = admin_client.post(url, {"password1": NEW_PASSWORD, "password2": "different", "usable_password": "true"})
    assert response.status_code == 200
    assert ObjectChange.objects.count() == count


def test_changing_ones_own_password_is_logged_without_values(client, tree):
    worker = make_user("cs", Role.COMMUNITY_STAFF, tree["S1C1"])
    client.force_login(worker)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    row = changes_for(worker).first()
    assert row.note == "修改密码" and row.user == worker and row.before is None and row.after is None


def test_a_role_granted_in_the_admin_is_logged_and_shown(admin_client, root, tree):
    user = make_user("li")
    data = {"user": user.pk, "role": Role.COMMUNITY_STAFF, "region": tree["S1C1"].pk}
    assert admin_client.post(reverse("admin:accounts_roleassignment_add"), data).status_code == 302
    assignment = RoleAssignment.objects.get(user=user)
    (row,) = changes_for(assignment)
    assert row.user == root and row.action == Action.CREATE
    page = admin_client.get(reverse("admin:accounts_roleassignment_history", args=[assignment.pk]))
    assert page.status_code == 200 and page.content.decode().count('class="change-row"') == 1


def test_the_account_history_page_lists_its_rows(admin_client):
    user = make_user("zhao")
    change_user(admin_client, user, is_staff="on")
    page = admin_client.get(reverse("admin:accounts_user_history", args=[user.pk])).content.decode()
    with translation.override("zh-hans"):  # the field by its label, not its name (issue 14 item 6)
        label = str(User._meta.get_field("is_staff").verbose_name)
    assert page.count('class="change-row"') == 2 and label in page and "<code>is_staff</code>" not in page
