"""The periodic jobs: deadline reminders and the daily digest. Both take `now` (tests freeze time by
passing it) and are idempotent, so a scheduler running them twice, or late, sends nothing twice."""

import logging
from dataclasses import replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from civicgrid.cases.models import OPEN_STATUSES, Case, Light
from civicgrid.cases.notifications import reminder_notice
from civicgrid.notifications.actions import channels_for, notify
from civicgrid.notifications.models import DeadlineReminder, DeliveryMode, Notification, NotificationPreference

logger = logging.getLogger("civicgrid.notifications")


def raise_deadline_reminders(now=None):
    """Notify once per case, step window and colour whose deadline light turned yellow or red."""
    now = now or timezone.now()
    due = (
        Case.objects.filter(status__in=OPEN_STATUSES, step_due_at__isnull=False, step_warn_at__lte=now)
        .select_related("grid", "community", "street")
        .order_by("step_warn_at", "pk")
    )
    sent = 0
    for case in due.iterator(chunk_size=500):
        colour = Light.RED if case.step_red_at <= now else Light.YELLOW
        try:
            with transaction.atomic():
                DeadlineReminder.objects.create(
                    case=case, step=case.step, step_started_at=case.step_started_at, colour=colour, created_at=now
                )
        except IntegrityError:
            continue  # already reminded (this run's predecessor, or a concurrent worker)
        notice = reminder_notice(case, colour)
        if notice.users or notice.departments or notice.units:
            notify(replace(notice), now=now)
            sent += 1
    if sent:
        logger.info("deadline reminders: %d cases", sent)
    return sent


def send_daily_digests(now=None):
    """Send each digest-mode user, once a local day from NOTIFICATIONS_DIGEST_HOUR, one message per
    channel with everything that arrived since their last digest."""
    from civicgrid.notifications.actions import messages_for
    from civicgrid.notifications.tasks import send_via_channel

    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.NOTIFICATIONS_DIGEST_HOUR:
        return 0
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    prefs = NotificationPreference.objects.filter(mode=DeliveryMode.DIGEST).select_related("user")
    sent = 0
    for pref in prefs:
        if pref.last_digest_at is not None and pref.last_digest_at >= start_of_day:
            continue
        user = pref.user
        rows = list(
            Notification.objects.filter(recipient=user, digested_at__isnull=True, created_at__lte=now)
            .order_by("created_at", "pk")
            .values_list("pk", "kind")
        )
        pref.last_digest_at = now
        pref.save(update_fields=["last_digest_at"])
        if not rows or not user.is_active:
            continue
        wanted = {}
        for pk, kind in rows:
            for name in channels_for(user, kind, pref):
                wanted.setdefault(name, []).append(pk)
        for name, ids in wanted.items():
            if not messages_for(ids):
                continue
            try:
                send_via_channel.delay(name, user.pk, ids)
            except Exception:
                logger.exception("digest on %s failed for user %s", name, user.pk)
        Notification.objects.filter(pk__in=[pk for pk, _kind in rows]).update(digested_at=now)
        sent += 1
    return sent
