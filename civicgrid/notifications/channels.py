"""Delivery channels beyond the in-app inbox: a small registry of name → channel.

A channel sends a batch of messages (one notification, or a daily digest) to one user and raises
on failure; the Celery task around it retries with backoff. Add a channel with `@register`.
"""

import hashlib
import hmac
import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("civicgrid.notifications")

CHANNELS = {}


def register(cls):
    CHANNELS[cls.name] = cls()
    return cls


def enabled_channels():
    """The registered channels this install has switched on (settings.NOTIFICATIONS_CHANNELS)."""
    return [name for name in settings.NOTIFICATIONS_CHANNELS if name in CHANNELS]


def get(name):
    return CHANNELS[name]


def payload(user, messages):
    return {
        "recipient": {"id": user.pk, "username": user.username, "name": user.name, "phone": user.phone or ""},
        "messages": messages,
        "sent_at": timezone.now().isoformat(),
    }


@register
class ConsoleChannel:
    name = "console"
    label = _("日志")

    def available_for(self, user):
        return True

    def send(self, user, messages):
        for message in messages:
            logger.info("notify %s: [%s] %s", user.username, message["kind"], message["title"])


@register
class EmailChannel:
    name = "email"
    label = _("电子邮件")

    def available_for(self, user):
        return bool(user.email)

    def send(self, user, messages):
        if not user.email:
            return
        subject = messages[0]["title"] if len(messages) == 1 else _("您有 %(n)d 条新消息") % {"n": len(messages)}
        body = "\n\n".join(f"{m['title']}\n{m['body']}".strip() for m in messages)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def sign(secret, body):
    """The X-CivicGrid-Signature header value: "sha256=" + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@register
class WebhookChannel:
    """POSTs JSON to an SMS or WeChat gateway on the intranet, signed with the shared secret."""

    name = "webhook"
    label = _("短信/微信")

    def available_for(self, user):
        return bool(settings.NOTIFICATIONS_WEBHOOK_URL)

    def send(self, user, messages):
        url = settings.NOTIFICATIONS_WEBHOOK_URL
        if not url:
            return
        body = json.dumps(payload(user, messages), ensure_ascii=False, sort_keys=True).encode()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-CivicGrid-Signature": sign(settings.NOTIFICATIONS_WEBHOOK_SECRET, body),
            },
        )
        # urlopen raises HTTPError on a 4xx/5xx answer, which the task retries.
        with urllib.request.urlopen(request, timeout=settings.NOTIFICATIONS_WEBHOOK_TIMEOUT) as response:
            response.read()
