"""Preferences, the daily digest and the signed webhook channel with its retries."""

import hashlib
import hmac
import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from civicgrid.cases.tests.conftest import report
from civicgrid.notifications import channels
from civicgrid.notifications.jobs import send_daily_digests
from civicgrid.notifications.models import DeliveryMode, Kind, Notification, NotificationPreference

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-tests"


class Gateway:
    """A real HTTP server on 127.0.0.1 that answers the first `failures` POSTs with 503."""

    def __init__(self, failures=0):
        self.failures = failures
        self.received = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = 503 if len(gateway.received) <= gateway.failures else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/notify"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _webhook(settings, url):
    settings.NOTIFICATIONS_CHANNELS = ["webhook"]
    settings.NOTIFICATIONS_WEBHOOK_URL = url
    settings.NOTIFICATIONS_WEBHOOK_SECRET = SECRET
    settings.NOTIFICATIONS_MAX_RETRIES = 3


def _valid(headers, body):
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["x-civicgrid-signature"], expected)


def test_webhook_posts_signed_json(world, committed, settings):
    with Gateway() as gateway:
        _webhook(settings, gateway.url)
        with committed():
            case = report(world)
    assert len(gateway.received) == 2  # community and community2
    for headers, body in gateway.received:
        assert _valid(headers, body)
        payload = json.loads(body)
        assert payload["messages"][0]["kind"] == Kind.NEW_CASE
        assert payload["messages"][0]["case"] == case.number
    assert {json.loads(b)["recipient"]["username"] for _h, b in gateway.received} == {"community", "community2"}
    # A tampered body fails verification.
    headers, body = gateway.received[0]
    assert not _valid(headers, body.replace(b"new_case", b"xxx_case"))


def test_webhook_retries_until_the_gateway_answers(world, committed, settings):
    NotificationPreference.objects.create(user=world.people.community2, channels={Kind.NEW_CASE: []})
    with Gateway(failures=2) as gateway:
        _webhook(settings, gateway.url)
        with committed():
            report(world)
    assert len(gateway.received) == 3  # two 503s, then delivered
    assert all(_valid(h, b) for h, b in gateway.received)
    assert Notification.objects.filter(kind=Kind.NEW_CASE).count() == 2  # the inbox has both anyway


def test_webhook_gives_up_after_max_retries_but_the_inbox_stands(world, committed, settings):
    NotificationPreference.objects.create(user=world.people.community2, channels={Kind.NEW_CASE: []})
    with Gateway(failures=100) as gateway:
        _webhook(settings, gateway.url)
        with committed():
            report(world)
    assert len(gateway.received) == 1 + settings.NOTIFICATIONS_MAX_RETRIES
    assert Notification.objects.filter(recipient=world.people.community, kind=Kind.NEW_CASE).exists()


def test_preferences_choose_channels_per_kind(world, committed, settings):
    settings.NOTIFICATIONS_CHANNELS = ["console", "email"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (world.people.community, world.people.community2):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    NotificationPreference.objects.create(user=world.people.community2, channels={Kind.NEW_CASE: ["console"]})
    with committed():
        report(world)
    assert [m.to for m in mail.outbox] == [["community@example.org"]]
    assert Notification.objects.filter(kind=Kind.NEW_CASE).count() == 2


def test_digest_mode_sends_one_summary_a_day(world, committed, settings):
    settings.NOTIFICATIONS_CHANNELS = ["console"]
    settings.NOTIFICATIONS_DIGEST_HOUR = 8
    NotificationPreference.objects.create(user=world.people.community, mode=DeliveryMode.DIGEST)
    sent = []
    with mock.patch.object(
        channels.ConsoleChannel, "send", lambda self, user, msgs: sent.append((user.username, msgs))
    ):
        with committed():
            report(world)
            report(world)
        assert [u for u, _m in sent] == ["community2", "community2"]  # instant for the other one
        sent.clear()
        tz = timezone.get_current_timezone()
        later = timezone.now() + timezone.timedelta(days=1)
        early = datetime(later.year, later.month, later.day, 7, 0, tzinfo=tz)
        assert send_daily_digests(now=early) == 0  # before the digest hour
        morning = early.replace(hour=9)
        assert send_daily_digests(now=morning) == 1
        assert len(sent) == 1 and sent[0][0] == "community" and len(sent[0][1]) == 2
        assert send_daily_digests(now=morning.replace(hour=15)) == 0  # once a day
        assert not Notification.objects.filter(recipient=world.people.community, digested_at__isnull=True).exists()
