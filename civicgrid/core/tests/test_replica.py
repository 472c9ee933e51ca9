"""The read-replica router (civicgrid.core.replica) on its own: inert without a replica (the embedded
SQLite default, and PostgreSQL without DATABASE_REPLICA_URL); on PostgreSQL, a "replica" that is no
standby (the primary itself) or that nothing answers (a closed port) sends every read to the primary
and is logged once. The router against a real streaming replica: tests/ops/test_replica.py."""

import copy
import logging
import time
import types
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from civicgrid.core import background, longjobs, replica
from civicgrid.core.models import BackgroundJob, JobStatus, ObjectChange
from civicgrid.regions.models import Region


def _connect(self):
    """BaseDatabaseWrapper.ensure_connection as Django has it: Django's test case (and pytest-django's
    blocker) refuse connections to aliases a test did not declare, and this alias is added while the
    test runs (its server holds no test database of its own)."""
    if self.connection is None:
        with self.wrap_database_errors:
            self.connect()


POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason="the lag guard asks PostgreSQL")


@pytest.fixture(autouse=True)
def _fresh_router(settings):
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0  # every decision asks again: no answer cached between steps
    replica.guard.reset()
    replica.forget_writes()
    yield
    replica.guard.reset()
    replica.forget_writes()


@contextmanager
def replica_alias(**overrides):
    """A "replica" alias like the one DATABASE_REPLICA_URL adds, pointing where the test says."""
    assert replica.ALIAS not in connections.settings
    connections.settings[replica.ALIAS] = {**copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict), **overrides}
    alias = connections[replica.ALIAS]
    alias.ensure_connection = types.MethodType(_connect, alias)
    try:
        yield
    finally:
        connections[replica.ALIAS].close()
        del connections[replica.ALIAS]
        del connections.settings[replica.ALIAS]


def _region(code):
    return Region.objects.create(code=code, name=f"测试{code}", level=0)


# --- Inert without a replica --------------------------------------------------------------------------


def test_without_a_replica_the_router_answers_nothing(db):
    router = replica.Router()
    assert not replica.configured()
    with replica.reading():
        assert router.db_for_read(ObjectChange) is None
        assert router.db_for_write(Region) is None
        assert ObjectChange.objects.all().db == DEFAULT_DB_ALIAS
        assert replica.read_alias(ObjectChange) == DEFAULT_DB_ALIAS
        assert not replica.use_replica(ObjectChange)
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "cases") is None
    assert router.allow_migrate(replica.ALIAS, "cases") is False
    _region("990001")  # a write is not even noted
    assert not replica.wrote_recently()


def test_without_a_replica_the_middleware_sets_no_cookie(db):
    def view(request):
        _region("990002")
        return HttpResponse("ok")

    response = replica.ReplicaMiddleware(view)(RequestFactory().get("/"))
    assert replica.COOKIE not in response.cookies


def test_reading_nests_and_decorates():
    @replica.reading()
    def inside():
        return replica._opted_in.get()

    assert replica._opted_in.get() == 0
    with replica.reading():
        assert replica._opted_in.get() == 1
        assert inside() == 2
        assert replica._opted_in.get() == 1
    assert replica._opted_in.get() == 0


def test_a_decorated_function_opts_in_on_every_thread_at_once():
    import threading

    inside, release, seen = threading.Barrier(4), threading.Event(), []

    @replica.reading()
    def figures():
        inside.wait(5)  # all four threads inside the same decorated function at once
        release.wait(5)
        seen.append(replica._opted_in.get())

    threads = [threading.Thread(target=figures) for _ in range(4)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert seen == [1, 1, 1, 1] and replica._opted_in.get() == 0


def test_a_write_is_remembered_for_the_sticky_seconds(settings):
    settings.DATABASE_REPLICA_STICKY_SECONDS = 60
    replica.note_write()
    assert replica.wrote_recently()
    settings.DATABASE_REPLICA_STICKY_SECONDS = 0
    assert not replica.wrote_recently()


def test_the_sticky_time_covers_the_lag_allowed_and_the_guards_cache(settings):
    settings.DATABASE_REPLICA_STICKY_SECONDS = None
    settings.DATABASE_REPLICA_MAX_LAG = 5
    settings.DATABASE_REPLICA_CHECK_SECONDS = 2
    assert replica.sticky_seconds() == 7


def test_the_replica_is_never_migrated():
    assert replica.Router().allow_migrate(replica.ALIAS, "regions") is False


# --- How stale the replica may be -----------------------------------------------------------------


def test_wal_positions_read_as_numbers():
    assert replica.lsn("0/0") == 0
    assert replica.lsn("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert replica.lsn("1/0") > replica.lsn("0/FFFFFFFF")


def test_a_replica_that_replayed_everything_is_no_lag_however_idle_the_primary():
    assert replica.lag_seconds(100.0, primary=500, replayed=500, commit_age=3600.0, samples=[]) == 0.0
    assert replica.lag_seconds(100.0, primary=500, replayed=501, commit_age=None, samples=[]) == 0.0


def test_behind_the_lag_is_the_tighter_of_the_commit_age_and_the_newest_sample_replayed():
    samples = [(90.0, 100), (96.0, 300), (99.0, 450)]
    # Replayed past the sample of 96 s (not the one of 99 s): at most 4 s old, whatever the last commit.
    assert replica.lag_seconds(100.0, primary=500, replayed=320, commit_age=40.0, samples=samples) == 4.0
    # A recent commit is the tighter bound.
    assert replica.lag_seconds(100.0, primary=500, replayed=320, commit_age=1.5, samples=samples) == 1.5
    # Behind every sample: only the commit's age says anything; with no commit either, unknown.
    assert replica.lag_seconds(100.0, primary=500, replayed=50, commit_age=12.0, samples=samples) == 12.0
    assert replica.lag_seconds(100.0, primary=500, replayed=50, commit_age=None, samples=samples) is None


def test_the_guard_keeps_a_minute_of_samples_at_least(settings):
    settings.DATABASE_REPLICA_MAX_LAG = 5
    guard = replica.LagGuard()
    for second in range(200):
        guard._remember(float(second), second * 10)
    assert guard._samples[0][0] == 139.0 and guard._samples[-1][0] == 199.0


# --- A replica alias that is no usable standby (PostgreSQL) ----------------------------------------------


@POSTGRES
def test_an_alias_pointing_at_the_primary_itself_is_no_standby(transactional_db, caplog):
    caplog.set_level(logging.WARNING, logger="civicgrid.replica")
    with replica_alias():
        assert replica.configured()
        assert "not in recovery" in replica.read_positions()
        with replica.reading():
            assert Region.objects.all().db == DEFAULT_DB_ALIAS
            assert Region.objects.all().db == DEFAULT_DB_ALIAS
    assert len([r for r in caplog.records if "not used" in r.getMessage()]) == 1


@POSTGRES
def test_an_unreachable_replica_sends_reads_to_the_primary_and_is_logged_once(transactional_db, caplog):
    caplog.set_level(logging.WARNING, logger="civicgrid.replica")
    _region("990003")
    replica.forget_writes()
    closed_port = {"HOST": "127.0.0.1", "PORT": "1", "OPTIONS": {"connect_timeout": 2}}
    with replica_alias(**closed_port), replica.reading():
        for _ in range(3):
            assert Region.objects.filter(code="990003").exists()  # answered by the primary
            assert replica.read_alias(Region) == DEFAULT_DB_ALIAS
    warnings = [r.getMessage() for r in caplog.records if r.name == "civicgrid.replica"]
    assert len(warnings) == 1 and "cannot be reached" in warnings[0]


@POSTGRES
def test_routing_rules_are_checked_before_the_replica_is_asked(transactional_db):
    """Access-control data, an open transaction and a recent write read the primary without even
    asking the replica: the closed port would otherwise log a warning."""
    with replica_alias(HOST="127.0.0.1", PORT="1"), replica.reading():
        router = replica.Router()
        assert router.db_for_read(Region._meta.apps.get_model("accounts", "User")) == DEFAULT_DB_ALIAS
        with transaction.atomic():
            assert router.db_for_read(Region) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Region) == DEFAULT_DB_ALIAS
        assert replica.wrote_recently()
        assert router.db_for_read(Region) == DEFAULT_DB_ALIAS
        # A long job's progress row is bookkeeping: writing it does not pin the reads to the primary.
        replica.forget_writes()
        router.db_for_write(Region._meta.apps.get_model("core", "BackgroundJob"))
        assert not replica.wrote_recently()
    assert replica.guard.lag is None  # never measured


@POSTGRES
def test_the_middleware_keeps_a_browser_that_wrote_on_the_primary(transactional_db, settings):
    settings.DATABASE_REPLICA_STICKY_SECONDS = 30
    seen = {}

    def writing_view(request):
        _region("990004")
        return HttpResponse("ok")

    def reading_view(request):
        seen["wrote"] = replica.wrote_recently()
        return HttpResponse("ok")

    with replica_alias(HOST="127.0.0.1", PORT="1"):
        middleware = replica.ReplicaMiddleware(writing_view)
        response = middleware(RequestFactory().post("/"))
        cookie = response.cookies[replica.COOKIE]
        assert cookie["max-age"] == 30 and cookie["httponly"]

        factory = RequestFactory()
        replica.ReplicaMiddleware(reading_view)(factory.get("/"))
        assert seen["wrote"] is False  # another browser: no note from the request before
        request = factory.get("/")
        request.COOKIES[replica.COOKIE] = "1"
        response = replica.ReplicaMiddleware(reading_view)(request)
        assert seen["wrote"] is True
        assert replica.COOKIE not in response.cookies  # reading renews nothing


SEEN_BY_JOBS = []


@background.task
def note_what_the_job_sees(context):
    SEEN_BY_JOBS.append((context.params["name"], replica.wrote_recently()))
    return {}


@POSTGRES
def test_a_job_started_right_after_its_owner_wrote_reads_the_primary(transactional_db, settings, tmp_path):
    from civicgrid.accounts.models import Role
    from civicgrid.testing import build_tree, make_user

    settings.JOBS_ROOT = tmp_path / "jobs"
    owner = make_user("shequ", Role.COMMUNITY_STAFF, build_tree(fanout=1)["S1C1"])
    SEEN_BY_JOBS.clear()
    function = "civicgrid.core.tests.test_replica.note_what_the_job_sees"
    with replica_alias(HOST="127.0.0.1", PORT="1"):
        replica.forget_writes()
        quiet = longjobs.start(owner, kind="test", title="t", function=function, params={"name": "quiet"})
        _region("990005")  # the owner writes, then starts another job
        pinned = longjobs.start(owner, kind="test", title="t", function=function, params={"name": "pinned"})
        assert longjobs.REPLICA_PRIMARY not in quiet.params and pinned.params[longjobs.REPLICA_PRIMARY] is True

        def finished():
            return BackgroundJob.objects.filter(pk__in=[quiet.pk, pinned.pk], status=JobStatus.DONE).count() == 2

        deadline = time.monotonic() + 60
        while not finished():  # each runs on a thread of its own (no broker), as in the embedded default
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert sorted(SEEN_BY_JOBS) == [("pinned", True), ("quiet", False)]


@POSTGRES
def test_a_job_run_here_leaves_the_callers_note_as_it_was(transactional_db, settings, tmp_path):
    from civicgrid.accounts.models import Role
    from civicgrid.testing import build_tree, make_user

    settings.JOBS_ROOT = tmp_path / "jobs"
    owner = make_user("shequ", Role.COMMUNITY_STAFF, build_tree(fanout=1)["S1C1"])
    SEEN_BY_JOBS.clear()
    with replica_alias(HOST="127.0.0.1", PORT="1"):
        job = BackgroundJob.objects.create(
            kind="test", title="t", function="civicgrid.core.tests.test_replica.note_what_the_job_sees",
            owner=owner, params={"name": "here"}, created_at=timezone.now(),
        )  # fmt: skip
        replica.note_write()
        assert longjobs.run(job.pk) == JobStatus.DONE
        assert SEEN_BY_JOBS == [("here", False)]  # the job's own start: nothing written
        assert replica.wrote_recently()  # the caller's note is back


# --- Settings ---------------------------------------------------------------------------------------------


def _settings_with(tmp_path, **env):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    code = (
        "import django, json; django.setup(); from django.conf import settings; from civicgrid.core import replica;"
        "print(json.dumps({'replica': settings.DATABASES.get('replica'), 'configured': replica.configured(),"
        " 'sticky': replica.sticky_seconds(), 'routers': settings.DATABASE_ROUTERS}, default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "civicgrid.settings", "CIVICGRID_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_database_replica_url_adds_the_alias(tmp_path):
    seen = _settings_with(
        tmp_path,
        DATABASE_URL="postgres://civicgrid@10.0.0.11:5432/civicgrid",
        DATABASE_REPLICA_URL="postgres://civicgrid@10.0.0.12:5432/civicgrid",
        DATABASE_REPLICA_MAX_LAG="3",
    )
    assert seen["replica"]["HOST"] == "10.0.0.12" and seen["replica"]["NAME"] == "civicgrid"
    assert seen["replica"]["OPTIONS"]["connect_timeout"] == 2
    assert seen["replica"]["TEST"]["MIRROR"] == "default"  # a test run never creates a database there
    assert seen["configured"] is True
    assert seen["sticky"] == 5  # 3 s of lag allowed + 2 s of the guard's cache
    assert seen["routers"] == ["civicgrid.core.replica.Router"]


def test_without_the_url_or_with_sqlite_there_is_no_replica(tmp_path):
    assert _settings_with(tmp_path)["replica"] is None
    on_sqlite = _settings_with(tmp_path, DATABASE_REPLICA_URL="postgres://civicgrid@10.0.0.12:5432/civicgrid")
    assert on_sqlite["configured"] is False  # the embedded default: the router stays inert
