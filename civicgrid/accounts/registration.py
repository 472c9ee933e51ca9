"""Residents' self-registration: a resident signs up with a phone number and a password on their
community; the community's staff approve (the resident role on that community) or reject it.

Base data may confirm a registration at once: accounts publishes ResidentRegistered inside the
registering transaction, and the people app (a floor up) answers through `approve_registration`
when the phone matches a current resident of the community (civicgrid.people.residents).
Community staff may also give a resident a temporary password, to be changed at the next sign-in.
"""

import secrets
import string

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.actions import create_user, grant_role, record_security_event
from civicgrid.accounts.events import RegistrationDecided, ResidentRegistered
from civicgrid.accounts.models import Registration, Role, RoleAssignment, SecurityEvent, phone_validator
from civicgrid.core import events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.core.scoping import scope_codes, subtree_q
from civicgrid.regions.models import Level

# Who reviews registrations and resets residents' passwords (granted to community staff in apps.py).
REVIEW_PERMISSION = "accounts.review_registration"
REGISTRATION_FIELDS = ["status", "matched", "reason", "decided_by", "decided_at"]
# Registrations from one client address in one hour (civicgrid.ratelimit).
REGISTRATIONS_PER_IP_HOUR = 10


def clean_phone(value):
    """The 11-digit mainland mobile number in `value` (spaces and dashes dropped), or ValidationError."""
    phone = "".join(ch for ch in str(value or "") if ch not in " -")
    try:
        phone_validator(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    return phone


@transaction.atomic
def register_resident(*, phone, password, name, community, request=None):
    """Create the account (no role yet) and its pending registration on `community`. Publishes
    ResidentRegistered; base data may approve it before this returns."""
    phone = clean_phone(phone)
    if request is not None:
        from civicgrid.core.http import client_ip
        from civicgrid.ratelimit import store

        hit = store.hit(f"register_ip:{client_ip(request)}", REGISTRATIONS_PER_IP_HOUR, 3600)
        if not hit.allowed:
            minutes = max(1, -(-int(hit.retry_after) // 60))
            raise ValidationError(_("请求过于频繁，请 %(n)d 分钟后再试。") % {"n": minutes}, code="too_many")
    if community is None or community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("请选择您居住的社区。")})
    User = get_user_model()
    if User.objects.filter(phone=phone).exists() or User.objects.filter(username=phone).exists():
        raise ValidationError({"phone": _("该手机号已注册。请直接登录，忘记密码可以找回。")})
    user = User(username=phone, phone=phone, name=name.strip())
    validate_password(password, user)
    user = create_user(username=phone, password=password, name=name.strip(), phone=phone)
    registration = Registration.objects.create(user=user, community=community, region_code=community.code)
    record_change(None, registration, ObjectChange.Action.CREATE, None, snapshot(registration, REGISTRATION_FIELDS))
    record_security_event(SecurityEvent.Kind.REGISTERED, user=user, request=request, community=community.code)
    events.publish(ResidentRegistered(registration_id=registration.pk, user_id=user.pk, region_code=community.code))
    registration.refresh_from_db()
    return registration


def _locked_pending(registration):
    locked = Registration.objects.select_for_update().select_related("user", "community").get(pk=registration.pk)
    if locked.status != Registration.Status.PENDING:
        raise ValidationError(_("该注册申请已经处理过了。"))
    return locked


@transaction.atomic
def approve_registration(registration, *, actor=None, matched=False, request=None):
    """Approve a pending registration: the resident role on its community. `actor` None means base
    data confirmed it (`matched`). A registration already decided is refused (the first of two
    reviewers wins)."""
    registration = _locked_pending(registration)
    before = snapshot(registration, REGISTRATION_FIELDS)
    grant_role(registration.user, Role.RESIDENT, region=registration.community, actor=actor, request=request)
    registration.status = Registration.Status.APPROVED
    registration.matched = matched
    registration.decided_by = actor
    registration.decided_at = timezone.now()
    registration.save(update_fields=REGISTRATION_FIELDS)
    record_change(actor, registration, ObjectChange.Action.UPDATE, before, snapshot(registration, REGISTRATION_FIELDS))
    _text_after_commit(
        registration.user.phone,
        _("【%(platform)s】您在%(community)s的注册已通过，现在可以登录并反映问题了。")
        % {"platform": platform_name(), "community": registration.community.name},
    )
    record_security_event(
        SecurityEvent.Kind.REGISTRATION_DECIDED,
        user=registration.user,
        actor=actor,
        request=request,
        approved=True,
        matched=matched,
    )
    events.publish(
        RegistrationDecided(
            registration_id=registration.pk,
            user_id=registration.user_id,
            region_code=registration.region_code,
            approved=True,
            actor_id=actor.pk if actor else None,
        )
    )
    return registration


@transaction.atomic
def reject_registration(registration, *, actor, reason, request=None):
    """Reject a pending registration with a reason the resident sees at sign-in."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写未通过的原因。")})
    registration = _locked_pending(registration)
    before = snapshot(registration, REGISTRATION_FIELDS)
    registration.status = Registration.Status.REJECTED
    registration.reason = reason[:200]
    registration.decided_by = actor
    registration.decided_at = timezone.now()
    registration.save(update_fields=REGISTRATION_FIELDS)
    # The account closes and frees its phone number, so the resident may register again.
    user, phone = registration.user, registration.user.phone
    user.is_active, user.phone, user.username = False, None, f"rejected-{user.pk}"
    user.save(update_fields=["is_active", "phone", "username"])
    _text_after_commit(
        phone,
        _("【%(platform)s】您在%(community)s的注册未通过审核：%(reason)s。如有疑问请联系社区。")
        % {"platform": platform_name(), "community": registration.community.name, "reason": registration.reason},
    )
    record_change(actor, registration, ObjectChange.Action.UPDATE, before, snapshot(registration, REGISTRATION_FIELDS))
    record_security_event(
        SecurityEvent.Kind.REGISTRATION_DECIDED, user=registration.user, actor=actor, request=request, approved=False
    )
    events.publish(
        RegistrationDecided(
            registration_id=registration.pk,
            user_id=registration.user_id,
            region_code=registration.region_code,
            approved=False,
            actor_id=actor.pk,
        )
    )
    return registration


def platform_name():
    from django.conf import settings

    return str(settings.PLATFORM_NAME or settings.DEFAULT_PLATFORM_NAME)


def _text_after_commit(phone, text):
    """Tell the resident by text message once the decision is committed (a failure is logged)."""
    from civicgrid.accounts import sms

    def send():
        try:
            sms.send(phone, text)
        except Exception:
            sms.logger.exception("registration text to %s failed", phone[:3] + "****" + phone[-4:])

    if phone:
        transaction.on_commit(send)


def pending_for(user):
    """Pending registrations the user may review (their communities'), oldest first."""
    return Registration.objects.restrict(user, "review").pending().select_related("user", "community")


def residents_for(user):
    """Accounts holding the resident role within the user's review scope (for password resets)."""
    codes = scope_codes(user, REVIEW_PERMISSION)
    User = get_user_model()
    held = RoleAssignment.objects.active().filter(role=Role.RESIDENT)
    if codes is not None:
        held = held.filter(subtree_q("region__code", codes))
    return User.objects.filter(pk__in=held.values("user_id"), is_active=True).order_by("name", "pk")


def temporary_password(user=None):
    """A random password that passes the configured validators."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(10))
        candidate = f"{secrets.choice(string.ascii_uppercase)}{body}-{secrets.choice(string.digits)}"
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


@transaction.atomic
def reset_password_by_staff(resident, *, actor, request=None):
    """Community staff give `resident` (loaded through `residents_for`) a temporary password, shown
    once; the resident must change it at the next sign-in. Returns the password."""
    resident = get_user_model().objects.select_for_update().get(pk=resident.pk)
    password = temporary_password(resident)
    resident.set_password(password)
    resident.must_change_password = True
    resident.save(update_fields=["password", "must_change_password"])
    record_security_event(SecurityEvent.Kind.RESET_DONE, user=resident, actor=actor, request=request, by="staff")
    return password
