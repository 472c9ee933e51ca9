"""The write path for applications, keys and webhook subscriptions (admin and management commands).

Each writes the change log (civicgrid.core.changelog) with who did it. A key's raw value and its
hash, and a subscription's signing secret, are never logged: the log holds the key's display prefix.
"""

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
from civicgrid.core.changelog import delete_logged, record_change, snapshot, stored_snapshot
from civicgrid.core.models import ObjectChange

# Service accounts are named app-<hash>; they have no usable password and cannot sign in.
SERVICE_PREFIX = "app-"
Action = ObjectChange.Action
APPLICATION_FIELDS = ["name", "description", "contact", "user", "is_active", "created_at"]
# Never `key_hash` (nor the raw key, which is not stored); not `last_used_at`, which every request bumps.
KEY_FIELDS = [
    "application",
    "name",
    "prefix",
    "role",
    "region",
    "suggest_category",
    "rate_per_minute",
    "created_at",
    "expires_at",
    "revoked_at",
]
# Never `secret`.
SUBSCRIPTION_FIELDS = ["application", "url", "region", "event_types", "is_active", "created_at"]


@transaction.atomic
def create_application(name, *, description="", contact="", is_active=True, user=None):
    """An application and its service account (no usable password: it cannot sign in to pages)."""
    # Deterministic (application names are unique), so the same demo seed gives the same accounts.
    username = f"{SERVICE_PREFIX}{hashlib.sha256(name.encode()).hexdigest()[:10]}"
    account = get_user_model().objects.create_user(username=username, password=None, name=name[:50])
    application = Application.objects.create(
        name=name, description=description, contact=contact, user=account, is_active=is_active
    )
    record_change(user, application, Action.CREATE, None, snapshot(application, APPLICATION_FIELDS))
    return application


@transaction.atomic
def update_application(application, *, user=None):
    """Save an edited application (name, description, contact, is_active); logged."""
    before = stored_snapshot(application, APPLICATION_FIELDS)
    application.full_clean(exclude=["user"])
    application.save()
    record_change(user, application, Action.UPDATE, before, snapshot(application, APPLICATION_FIELDS))
    return application


@transaction.atomic
def issue_key(
    application,
    *,
    region,
    role=Role.INTEGRATION,
    rate_per_minute=120,
    name="",
    raw=None,
    expires_at=None,
    user=None,
    suggest_category=False,
):
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
        suggest_category=suggest_category,
    )
    record_change(user, key, Action.CREATE, None, snapshot(key, KEY_FIELDS))
    return key, raw


def validate_key_role(role):
    if str(role) not in {value for value, _label in KEY_ROLES}:
        raise ValidationError(_("API 密钥只能使用应用角色（接入应用或热线对接）。"), code="key_role")


@transaction.atomic
def update_key(key, *, user=None):
    """Save an edited key (name, role, region, rate, expiry, revocation); its role must stay an
    application role. Logged with the before and after of each field, never the hash."""
    validate_key_role(key.role)
    before = stored_snapshot(key, KEY_FIELDS)
    key.save()
    after = snapshot(key, KEY_FIELDS)
    note = _("吊销") if before and before["revoked_at"] is None and after["revoked_at"] is not None else ""
    record_change(user, key, Action.UPDATE, before, after, note)
    return key


@transaction.atomic
def revoke_key(key, *, user=None):
    """Revoke a key now (a key already revoked stays as it was, and nothing is logged)."""
    stored = ApiKey.objects.select_for_update().filter(pk=key.pk, revoked_at__isnull=True).first()
    if stored is None:
        return key
    before = snapshot(stored, KEY_FIELDS)
    stored.revoked_at = timezone.now()
    stored.save(update_fields=["revoked_at"])
    record_change(user, stored, Action.UPDATE, before, snapshot(stored, KEY_FIELDS), _("吊销"))
    key.revoked_at = stored.revoked_at
    return key


@transaction.atomic
def delete_key(key, *, user=None):
    delete_logged(user, key, snapshot(key, KEY_FIELDS))


@transaction.atomic
def subscribe(application, *, url, region, event_types=(), secret=None, user=None):
    """A webhook subscription; returns it (its `secret` is what receivers verify signatures with)."""
    subscription = WebhookSubscription.objects.create(
        application=application,
        url=url,
        region=region,
        event_types=list(event_types),
        secret=secret or secrets.token_urlsafe(32),
    )
    record_change(user, subscription, Action.CREATE, None, snapshot(subscription, SUBSCRIPTION_FIELDS))
    return subscription
