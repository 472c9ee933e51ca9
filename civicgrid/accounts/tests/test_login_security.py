import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from civicgrid.accounts.actions import create_user, grant_role, revoke_role
from civicgrid.accounts.middleware import LAST_SEEN_KEY
from civicgrid.accounts.models import Role, RoleAssignment, SecurityEvent
from civicgrid.testing import TEST_PASSWORD, build_tree, make_user

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def worker():
    tree = build_tree(fanout=1)
    return make_user("zhangwei", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678")


def test_login_by_phone_and_by_username(client, worker):
    assert post_login(client, "13812345678", TEST_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert post_login(client, "zhangwei", TEST_PASSWORD).status_code == 302
    kinds = list(SecurityEvent.objects.filter(user=worker).order_by("id").values_list("kind", flat=True))
    assert kinds == ["role_granted", "login", "logout", "login"]


def test_wrong_password_is_refused_with_a_clear_message_and_logged(client, worker):
    response = post_login(client, "13812345678", "Wrong@pass1")
    assert response.status_code == 200
    assert "连续失败 5 次后账号将被锁定 30 分钟" in response.content.decode()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert event.user == worker and event.username == "13812345678"
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_for_phone_and_username_alike(client, worker):
    # Mixing the phone number and the username must not give an attacker two counters.
    for identifier in ["13812345678", "zhangwei", "13812345678", "zhangwei", "13812345678"]:
        post_login(client, identifier, "Wrong@pass1")
    response = post_login(client, "zhangwei", TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED_OUT, user=worker).exists()
    # The right password by phone number is refused too while the lockout lasts.
    assert post_login(client, "13812345678", TEST_PASSWORD).status_code == 429


def test_lockout_ends_after_the_cool_off(client, worker, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for _ in range(5):
        post_login(client, "zhangwei", "Wrong@pass1")
    assert post_login(client, "zhangwei", TEST_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31))
    assert post_login(client, "zhangwei", TEST_PASSWORD).status_code == 302


def test_unknown_account_failures_are_logged_without_a_user(client, db):
    post_login(client, "nobody", "Wrong@pass1")
    event = SecurityEvent.objects.get()
    assert event.kind == SecurityEvent.Kind.LOGIN_FAILED and event.user is None and event.username == "nobody"


@pytest.mark.parametrize(
    "password",
    ["Ab1!", "alllowercase1", "ALLUPPERCASE1", "NoDigitsNoSymbols", "12345678901"],
)
def test_weak_passwords_are_refused(password, db):
    with pytest.raises(ValidationError):
        create_user(username="weak", password=password)
    from civicgrid.accounts.models import User

    assert not User.objects.filter(username="weak").exists()


def test_password_is_hashed_with_argon2(worker):
    assert worker.password.startswith("argon2")


def test_idle_session_is_logged_out(client, worker, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(worker)
    assert client.get(reverse("site:home")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("site:home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IDLE_LOGOUT, user=worker).exists()


def test_active_session_is_kept(client, worker):
    client.force_login(worker)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("site:home")).status_code == 200


def test_role_changes_are_logged_with_the_actor(db):
    tree = build_tree(fanout=1)
    admin = make_user("admin")
    user = make_user("li")
    assignment = grant_role(user, Role.COMMUNITY_STAFF, region=tree["S1C1"], actor=admin)
    revoke_role(assignment, actor=admin)
    events = SecurityEvent.objects.filter(user=user).order_by("id")
    assert [(e.kind, e.actor) for e in events] == [("role_granted", admin), ("role_revoked", admin)]
    assert events[0].details["region"] == tree["S1C1"].code


def test_a_role_on_the_wrong_level_is_refused_and_nothing_is_written(db):
    tree = build_tree(fanout=1)
    user = make_user("wang")
    with pytest.raises(ValidationError):
        grant_role(user, Role.STREET_STAFF, region=tree["S1C1G1"])
    with pytest.raises(ValidationError):
        grant_role(user, Role.DEPARTMENT_STAFF, region=tree["S1"])
    assert not RoleAssignment.objects.exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_GRANTED).exists()


def test_security_log_is_append_only(worker):
    event = SecurityEvent.objects.first()
    event.username = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    # The database itself refuses an update that bypasses the model.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_securityevent SET username = 'tampered'")
    assert not SecurityEvent.objects.filter(username="tampered").exists()


def test_lockouts_are_counted_in_the_database_shared_by_every_worker():
    from axes.handlers.proxy import AxesProxyHandler
    from django.conf import settings

    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    AxesProxyHandler.implementation = None
    assert type(AxesProxyHandler.get_implementation()).__name__ == "AxesDatabaseHandler"
