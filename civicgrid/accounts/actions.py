"""The write path for accounts: every role change is logged in the security log."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from civicgrid.accounts.models import RoleAssignment, SecurityEvent
from civicgrid.accounts.scopes import forget_assignments
from civicgrid.core.http import client_ip


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
    return user


@transaction.atomic
def grant_role(user, role, *, region=None, department=None, actor=None, request=None):
    assignment = RoleAssignment(user=user, role=role, region=region, department=department, granted_by=actor)
    assignment.full_clean(exclude=["user", "granted_by", "revoked_by"])
    assignment.save()
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
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = actor
    assignment.save(update_fields=["revoked_at", "revoked_by"])
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
    record_security_event(SecurityEvent.Kind.PASSWORD_CHANGED, user=user, actor=user, request=request)
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
