"""The write path for accounts: every role change is logged in the security log, and accounts and
role assignments write the change log (civicgrid.core.changelog). An account's snapshot holds its
security-relevant fields (the phone masked) and never its password hash: a password change is a row
with a note and no values.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.backends import find_login_user
from civicgrid.accounts.models import RoleAssignment, SecurityEvent
from civicgrid.accounts.scopes import forget_assignments
from civicgrid.core.changelog import change_row, delete_logged, record_change, snapshot
from civicgrid.core.http import client_ip
from civicgrid.core.models import ObjectChange

Action = ObjectChange.Action
# What the change log keeps of an account (never `password`; the phone is kept masked).
USER_FIELDS = [
    "username",
    "name",
    "phone",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
    "last_login",
    "date_joined",
]
ROLE_ASSIGNMENT_FIELDS = [
    "user",
    "role",
    "region",
    "department",
    "granted_by",
    "granted_at",
    "revoked_at",
    "revoked_by",
]


def user_snapshot(user):
    data = snapshot(user, USER_FIELDS)
    data["phone"] = user.masked_phone or None
    data.pop("last_login")  # changes at every sign-in; the security log has those
    return data


def record_security_event(kind, *, user=None, actor=None, username="", request=None, **details):
    ip_address, user_agent = None, ""
    if request is not None:
        ip_address = client_ip(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor,
        username=username or (user.username if user else ""),
        ip_address=ip_address,
        user_agent=user_agent,
        details=details,
    )


@transaction.atomic
def create_user(*, username, password, name="", phone=None, email="", is_staff=False, actor=None):
    """Create an account; the password must pass the configured validators."""
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    user = User(username=username, name=name, phone=phone or None, email=email, is_staff=is_staff)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    record_change(actor, user, Action.CREATE, None, user_snapshot(user))
    return user


@transaction.atomic
def save_user(user, *, actor=None, request=None):
    """Create or update an account from an edited instance (the admin's forms); logs what changed.

    The password is whatever the instance holds (the admin's creation form sets it); it is never
    logged. A change of is_active, is_staff or is_superuser also ends up in the change log with the
    actor, like every other field.
    """
    User = get_user_model()
    creating = user.pk is None
    before = None if creating else user_snapshot(User.objects.select_for_update().get(pk=user.pk))
    user.full_clean(exclude=["password"], validate_unique=True)
    user.save()
    record_change(actor, user, Action.CREATE if creating else Action.UPDATE, before, user_snapshot(user))
    forget_assignments(user)
    return user


@transaction.atomic
def delete_user(user, *, actor=None, request=None):
    delete_logged(actor, user, user_snapshot(user))


def record_password_set(user, *, actor=None, request=None):
    """Log that `user`'s password was set (by `actor`: the user or an administrator): a change row
    with a note and no values, and the security event."""
    change_row(actor, user, Action.UPDATE, None, None, _("修改密码")).save()
    record_security_event(SecurityEvent.Kind.PASSWORD_CHANGED, user=user, actor=actor, request=request)


@transaction.atomic
def grant_role(user, role, *, region=None, department=None, actor=None, request=None):
    assignment = RoleAssignment(user=user, role=role, region=region, department=department, granted_by=actor)
    assignment.full_clean(exclude=["user", "granted_by", "revoked_by"])
    assignment.save()
    record_change(actor, assignment, Action.CREATE, None, snapshot(assignment, ROLE_ASSIGNMENT_FIELDS))
    record_security_event(
        SecurityEvent.Kind.ROLE_GRANTED,
        user=user,
        actor=actor,
        request=request,
        role=role,
        region=region.code if region else None,
        department=department.code if department else None,
    )
    forget_assignments(user)
    return assignment


@transaction.atomic
def revoke_role(assignment, *, actor=None, request=None):
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.revoked_at is not None:
        return assignment
    before = snapshot(assignment, ROLE_ASSIGNMENT_FIELDS)
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = actor
    assignment.save(update_fields=["revoked_at", "revoked_by"])
    record_change(actor, assignment, Action.UPDATE, before, snapshot(assignment, ROLE_ASSIGNMENT_FIELDS), _("撤销"))
    record_security_event(
        SecurityEvent.Kind.ROLE_REVOKED,
        user=assignment.user,
        actor=actor,
        request=request,
        role=assignment.role,
        region=assignment.region.code if assignment.region_id else None,
        department=assignment.department.code if assignment.department_id else None,
    )
    forget_assignments(assignment.user)
    return assignment


@transaction.atomic
def change_password(user, new_password, *, request=None):
    """A user sets their own new password (already checked against AUTH_PASSWORD_VALIDATORS by
    the form); logged. Sessions elsewhere end, as their stored hash no longer matches; the caller
    keeps its own with update_session_auth_hash."""
    from civicgrid.accounts.forms import password_check_key
    from civicgrid.ratelimit import store

    user.set_password(new_password)
    user.must_change_password = False  # a temporary password given by community staff is replaced
    user.save(update_fields=["password", "must_change_password"])
    record_password_set(user, actor=user, request=request)
    store.reset(password_check_key(user))
    return user


def wrong_current_password(user, *, request=None):
    """A wrong current password on the password-change page: counted (shared by every worker,
    see OwnPasswordChangeForm) and logged as a failed password check."""
    from django.conf import settings

    from civicgrid.accounts.forms import password_check_key
    from civicgrid.ratelimit import store

    store.hit(password_check_key(user), settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())
    record_security_event(SecurityEvent.Kind.LOGIN_FAILED, user=user, request=request, during="password_change")


# The security log of signing in and out. Django's authentication (and axes, for lockouts) reports
# these through its own signals, its documented hook; AccountsConfig.ready() connects them to the
# functions below, which only record what happened and decide nothing.


@transaction.atomic
def record_login(user, *, request=None):
    return record_security_event(SecurityEvent.Kind.LOGIN, user=user, request=request)


@transaction.atomic
def record_logout(user, *, request=None):
    """A sign-out; an idle one when the session timed out (accounts.middleware marks the request)."""
    if user is None:  # nobody was signed in
        return None
    idle = getattr(request, "idle_logout", False)
    kind = SecurityEvent.Kind.IDLE_LOGOUT if idle else SecurityEvent.Kind.LOGOUT
    return record_security_event(kind, user=user, request=request)


@transaction.atomic
def record_login_failure(identifier, *, request=None):
    """A refused sign-in with `identifier` (a phone number or a username), linked to the account it
    names, if any."""
    identifier = identifier or ""
    user = find_login_user(identifier)
    return record_security_event(SecurityEvent.Kind.LOGIN_FAILED, user=user, username=identifier[:150], request=request)


@transaction.atomic
def record_lockout(identifier, *, request=None):
    identifier = identifier or ""
    user = find_login_user(identifier)
    return record_security_event(SecurityEvent.Kind.LOCKED_OUT, user=user, username=identifier[:150], request=request)
