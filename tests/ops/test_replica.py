"""The read router (civicgrid.core.replica) against a real PostgreSQL streaming replica, set up by
scripts/ops/replica.sh on loopback (pg_basebackup -R, pg_ctl) and removed afterwards.

Reads opted in go to the replica while it is fresh — the big screen's figures included; to the primary
inside a transaction, right after a write (in the thread, and for the browser that wrote: the cookie),
and when the lag guard finds the replica behind (replay paused on the replica while the primary
writes). (That an idle primary is no lag is core/tests/test_replica.py's: CI's primary is never idle.)"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicgrid.cases.tests.conftest import report
from civicgrid.core import replica
from civicgrid.core.tests.test_replica import replica_alias
from civicgrid.regions.models import Region

ROOT = Path(__file__).resolve().parents[2]
# The test's own standby (a port and folder no one else uses), made afresh and removed afterwards.
PORT = os.environ.get("CIVICGRID_TEST_REPLICA_PORT", "5434")
# In memory when there is room: the copy is the whole cluster, and writing and removing it on the
# CI machine's disk took a minute of the test's two (a 544 MB cluster: 33 s to copy, 27 s to remove).
MEMORY = Path("/dev/shm")
BASE = MEMORY if MEMORY.is_dir() and shutil.disk_usage(MEMORY).free > 8 * 2**30 else Path("/tmp")
FOLDER = str(BASE / f"civicgrid-test-replica-{PORT}")

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"] or not shutil.which("psql"),
    reason="a streaming replica is PostgreSQL's",
)


def _script(*args):
    db = connection.settings_dict
    return subprocess.run(
        [str(ROOT / "scripts" / "ops" / "replica.sh"), *args],
        env={
            "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
            "PRIMARY_HOST": db["HOST"] or "127.0.0.1",
            "PRIMARY_PORT": str(db["PORT"] or 5432),
            "PRIMARY_USER": db["USER"] or "postgres",
            "REPLICA_PORT": PORT,
            "REPLICA_DIR": FOLDER,
        },
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )


@pytest.fixture
def standby():
    _script("destroy")  # a folder left by an interrupted run
    began = time.monotonic()
    started = _script("start")
    assert started.returncode == 0, started.stderr
    print(f"\nreplica.sh start: {time.monotonic() - began:.1f} s\n{started.stderr}")
    again = _script("start")
    assert again.returncode == 0 and "already running" in again.stderr  # idempotent
    try:
        yield
    finally:
        began = time.monotonic()
        stopped = _script("destroy")
        print(f"\nreplica.sh destroy: {time.monotonic() - began:.1f} s")
        assert stopped.returncode == 0, stopped.stderr
        assert _script("status").returncode == 3


def _wait(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.1)


def _on_replica(sql):
    with connections[replica.ALIAS].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _region(code):
    return Region.objects.create(code=code, name=f"测试{code}", level=0)


def _replica_has(code):
    return Region.objects.using(replica.ALIAS).filter(code=code).exists()  # .using(): the router is not asked


def _settle(settings, max_lag=10):
    """Wait until the guard finds the replica fresh (other tests write on the same primary, and a
    loaded machine may replay late for a moment), then keep that answer for the step that follows."""
    settings.DATABASE_REPLICA_MAX_LAG = max_lag
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0
    replica.forget_writes()

    def fresh():
        with replica.reading():
            return Region.objects.all().db == replica.ALIAS

    _wait(fresh, "the guard to find the replica fresh")
    settings.DATABASE_REPLICA_CHECK_SECONDS = 600


def _open_on_screen(client, world):
    response = client.get(reverse("dashboard:summary"))
    assert response.status_code == 200
    return response.json()["counters"]["open"]


def test_the_router_reads_a_real_replica_only_when_it_may(transactional_db, world, standby, client, settings):
    settings.DATABASE_REPLICA_STICKY_SECONDS = 30
    report(world)
    _region("990101")
    client.force_login(world.people.street)
    with replica_alias(HOST="127.0.0.1", PORT=PORT):
        paused = False
        try:
            assert replica.configured()
            # The test database was created on the primary; the standby has it, and then our rows.
            _wait(lambda: _replica_has("990101"), "the replica to replay the first rows")

            # Opted in and fresh: the replica answers.
            _settle(settings)
            with replica.reading(), CaptureQueriesContext(connections[replica.ALIAS]) as on_replica:
                assert Region.objects.filter(code="990101").db == replica.ALIAS
                assert Region.objects.filter(code="990101").exists()
            assert any("regions_region" in q["sql"] for q in on_replica.captured_queries)
            # Not opted in: the primary, as always.
            assert Region.objects.all().db == DEFAULT_DB_ALIAS
            # The big screen's figures come from the replica (the user and session from the primary).
            with CaptureQueriesContext(connections[replica.ALIAS]) as on_replica:
                assert _open_on_screen(client, world) == 1
            assert any("cases_" in q["sql"] or "dashboard_" in q["sql"] for q in on_replica.captured_queries)
            assert not any("auth" in q["sql"] or "session" in q["sql"] for q in on_replica.captured_queries)

            # Inside a transaction: the primary.
            with replica.reading(), transaction.atomic():
                assert Region.objects.all().db == DEFAULT_DB_ALIAS
            # Right after a write (this thread): the primary, until the sticky time has passed.
            with replica.reading():
                _region("990102")
                assert Region.objects.filter(code="990102").db == DEFAULT_DB_ALIAS
                assert Region.objects.filter(code="990102").exists()
            # Right after a write (the browser that wrote, in its next request): the primary.
            _wait(lambda: _replica_has("990102"), "the replica to replay the write")
            _settle(settings)
            seen = []

            def page(request):
                with replica.reading():
                    seen.append(Region.objects.all().db)
                if request.method == "POST":
                    _region(f"99011{len(seen)}")
                return HttpResponse("ok")

            factory = RequestFactory()
            after_write = replica.ReplicaMiddleware(page)(factory.post("/"))
            assert replica.COOKIE in after_write.cookies
            replica.ReplicaMiddleware(page)(factory.get("/"))  # another browser
            request = factory.get("/")
            request.COOKIES[replica.COOKIE] = after_write.cookies[replica.COOKIE].value
            replica.ReplicaMiddleware(page)(request)
            assert seen == [replica.ALIAS, replica.ALIAS, DEFAULT_DB_ALIAS]

            # The replica falls behind: replay paused while the primary writes a case and a region.
            _settle(settings)
            settings.DATABASE_REPLICA_CHECK_SECONDS = 0  # from here every decision measures again
            _on_replica("SELECT pg_wal_replay_pause()::text")
            paused = True
            time.sleep(1.5)  # what the replica holds is now older than the lag allowed below
            report(world)
            _region("990103")
            assert not _replica_has("990103")
            replica.forget_writes()
            settings.DATABASE_REPLICA_MAX_LAG = 1
            with replica.reading():
                assert Region.objects.filter(code="990103").db == DEFAULT_DB_ALIAS
                assert Region.objects.filter(code="990103").exists()
            assert replica.guard.lag > 1
            assert _open_on_screen(client, world) == 2  # the primary's figure
            # Allowed an hour of lag, the same reads go to the replica — and miss the new rows.
            settings.DATABASE_REPLICA_MAX_LAG = 3600
            with replica.reading():
                assert not Region.objects.filter(code="990103").exists()
            assert _open_on_screen(client, world) == 1

            # Replay resumes: the replica catches up and answers again.
            _on_replica("SELECT pg_wal_replay_resume()::text")
            paused = False
            _wait(lambda: _replica_has("990103"), "the replica to catch up")
            _settle(settings)
            with CaptureQueriesContext(connections[replica.ALIAS]) as on_replica:
                assert _open_on_screen(client, world) == 2
            assert on_replica.captured_queries
        finally:
            if paused:
                _on_replica("SELECT pg_wal_replay_resume()::text")
            replica.forget_writes()
            replica.guard.reset()
