"""忘记密码: a one-time code sent by the SMS gateway, hashed at rest, 10 minutes and 5 tries; rate
limits per phone and per address; the same answer whether or not the phone has an account."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civicgrid.accounts import reset, sms
from civicgrid.accounts.models import ResetCode, SecurityEvent
from civicgrid.testing import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db
REQUEST = reverse("accounts:reset")
CONFIRM = reverse("accounts:reset_confirm")
NEW = "Qing#Shui2026"
PHONE = "13900005555"


@pytest.fixture(autouse=True)
def _fast_hasher_and_outbox(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "civicgrid.accounts.sms.LocmemBackend"
    settings.RATE_LIMIT_STORE = "database"
    sms.outbox.clear()


@pytest.fixture
def resident():
    return make_user(PHONE, phone=PHONE)


def _code():
    return re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)


def _confirm(client, code, password=NEW, password2=None):
    return client.post(CONFIRM, {"code": code, "password1": password, "password2": password2 or password})


def test_reset_with_the_code_from_the_text_message(client, resident):
    response = client.post(REQUEST, {"phone": "139-0000-5555"})
    assert response.status_code == 302 and response.url == CONFIRM
    assert sms.outbox[-1][0] == PHONE
    code = _code()
    row = ResetCode.objects.get(user=resident)
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert "139****5555" in client.get(CONFIRM).content.decode()
    response = _confirm(client, code)
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    resident.refresh_from_db()
    assert resident.check_password(NEW)
    kinds = set(SecurityEvent.objects.filter(user=resident).values_list("kind", flat=True))
    assert {SecurityEvent.Kind.RESET_REQUESTED, SecurityEvent.Kind.RESET_DONE} <= kinds
    # Used once.
    client.post(REQUEST, {"phone": PHONE})
    assert _confirm(client, code, password="Another#2026").status_code == 400


def test_unknown_phone_gets_the_same_answer_and_no_message(client, resident):
    known = client.post(REQUEST, {"phone": PHONE})
    other = client.post(REQUEST, {"phone": "13900009999"})
    assert (known.status_code, known.url) == (other.status_code, other.url)
    assert [phone for phone, _ in sms.outbox] == [PHONE]
    response = _confirm(client, "123456")
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["验证码不正确或已过期，请重新获取。"]


def test_bad_phone_is_a_field_error(client):
    response = client.post(REQUEST, {"phone": "12345"})
    assert response.status_code == 400 and response.context["form"].errors.get("phone")
    assert not sms.outbox


def test_the_confirm_page_needs_a_requested_phone(client):
    assert client.get(CONFIRM).url == REQUEST


def test_wrong_code_then_too_many_tries_kill_the_code(client, resident):
    client.post(REQUEST, {"phone": PHONE})
    code = _code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(reset.RESET_CODE_ATTEMPTS):
        response = _confirm(client, wrong)
        assert response.status_code == 400 and response.context["form"].errors.get("code")
    assert ResetCode.objects.get(user=resident).attempts == reset.RESET_CODE_ATTEMPTS
    assert _confirm(client, code).status_code == 400  # even the right code is dead now
    resident.refresh_from_db()
    assert resident.check_password(TEST_PASSWORD)


def test_an_expired_code_is_refused(client, resident):
    client.post(REQUEST, {"phone": PHONE})
    ResetCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _confirm(client, _code()).status_code == 400
    resident.refresh_from_db()
    assert resident.check_password(TEST_PASSWORD)


def test_a_weak_password_keeps_the_code(client, resident):
    client.post(REQUEST, {"phone": PHONE})
    code = _code()
    response = _confirm(client, code, password="abc")
    assert response.status_code == 400 and response.context["form"].errors.get("password1")
    assert _confirm(client, code).status_code == 302


def test_a_new_request_replaces_the_old_code(client, resident):
    client.post(REQUEST, {"phone": PHONE})
    first = _code()
    client.post(REQUEST, {"phone": PHONE})
    if first != _code():
        assert _confirm(client, first).status_code == 400
    assert ResetCode.objects.filter(user=resident, used_at__isnull=True).count() == 1


def test_requests_are_limited_per_phone(client, resident):
    for _ in range(reset.PHONE_REQUESTS_PER_HOUR):
        assert client.post(REQUEST, {"phone": PHONE}).status_code == 302
    response = client.post(REQUEST, {"phone": PHONE})
    assert response.status_code == 400 and "请求过于频繁" in response.content.decode()
    assert len(sms.outbox) == reset.PHONE_REQUESTS_PER_HOUR
    # An unknown phone is limited just the same (nothing tells them apart).
    for _ in range(reset.PHONE_REQUESTS_PER_HOUR):
        client.post(REQUEST, {"phone": "13900009999"})
    assert "请求过于频繁" in client.post(REQUEST, {"phone": "13900009999"}).content.decode()


def test_requests_are_limited_per_address(client, resident, settings):
    for i in range(reset.IP_REQUESTS_PER_HOUR):
        client.post(REQUEST, {"phone": f"1390001{i:04d}"})
    response = client.post(REQUEST, {"phone": PHONE})
    assert response.status_code == 400 and "请求过于频繁" in response.content.decode()
    assert not sms.outbox


def test_a_reset_ends_a_login_lockout(client, resident, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": PHONE, "password": "wrong"})
    client.post(REQUEST, {"phone": PHONE})
    assert _confirm(client, _code()).status_code == 302
    response = client.post(reverse("accounts:login"), {"username": PHONE, "password": NEW})
    assert response.status_code == 302
