"""Security-log receivers. They only record what happened; they decide nothing."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from civicgrid.accounts.actions import record_security_event
from civicgrid.accounts.models import SecurityEvent


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    record_security_event(SecurityEvent.Kind.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is None:
        return
    kind = SecurityEvent.Kind.IDLE_LOGOUT if getattr(request, "idle_logout", False) else SecurityEvent.Kind.LOGOUT
    record_security_event(kind, user=user, request=request)


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    from civicgrid.accounts.backends import find_login_user

    identifier = (credentials or {}).get("username", "")
    record_security_event(
        SecurityEvent.Kind.LOGIN_FAILED, user=find_login_user(identifier), username=identifier[:150], request=request
    )


@receiver(user_locked_out)
def log_locked_out(sender, request, username, ip_address, **kwargs):
    from civicgrid.accounts.backends import find_login_user

    record_security_event(
        SecurityEvent.Kind.LOCKED_OUT, user=find_login_user(username), username=(username or "")[:150], request=request
    )
