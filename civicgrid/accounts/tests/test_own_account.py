"""A signed-in user changes their own password (with the policy) and sees their own recent logins
from the security log, never anyone else's."""

import pytest
from django.urls import reverse

from civicgrid.accounts.models import Role, SecurityEvent
from civicgrid.testing import TEST_PASSWORD, build_tree, make_user

pytestmark = pytest.mark.django_db
PASSWORD = reverse("accounts:password_change")
LOGINS = reverse("accounts:logins")
NEW = "Qing#Shui2026"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def worker():
    tree = build_tree(fanout=1)
    return make_user("zhangwei", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678")


def _signed_in(client, user, password=TEST_PASSWORD, ua="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile"):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": password}, HTTP_USER_AGENT=ua
    )
    assert response.status_code == 302
    return client


def _change(client, old, new1, new2=None):
    return client.post(PASSWORD, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1})


def test_both_pages_need_a_signed_in_user(client):
    for url in (PASSWORD, LOGINS):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_change_own_password(client, worker):
    _signed_in(client, worker)
    page = client.get(PASSWORD)
    assert page.status_code == 200
    assert "当前密码" in page.content.decode() and "至少 3 类" in page.content.decode()
    response = _change(client, TEST_PASSWORD, NEW)
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password(NEW)
    # This session stays signed in; the change is in the security log.
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    assert client.get(LOGINS).status_code == 200
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).get()
    assert event.user == worker and event.actor == worker and event.ip_address == "127.0.0.1"


def test_another_session_is_signed_out_by_the_change(client, worker):
    from django.test import Client

    other = _signed_in(Client(), worker)
    _signed_in(client, worker)
    assert _change(client, TEST_PASSWORD, NEW).status_code == 302
    assert other.get(LOGINS).status_code == 302  # back to the login page


def test_wrong_current_password_changes_nothing_and_is_logged(client, worker):
    _signed_in(client, worker)
    response = _change(client, "Not@myPass1", NEW)
    assert response.status_code == 200
    assert "当前密码不正确" in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(TEST_PASSWORD)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()
    failed = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED, user=worker).get()
    assert failed.details == {"during": "password_change"}


def test_guessing_the_current_password_is_stopped(client, worker, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _signed_in(client, worker)
    for _ in range(3):
        assert "当前密码不正确" in _change(client, "Not@myPass1", NEW).content.decode()
    # Even the right password is refused now, and nothing changes.
    response = _change(client, TEST_PASSWORD, NEW)
    assert response.status_code == 200
    assert "尝试次数过多" in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    ("new1", "new2", "message"),
    [
        ("abc12", None, "密码太短：至少需要 8 个字符"),  # MinimumLengthValidator, in Chinese
        ("abcdefgh1", None, "至少 3 类"),  # CivicGridCharacterClasses
        ("Password1!", None, "太常见"),  # CommonPasswordValidator
        ("Zhangwei#2026", None, "相似"),  # UserAttributeSimilarityValidator
        (NEW, "Qing#Shui2027", "不一致"),
        (TEST_PASSWORD, None, "不能与当前密码相同"),
    ],
)
def test_the_password_policy_applies(client, worker, new1, new2, message):
    _signed_in(client, worker)
    response = _change(client, TEST_PASSWORD, new1, new2)
    assert response.status_code == 200
    assert message in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(TEST_PASSWORD)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()


def test_recent_logins_show_own_successes_failures_and_lockouts(client, worker, settings):
    settings.AXES_FAILURE_LIMIT = 2
    other = make_user("lisi", phone="13900009999")
    # Someone tries the worker's account from a desktop browser and gets it locked…
    for _ in range(3):
        client.post(
            reverse("accounts:login"),
            {"username": "13812345678", "password": "Wrong@pass1"},
            HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0",
            REMOTE_ADDR="10.9.8.7",
        )
    # …another user signs in and fails (never shown to the worker).
    _signed_in(client, other, ua="OtherAgent/1.0")
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "lisi", "password": "x"}, HTTP_USER_AGENT="OtherAgent/1.0")
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()  # the cool-off is over
    _signed_in(client, worker)

    page = client.get(LOGINS).content.decode()
    assert page.count('class="login-entry') == 6  # 3 failures, 2 refusals while locked, 1 success
    assert "登录成功" in page and "登录失败" in page and "账号锁定" in page
    assert "10.9.8.7" in page and "127.0.0.1" in page
    assert "Firefox · Windows" in page and "Chrome · Android" in page
    assert "OtherAgent" not in page and "lisi" not in page


def test_recent_logins_never_show_another_users_entries(client, worker):
    other = make_user("lisi", phone="13900009999")
    _signed_in(client, other, ua="OtherAgent/1.0")
    page = client.get(LOGINS).content.decode()
    assert page.count('class="login-entry') == 1 and "OtherAgent" in page
    client.post(reverse("accounts:logout"))
    _signed_in(client, worker)
    page = client.get(LOGINS).content.decode()
    assert page.count('class="login-entry') == 1 and "OtherAgent" not in page


def test_the_user_menu_links_both_pages(client, worker):
    _signed_in(client, worker)
    page = client.get(reverse("site:home")).content.decode()
    assert f'href="{PASSWORD}"' in page and f'href="{LOGINS}"' in page
