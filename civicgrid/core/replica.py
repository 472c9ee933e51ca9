"""Reads from a PostgreSQL streaming replica, for the code that opts in.

With `DATABASE_REPLICA_URL` set, settings add a database alias "replica" and this module's `Router`
may send a read there — but only when all of these hold, and the primary answers otherwise:

1. the code asked for it: `with replica.reading():` (or `@replica.reading()`) around the reads of
   figures that may be a few seconds old — the big screen, statistics, exports;
2. no transaction is open on the primary (a transaction that writes must read its own rows, and one
   that only reads wants one snapshot);
3. nothing was written recently by this request or this thread, nor by this browser within
   `DATABASE_REPLICA_STICKY_SECONDS` (read-your-writes: `ReplicaMiddleware` sets a short cookie after a
   request that wrote; every ORM write goes through `Router.db_for_write`, which notes it);
4. the model is not access-control data (sessions, users, roles, lockouts, rate limits: `NEVER_APPS`);
5. the lag guard says the replica is at most `DATABASE_REPLICA_MAX_LAG` seconds behind. The guard
   asks the primary for its WAL position (`pg_current_wal_lsn()`) and the replica how far it has
   replayed (`pg_last_wal_replay_lsn()`): caught up means no lag, however old the last replayed
   commit is (an idle primary writes nothing, so `now() - pg_last_xact_replay_timestamp()` alone would
   grow without any real lag). Behind, the lag is the tighter of two upper bounds of how stale the
   replica's answers are: the age of its last replayed commit, and the age of the newest earlier
   check whose primary position it has replayed past (see `lag_seconds`). The answer is cached per
   process for `DATABASE_REPLICA_CHECK_SECONDS`. A replica that cannot be reached, or is not in recovery (promoted,
   or pointed at the primary by mistake), counts as behind; that is logged once, and again when it
   is back.

Without the alias, or with another engine than PostgreSQL (the embedded SQLite default), the router
answers None everywhere: Django's own routing, exactly as before. Migrations never run on the replica.

This module imports Django only; the apps that opt in call it (floors: core is the bottom)."""

import collections
import contextlib
import contextvars
import logging
import threading
import time
from contextlib import ContextDecorator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger("civicgrid.replica")

ALIAS = "replica"
COOKIE = "cg_primary"
# Access control always reads the primary: a role taken away, a lockout or a log-out must hold at once.
NEVER_APPS = frozenset({"sessions", "auth", "accounts", "axes", "ratelimit", "contenttypes"})
# Bookkeeping writes that no read-your-writes depends on: a long job's progress row (written while an
# export reads), the session saved at the end of every request.
QUIET_WRITES = frozenset({"core.backgroundjob", "sessions.session"})

_opted_in = contextvars.ContextVar("civicgrid_replica_opted_in", default=0)
_wrote_at = contextvars.ContextVar("civicgrid_replica_wrote_at", default=None)


def max_lag():
    return float(getattr(settings, "DATABASE_REPLICA_MAX_LAG", 5))


def check_seconds():
    return float(getattr(settings, "DATABASE_REPLICA_CHECK_SECONDS", 2))


def sticky_seconds():
    value = getattr(settings, "DATABASE_REPLICA_STICKY_SECONDS", None)
    # A write may be missing on the replica for up to the lag allowed plus the guard's cache.
    return float(value) if value is not None else max_lag() + check_seconds()


def configured():
    """True when a replica alias exists and both it and the primary are PostgreSQL."""
    databases = connections.settings
    if ALIAS not in databases:
        return False
    return all("postgresql" in databases[alias]["ENGINE"] for alias in (DEFAULT_DB_ALIAS, ALIAS))


# --- Opting in and read-your-writes -----------------------------------------------------------------


class reading(ContextDecorator):  # lower case: used like a function, `with replica.reading():`
    """Reads inside may go to the replica (when the rules above allow). Nests; works as a decorator."""

    def _recreate_cm(self):
        return type(self)()  # as a decorator: one instance (and token) per call, whatever the threads

    def __enter__(self):
        self._token = _opted_in.set(_opted_in.get() + 1)
        return self

    def __exit__(self, *exc):
        _opted_in.reset(self._token)
        return False


def note_write():
    """Something was written: this thread (and the current request) reads the primary for a while."""
    _wrote_at.set(time.monotonic())


def wrote_recently():
    at = _wrote_at.get()
    return at is not None and time.monotonic() - at < sticky_seconds()


def forget_writes():
    """Start afresh (a new request without the cookie, a test)."""
    _wrote_at.set(None)


@contextlib.contextmanager
def own_writes(recent=False):
    """A unit of work of its own (a long job on a worker's thread): it starts with no write noted — or
    with one just now, `recent` — and leaves the caller's note as it was."""
    token = _wrote_at.set(time.monotonic() if recent else None)
    try:
        yield
    finally:
        _wrote_at.reset(token)


# --- The lag guard ---------------------------------------------------------------------------------


class LagGuard:
    """Per process: is the replica fresh enough? Asked at most once per `check_seconds()` (per
    thread that finds the answer too old; a thread that finds another one checking keeps the last
    answer). It remembers the primary's WAL position at each check (a minute or so of them), which
    turns "the replica has replayed up to here" into "it holds everything committed by then"."""

    def __init__(self):
        self._lock = threading.Lock()
        self._checked_at = None
        self._fresh = False
        self._samples = collections.deque(maxlen=2000)  # (monotonic time, primary WAL position)
        self.lag = None  # seconds, None when unknown
        self._warned = False

    def reset(self):
        """Forget what was measured (and logged): a test, a changed configuration."""
        with self._lock:
            self._checked_at = None
            self._fresh = False
            self._samples.clear()
            self.lag = None
            self._warned = False

    def fresh(self):
        now = time.monotonic()
        checked_at = self._checked_at
        if checked_at is not None and now - checked_at < check_seconds():
            return self._fresh
        if not self._lock.acquire(blocking=False):
            return self._fresh if checked_at is not None else False
        try:
            problem = None
            positions = read_positions()
            if isinstance(positions, str):
                problem, self.lag = positions, None
            else:
                primary, replayed, commit_age = positions
                now = time.monotonic()
                self.lag = lag_seconds(now, primary, replayed, commit_age, self._samples)
                self._remember(now, primary)
                if self.lag is None:
                    problem = "the replica is behind and has replayed no commit yet"
            self._fresh = problem is None and self.lag <= max_lag()
            self._checked_at = time.monotonic()
            self._log(problem)
            return self._fresh
        finally:
            self._lock.release()

    def _remember(self, now, primary):
        samples = self._samples
        horizon = max(60.0, 10 * max_lag())
        while samples and now - samples[0][0] > horizon:
            samples.popleft()
        samples.append((now, primary))

    def _log(self, problem):
        if problem and not self._warned:
            self._warned = True
            logger.warning("read replica not used, reads go to the primary: %s", problem)
        elif problem is None and self._warned:
            self._warned = False
            logger.warning("read replica back (%.1f s behind)", self.lag)


def lsn(text):
    """A PostgreSQL WAL position ('16/B374D848') as a number."""
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


def lag_seconds(now, primary, replayed, commit_age, samples):
    """How stale the replica's answers may be, in seconds (an upper bound), or None when unknown.

    `primary` is the primary's WAL position when asked, `replayed` the replica's replay position just
    after, `commit_age` the age of the last commit the replica replayed (None: none yet), `samples`
    earlier (time, primary position) pairs, oldest first. Replayed everything: 0, however long the
    primary has been idle. Otherwise two bounds, the tighter one wins: the replica holds every commit
    up to its last replayed one (its age), and everything the primary had written at the newest
    sample it has replayed past (that sample's age) — the second stays small while one long
    transaction (a large import) writes WAL without committing."""
    if replayed >= primary:
        return 0.0
    bounds = [max(float(commit_age), 0.0)] if commit_age is not None else []
    for at, position in reversed(samples):
        if position <= replayed:
            bounds.append(max(now - at, 0.0))
            break
    return min(bounds) if bounds else None


def read_positions():
    """(primary WAL position, replica replay position, age of the last replayed commit) as numbers,
    or a sentence saying why the replica cannot be used."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary = cursor.fetchone()[0]
    except Exception as error:  # the primary's own trouble surfaces in the request itself
        return f"the primary's WAL position is unknown ({error.__class__.__name__})"
    try:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
            )
            in_recovery, replayed, commit_age = cursor.fetchone()
    except Exception as error:
        _discard(ALIAS)
        return f"the replica cannot be reached ({error.__class__.__name__}: {str(error).strip()[:200]})"
    if not in_recovery:
        return "the replica alias points at a server that is not in recovery"
    if replayed is None:
        return "the replica has replayed nothing yet"
    return lsn(primary), lsn(replayed), None if commit_age is None else float(commit_age)


def _discard(alias):
    """Close a broken connection so the next attempt opens a new one."""
    with contextlib.suppress(Exception):  # closing a connection that is already gone
        connections[alias].close()


guard = LagGuard()


# --- Routing ---------------------------------------------------------------------------------------


def use_replica(model=None):
    """Would a read of `model` go to the replica right now?"""
    if not _opted_in.get() or not configured():
        return False
    if model is not None and model._meta.app_label in NEVER_APPS:
        return False
    if connections[DEFAULT_DB_ALIAS].in_atomic_block or wrote_recently():
        return False
    return guard.fresh()


def read_alias(model=None):
    """The alias a read would use now: for pinning a queryset that is evaluated later (`.using()`)."""
    return ALIAS if use_replica(model) else DEFAULT_DB_ALIAS


class Router:
    """settings.DATABASE_ROUTERS. Answers None (Django's default routing) unless a replica is configured."""

    def db_for_read(self, model, **hints):
        if not configured():
            return None
        return ALIAS if use_replica(model) else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        if not configured():
            return None
        if model._meta.label_lower not in QUIET_WRITES:
            note_write()
        return DEFAULT_DB_ALIAS  # also for an object read from the replica and saved

    def allow_relation(self, obj1, obj2, **hints):
        if not configured():
            return None
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, ALIAS} or None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == ALIAS:
            return False
        return None


# --- Read-your-writes across requests ---------------------------------------------------------------


class ReplicaMiddleware:
    """Each request starts with a clean "wrote" note — set at once when the browser's `cg_primary`
    cookie says it wrote a moment ago. A request that wrote (through the ORM) answers with that cookie
    for `sticky_seconds()`, so the next pages read the primary until the replica has the write.

    Sits after SessionMiddleware: the session saved on the way out is no write of the user's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        initial = time.monotonic() if request.COOKIES.get(COOKIE) else None
        token = _wrote_at.set(initial)
        try:
            response = self.get_response(request)
            if _wrote_at.get() is not initial:  # a write during this request set a new time
                response.set_cookie(
                    COOKIE,
                    "1",
                    max_age=max(int(sticky_seconds() + 0.999), 1),
                    httponly=True,
                    samesite="Lax",
                    secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
                )
            return response
        finally:
            _wrote_at.reset(token)
