"""Webhooks: outbox rows in the case event's transaction, HMAC-SHA256 signatures, delivery to a
real local HTTP server, retries with exponential backoff while the subscriber is down, the log."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from civicgrid.api import actions as api_actions
from civicgrid.api import webhooks
from civicgrid.api.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from civicgrid.cases import actions
from civicgrid.cases.errors import CaseError
from civicgrid.cases.models import Status

from .conftest import report

pytestmark = pytest.mark.django_db


class Receiver:
    """A subscriber on 127.0.0.1: records what it gets; answers `status` (503 while "down")."""

    def __init__(self):
        self.received, self.status = [], 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscription(world, receiver):
    application = api_actions.create_application("热线系统")
    return api_actions.subscribe(application, url=receiver.url, region=world.tree["S1"])


def test_signed_delivery(world, subscription, receiver):
    case = report(world)
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 1
    assert webhooks.deliver_due() == {"delivered": 1, "retrying": 0, "failed": 0}
    headers, body = receiver.received[0]
    assert webhooks.verify(
        subscription.secret, headers["X-CivicGrid-Timestamp"], body, headers["X-CivicGrid-Signature"]
    )
    assert not webhooks.verify("wrong-secret", headers["X-CivicGrid-Timestamp"], body, headers["X-CivicGrid-Signature"])
    payload = json.loads(body)
    assert payload["type"] == "case.reported" and payload["case"]["number"] == case.number
    assert headers["X-CivicGrid-Delivery"] == payload["id"]
    assert "phone" not in body.decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.log.get().status_code == 200


def test_tampered_body_fails_verification(world, subscription, receiver):
    report(world)
    webhooks.deliver_due()
    headers, body = receiver.received[0]
    assert not webhooks.verify(
        subscription.secret, headers["X-CivicGrid-Timestamp"], body + b" ", headers["X-CivicGrid-Signature"]
    )


def test_subscriber_down_loses_nothing(world, subscription, receiver, settings):
    settings.API_WEBHOOK_BACKOFF_SECONDS = 30
    receiver.status = 503
    report(world)
    assert webhooks.deliver_due()["retrying"] == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.last_status_code == 503
    first_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < first_wait <= timedelta(seconds=30)
    assert webhooks.deliver_due()["retrying"] == 0  # not due yet
    webhooks.deliver_due(now=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    # Backoff doubles: the third try waits about 60 s.
    assert timedelta(seconds=55) < delivery.next_attempt_at - timezone.now() <= timedelta(seconds=60)
    receiver.status = 200
    webhooks.deliver_due(now=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert [a.status_code for a in WebhookAttempt.objects.order_by("at")] == [503, 503, 200]
    assert len(receiver.received) == 3
    ids = {json.loads(b)["id"] for _h, b in receiver.received}
    assert len(ids) == 1  # the same delivery id each time, for the receiver's de-duplication


def test_unreachable_subscriber_is_retried_then_failed(world, settings):
    settings.API_WEBHOOK_MAX_ATTEMPTS = 2
    application = api_actions.create_application("离线系统")
    api_actions.subscribe(application, url="http://127.0.0.1:9/nowhere", region=world.tree["D"])
    report(world)
    webhooks.deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error
    webhooks.deliver_due(now=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert webhooks.requeue(WebhookDelivery.objects.all()) == 1  # kept, and can be sent again


def test_outbox_follows_the_case_transaction(world, subscription):
    case = report(world)
    before = WebhookDelivery.objects.count()
    with pytest.raises(CaseError):
        actions.reject_case(case, world.people.community, version=case.version, reason="")  # refused
    assert WebhookDelivery.objects.count() == before
    actions.accept_case(case, world.people.community, version=case.version)
    assert WebhookDelivery.objects.filter(event_type="case.accepted").count() == 1


def test_region_and_event_filters(world, receiver):
    application = api_actions.create_application("只要结案")
    api_actions.subscribe(application, url=receiver.url, region=world.tree["S2"])
    only_closed = api_actions.subscribe(application, url=receiver.url, region=world.tree["D"], event_types=["closed"])
    report(world)  # in S1: neither subscription matches
    assert not WebhookDelivery.objects.exists()
    from .conftest import make_case

    make_case(world, Status.CLOSED)
    assert list(WebhookDelivery.objects.values_list("subscription", "event_type")) == [(only_closed.pk, "case.closed")]


def test_scheduler_runs_the_delivery_job(world, subscription, receiver):
    from django.core.management import call_command

    report(world)
    call_command("run_scheduler", "--once")
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
