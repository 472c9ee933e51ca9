"""A real Celery worker on the real Redis does the after-commit work of a report filed through the
real view: the photo's thumbnail, the notifications and the webhook delivery (civicgrid.core.background).

The worker is a separate process (`celery -A civicgrid worker --pool=solo`) on a queue of its own
in Redis database 9; it shares the test's database, so this needs one a second process can open
(PostgreSQL: the CI's second pass; SQLite's in-memory test database cannot be shared).
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from civicgrid.api import actions as api_actions
from civicgrid.api.models import DeliveryStatus, WebhookDelivery
from civicgrid.api.tests.test_webhooks import Receiver
from civicgrid.cases.models import Attachment, Case
from civicgrid.cases.tests.conftest import HOME, point_in
from civicgrid.cases.tests.media_files import jpeg
from civicgrid.notifications.models import Notification

BROKER = "redis://127.0.0.1:6379/9"
ROOT = Path(__file__).resolve().parents[3]
WAIT = 120  # seconds: the worker's start-up on a busy two-core machine, then the three tasks


def _redis_or_fail():
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except Exception as exc:  # Redis runs here and in CI: its absence is a failure, not a skip
        pytest.fail(f"this test needs Redis at {BROKER} (a real broker): {exc!r}")


def _database_url():
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
    name = str(db["NAME"])
    if connection.vendor == "sqlite" and name and "memory" not in name and name != ":memory:":
        return f"sqlite:///{name}"
    pytest.skip("the worker must share the test database: run with DATABASE_URL=postgres://… (the CI's second pass)")


def _forget_queue(queue):
    import redis

    try:
        client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    except Exception:
        pass


@pytest.fixture
def on_broker(settings):
    """This process sends its after-commit work to Redis, on a queue only this test's worker reads."""
    from civicgrid.celery import app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=BROKER, task_default_queue=queue)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app._pool = None
    app.amqp._producer_pool = None
    yield queue
    app.conf.update(saved)
    _forget_queue(queue)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(on_broker, tmp_path, settings):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CASES_ATTACHMENT_ROOT": str(settings.CASES_ATTACHMENT_ROOT),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "PEOPLE_DATA_KEY": django_settings.PEOPLE_DATA_KEY,
        "PEOPLE_HASH_KEY": django_settings.PEOPLE_HASH_KEY,
        "CIVICGRID_VAR_DIR": str(tmp_path / "var"),
    }
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - read back on failure
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "civicgrid", "worker", "--pool=solo", "-Q", on_broker,
         "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_for(what, check, process, log):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    log.seek(0)
    pytest.fail(f"the worker did not do {what} within {WAIT}s; its log:\n{log.read()[-4000:]}")


@pytest.fixture
def _attachments(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_thumbnail_notifications_and_webhook_of_a_report(
    transactional_db, _attachments, world, client, worker
):
    _redis_or_fail()
    process, log = worker
    receiver = Receiver()
    try:
        application = api_actions.create_application("热线系统")
        api_actions.subscribe(application, url=receiver.url, region=world.tree["S1"])
        lon, lat = point_in(world.tree[HOME])
        client.force_login(world.people.resident)
        started = time.monotonic()
        response = client.post(
            reverse("cases:report"),
            {
                "category": world.cats["S05001"].pk,
                "description": "3号楼门口路灯坏了，晚上很黑。",
                "lon": f"{lon:.6f}",
                "lat": f"{lat:.6f}",
                "photos": [jpeg("门口.jpg", gps=True)],
            },
        )
        answered = time.monotonic() - started
        assert response.status_code == 302, response.content[:500]
        case = Case.objects.get()
        photo = Attachment.objects.get(case=case)
        # The request did none of it: the worker does it after the commit.
        assert not photo.thumbnail and not receiver.received

        _wait_for(
            "the thumbnail", lambda: Attachment.objects.filter(pk=photo.pk).exclude(thumbnail="").exists(), process, log
        )
        _wait_for("the notifications", lambda: Notification.objects.filter(case=case).exists(), process, log)
        _wait_for(
            "the webhook delivery",
            lambda: WebhookDelivery.objects.filter(case_event__case=case, status=DeliveryStatus.DELIVERED).exists(),
            process,
            log,
        )
    finally:
        receiver.close()
    photo.refresh_from_db()
    assert (django_settings.CASES_ATTACHMENT_ROOT / photo.thumbnail.name).exists()
    assert Notification.objects.filter(case=case, recipient=world.people.community).exists()
    assert len(receiver.received) == 1 and b'"case.reported"' in receiver.received[0][1]
    log.seek(0)
    worker_log = log.read()
    assert "civicgrid.core.tasks.run_call" in worker_log and "succeeded" in worker_log
    print(f"report answered in {answered * 1000:.0f} ms; the worker did the rest")
