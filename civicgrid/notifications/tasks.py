"""Celery task: channel delivery with retry and exponential backoff (the periodic jobs run through
civicgrid.core.jobs).

Without a broker (the embedded default) they run eagerly, in-process; a retry then runs at once.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from civicgrid.notifications import channels

logger = logging.getLogger("civicgrid.notifications")


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_via_channel(self, channel, user_id, notification_ids):
    from civicgrid.notifications.actions import messages_for

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    messages = messages_for(notification_ids)
    if not messages:
        return
    if self.request.is_eager:
        # In-process (no broker): retry at once, without sleeping in the request that committed.
        for attempt in range(settings.NOTIFICATIONS_MAX_RETRIES + 1):
            try:
                channels.get(channel).send(user, messages)
                return
            except Exception as exc:
                if attempt == settings.NOTIFICATIONS_MAX_RETRIES:
                    logger.error("channel %s gave up on user %s after %d retries: %s", channel, user_id, attempt, exc)
                    raise
                logger.warning("channel %s failed for user %s (%s); retrying", channel, user_id, exc)
    try:
        channels.get(channel).send(user, messages)
    except Exception as exc:
        if self.request.retries >= settings.NOTIFICATIONS_MAX_RETRIES:
            logger.error(
                "channel %s gave up on user %s after %d retries: %s", channel, user_id, self.request.retries, exc
            )
            raise
        countdown = settings.NOTIFICATIONS_RETRY_BACKOFF * 2**self.request.retries
        logger.warning("channel %s failed for user %s (%s); retrying in %ss", channel, user_id, exc, countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc
