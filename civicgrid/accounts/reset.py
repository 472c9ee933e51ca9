"""忘记密码: a resident resets their password with a one-time code sent to their phone.

The code has 6 digits, is stored only as a keyed hash, expires after RESET_CODE_MINUTES and dies
after RESET_CODE_ATTEMPTS wrong tries; a new request replaces the previous code. Requests are
rate-limited per phone and per client address (civicgrid.ratelimit, shared by every worker), and the
answer is the same whether or not the phone belongs to an account, so the page cannot be used to
find out who has one. The code goes out through the SMS gateway (civicgrid.accounts.sms).
"""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from civicgrid.accounts import sms
from civicgrid.accounts.actions import record_security_event
from civicgrid.accounts.models import ResetCode, SecurityEvent
from civicgrid.accounts.registration import clean_phone, platform_name
from civicgrid.core.http import client_ip
from civicgrid.ratelimit import store

RESET_CODE_MINUTES = 10
RESET_CODE_ATTEMPTS = 5
# Code requests: per phone and per client address, in one hour.
PHONE_REQUESTS_PER_HOUR = 5
IP_REQUESTS_PER_HOUR = 20
# Code checks from one client address in one hour (each code also dies after RESET_CODE_ATTEMPTS).
IP_CHECKS_PER_HOUR = 30
HOUR = 3600

WRONG_CODE = "wrong_code"


class TooManyRequests(ValidationError):
    """A rate limit was reached; `retry_after` in seconds."""

    def __init__(self, retry_after):
        minutes = max(1, int(retry_after // 60) + (1 if retry_after % 60 else 0))
        super().__init__(_("请求过于频繁，请 %(n)d 分钟后再试。") % {"n": minutes}, code="too_many")
        self.retry_after = retry_after


def code_hash(user_id, code):
    return salted_hmac("civicgrid.accounts.reset", f"{user_id}:{code}", algorithm="sha256").hexdigest()


def _limit(key, limit):
    hit = store.hit(key, limit, HOUR)
    if not hit.allowed:
        raise TooManyRequests(hit.retry_after)


def _active_user(phone):
    return get_user_model().objects.filter(phone=phone, is_active=True).first()


def request_code(phone, *, request=None):
    """Send a reset code to `phone` if it belongs to an active account; the caller answers the same
    either way. Raises ValidationError for a malformed number and TooManyRequests over a limit."""
    phone = clean_phone(phone)
    if request is not None:
        _limit(f"reset_ip:{client_ip(request)}", IP_REQUESTS_PER_HOUR)
    _limit(f"reset_phone:{phone}", PHONE_REQUESTS_PER_HOUR)
    user = _active_user(phone)
    if user is None:
        record_security_event(SecurityEvent.Kind.RESET_REQUESTED, username=phone, request=request, known=False)
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    _store_code(user, code, request)
    sms.send(
        phone,
        _("【%(platform)s】您的找回密码验证码是 %(code)s，%(n)d 分钟内有效。如非本人操作，请忽略。")
        % {"platform": platform_name(), "code": code, "n": RESET_CODE_MINUTES},
    )
    return user


@transaction.atomic
def _store_code(user, code, request):
    now = timezone.now()
    # A new code replaces any earlier one still waiting.
    ResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    ResetCode.objects.create(
        user=user, code_hash=code_hash(user.pk, code), expires_at=now + timedelta(minutes=RESET_CODE_MINUTES)
    )
    record_security_event(SecurityEvent.Kind.RESET_REQUESTED, user=user, request=request, known=True)


@transaction.atomic
def _check_code(phone, code):
    """The user whose live code `code` is, or None (a wrong try is counted and kept)."""
    user = _active_user(phone)
    if user is None:
        code_hash(0, code)  # the same work as for a real account
        return None
    now = timezone.now()
    row = (
        ResetCode.objects.select_for_update()
        .filter(user=user, used_at__isnull=True, expires_at__gt=now, attempts__lt=RESET_CODE_ATTEMPTS)
        .first()
    )
    if row is None:
        return None
    if not constant_time_compare(row.code_hash, code_hash(user.pk, code)):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        return None
    row.used_at = now  # spent now: two requests with the same code cannot both pass
    row.save(update_fields=["used_at"])
    return user


def reset_with_code(phone, code, new_password, *, request=None):
    """Set a new password with the code sent to `phone`. Raises ValidationError: a wrong, expired or
    spent code (one message for all, and for a phone with no account), or a weak password.

    The code is checked in its own transaction, so a wrong try stays counted when this raises."""
    phone = clean_phone(phone)
    code = "".join(ch for ch in str(code or "") if not ch.isspace())
    if request is not None:
        _limit(f"reset_check_ip:{client_ip(request)}", IP_CHECKS_PER_HOUR)
    # The password first, so that a weak one does not spend the code.
    validate_password(new_password, get_user_model()(username=phone, phone=phone))
    user = _check_code(phone, code) if code.isdigit() and len(code) == 6 else None
    if user is None:
        raise ValidationError({"code": _("验证码不正确或已过期，请重新获取。")}, code=WRONG_CODE)
    validate_password(new_password, user)
    return _set_password(user, new_password, request)


@transaction.atomic
def _set_password(user, new_password, request):
    now = timezone.now()
    ResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record_security_event(SecurityEvent.Kind.RESET_DONE, user=user, actor=user, request=request, by="code")
    _unlock(user)
    return user


def _unlock(user):
    """A reset password ends a login lockout of the account (axes)."""
    from axes.utils import reset

    reset(username=user.username)
