"""Webhooks: case events for subscribed applications, signed, delivered in the background.

1. `on_case_event` hears every case event (civicgrid.cases.events) inside the action's transaction: one outbox row (WebhookDelivery) per matching active subscription. An
   action that rolls back leaves no outbox row; a committed event always has one.
2. `deliver_due` (the scheduler's `deliver_webhooks` job, or the Celery task) posts due rows:
   JSON body, `X-CivicGrid-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the
   subscription's secret>`, `X-CivicGrid-Timestamp`, `X-CivicGrid-Delivery` (the row's id, for the
   receiver's own de-duplication), `X-CivicGrid-Event`. A 2xx answer marks the row delivered;
   anything else is logged (WebhookAttempt) and retried after API_WEBHOOK_BACKOFF_SECONDS × 2^n
   (capped at API_WEBHOOK_BACKOFF_MAX_SECONDS), up to API_WEBHOOK_MAX_ATTEMPTS; a row that runs out
   of attempts is marked failed and kept (admin can queue it again) — a subscriber that is down
   loses nothing.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from civicgrid.api.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription
from civicgrid.cases import access
from civicgrid.core import background

# An application reads a case as the API shows it to a key (cases.access.shown_note): the note of a
# feedback, a refusal or a rating; staff's internal notes stay inside.
PUBLIC_NOTE_TYPES = access.REPORTER_NOTE_TYPES

SIGNATURE_HEADER = "X-CivicGrid-Signature"
TIMESTAMP_HEADER = "X-CivicGrid-Timestamp"
BATCH = 100


def sign(secret, timestamp, body):
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret, timestamp, body, signature, tolerance=300, now=None):
    """What a receiver does (also used by the tests): check the signature and the timestamp's age."""
    now = now if now is not None else time.time()
    try:
        if abs(now - int(timestamp)) > tolerance:
            return False
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def case_payload(case, event):
    return {
        "type": f"case.{event.type}",
        "created_at": event.created_at,
        "case": {
            "id": case.pk,
            "number": case.number,
            "status": case.status,
            "category": case.category.code if case.category_id else None,
            "source": case.source,
            "region_code": case.region_code,
            "handling_level": case.handling_level,
            "external_order_no": case.external_order_no,
        },
        "event": {
            "seq": event.seq,
            "type": event.type,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "note": event.note if event.type in PUBLIC_NOTE_TYPES else "",
            "actor_role": event.actor_role,
            "created_at": event.created_at,
        },
    }


def _subscriptions_for(region_code, event_type):
    rows = WebhookSubscription.objects.filter(is_active=True, application__is_active=True).select_related("region")
    rows = rows.defer("region__boundary")
    return [
        s for s in rows if region_code.startswith(s.region.code) and (not s.event_types or event_type in s.event_types)
    ]


def on_case_event(event):
    """Subscribed to every case event, inside the action's transaction."""
    enqueue_case_event(event.case, event.row)


def enqueue_case_event(case, event):
    """The hook (see module docstring): outbox rows in the caller's transaction."""
    subscriptions = _subscriptions_for(case.region_code or "", event.type)
    if not subscriptions:
        return
    payload = json.loads(json.dumps(case_payload(case, event), cls=DjangoJSONEncoder))
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription=s,
                case_event=event,
                event_type=payload["type"],
                payload={**payload, "subscription": s.pk},
                next_attempt_at=event.created_at,
                created_at=event.created_at,
            )
            for s in subscriptions
        ]
    )
    # Posted by the worker right after the commit when a broker is configured; otherwise (and if the
    # message is lost) by the periodic `deliver_webhooks` job, which re-drives every due row.
    ids = [row.pk for row in rows if row.pk is not None]
    if ids:
        background.after_commit("civicgrid.api.webhooks.deliver_rows", ids, in_process=False)


def backoff(attempts):
    base = settings.API_WEBHOOK_BACKOFF_SECONDS
    return timedelta(seconds=min(base * (2 ** max(attempts - 1, 0)), settings.API_WEBHOOK_BACKOFF_MAX_SECONDS))


def _post(delivery):
    body = json.dumps({"id": str(delivery.id), **delivery.payload}, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "CivicGrid-Webhook/1",
            SIGNATURE_HEADER: sign(delivery.subscription.secret, timestamp, body),
            TIMESTAMP_HEADER: timestamp,
            "X-CivicGrid-Delivery": str(delivery.id),
            "X-CivicGrid-Event": delivery.event_type,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.API_WEBHOOK_TIMEOUT) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:300]


def _claim(now, limit, ids=None):
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at"
    )
    if ids is not None:
        due = due.filter(pk__in=ids)
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    return list(due.select_related("subscription")[:limit])


@background.task
def deliver_rows(ids):
    """The after-commit task: post these new outbox rows (those still pending and due) once."""
    return deliver_due(ids=[int(pk) for pk in ids])


def deliver_due(now=None, limit=BATCH, ids=None):
    """Post every due outbox row once; returns {"delivered": n, "retrying": n, "failed": n}."""
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    now = now or timezone.now()
    with transaction.atomic():
        # Claimed rows are pushed forward first, so a second runner does not post them too.
        rows = _claim(now, limit, ids)
        lease = now + timedelta(seconds=settings.API_WEBHOOK_TIMEOUT * 2 + 5)
        WebhookDelivery.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=lease)
    for delivery in rows:
        started = time.monotonic()
        status_code, error = _post(delivery)
        elapsed = int((time.monotonic() - started) * 1000)
        at = timezone.now()
        ok = status_code is not None and 200 <= status_code < 300
        WebhookAttempt.objects.create(
            delivery=delivery, at=at, status_code=status_code, error="" if ok else error, duration_ms=elapsed
        )
        delivery.attempts += 1
        delivery.last_status_code = status_code
        delivery.last_error = "" if ok else error
        if ok:
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, at
            counts["delivered"] += 1
        elif delivery.attempts >= settings.API_WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            counts["failed"] += 1
        else:
            delivery.next_attempt_at = at + backoff(delivery.attempts)
            counts["retrying"] += 1
        delivery.save(
            update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"]
        )
    return counts


def requeue(deliveries):
    """Admin: queue failed rows again, due now."""
    return deliveries.exclude(status=DeliveryStatus.DELIVERED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
