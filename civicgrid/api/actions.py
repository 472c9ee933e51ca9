"""The write path for applications, keys and webhook subscriptions (admin and management commands)."""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.api.keys import display_prefix, generate_key, hash_key
from civicgrid.api.models import KEY_ROLES, ApiKey, Application, WebhookSubscription

# Service accounts are named app-<hash>; they have no usable password and cannot sign in.
SERVICE_PREFIX = "app-"


@transaction.atomic
def create_application(name, *, description="", contact=""):
    """An application and its service account (no usable password: it cannot sign in to pages)."""
    # Deterministic (application names are unique), so the same demo seed gives the same accounts.
    username = f"{SERVICE_PREFIX}{hashlib.sha256(name.encode()).hexdigest()[:10]}"
    user = get_user_model().objects.create_user(username=username, password=None, name=name[:50])
    return Application.objects.create(name=name, description=description, contact=contact, user=user)


@transaction.atomic
def issue_key(application, *, region, role=Role.INTEGRATION, rate_per_minute=120, name="", raw=None, expires_at=None):
    """A new key; returns (ApiKey, the raw key — shown once, never stored). `role` must be an
    application role (KEY_ROLES): a key never acts as a person's role, least of all an admin."""
    validate_key_role(role)
    raw = raw or generate_key()
    key = ApiKey.objects.create(
        application=application,
        name=name,
        prefix=display_prefix(raw),
        key_hash=hash_key(raw),
        role=role,
        region=region,
        rate_per_minute=rate_per_minute,
        expires_at=expires_at,
    )
    return key, raw


def validate_key_role(role):
    if str(role) not in {value for value, _label in KEY_ROLES}:
        raise ValidationError(_("API 密钥只能使用应用角色（接入应用或热线对接）。"), code="key_role")


def revoke_key(key):
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def subscribe(application, *, url, region, event_types=(), secret=None):
    """A webhook subscription; returns it (its `secret` is what receivers verify signatures with)."""
    return WebhookSubscription.objects.create(
        application=application,
        url=url,
        region=region,
        event_types=list(event_types),
        secret=secret or secrets.token_urlsafe(32),
    )
