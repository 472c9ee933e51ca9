"""Rate-limit counters shared by every worker process.

A window opens at a key's first hit and lasts `period` seconds; every hit inside it adds one, and
`hit` answers whether this hit is within `limit`. Each hit is ONE atomic operation in the shared
store, so two processes (or threads) never read the same count:

- with Redis (RATE_LIMIT_STORE = "redis", the default when REDIS_URL is set): SET NX EX + INCR +
  PTTL in one MULTI/EXEC transaction;
- otherwise in the database (the embedded default, SQLite or PostgreSQL): one
  ``INSERT … ON CONFLICT (key) DO UPDATE … RETURNING`` statement on ratelimit_counter, which also
  restarts an expired window.

Never a process's memory: gunicorn runs several workers, and a limit counted in each of them would
be multiplied by their number.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

MAX_KEY_LENGTH = 200  # Counter.key


@dataclass(frozen=True)
class Hit:
    count: int  # hits in the current window, this one included
    limit: int
    retry_after: float  # seconds until the window closes

    @property
    def allowed(self):
        return self.count <= self.limit


def hit(key, limit, period):
    """Count one hit of `key` in its window of `period` seconds; returns a Hit."""
    key = _normalise(key)
    now_ms = int(time.time() * 1000)
    if _store() == "redis":
        count, expires_ms = _redis_hit(key, period, now_ms)
    else:
        count, expires_ms = _database_hit(key, period, now_ms)
    return Hit(count=count, limit=limit, retry_after=max(0.0, (expires_ms - now_ms) / 1000))


def peek(key):
    """Hits of `key` in its current window, without counting one (0 when no window is open)."""
    key = _normalise(key)
    now_ms = int(time.time() * 1000)
    if _store() == "redis":
        value = _redis().get(_redis_key(key))
        return int(value or 0)
    from civicgrid.ratelimit.models import Counter

    row = Counter.objects.filter(key=key, expires_at__gt=now_ms).values_list("count", flat=True).first()
    return row or 0


def reset(key):
    """Close `key`'s window (e.g. after a successful password check)."""
    key = _normalise(key)
    if _store() == "redis":
        _redis().delete(_redis_key(key))
    else:
        from civicgrid.ratelimit.models import Counter

        Counter.objects.filter(key=key).delete()


def _normalise(key):
    """Keys fit the column whatever they hold (a long one is replaced by its digest)."""
    key = str(key)
    if len(key) > MAX_KEY_LENGTH:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _store():
    return settings.RATE_LIMIT_STORE


# --- Redis -----------------------------------------------------------------------------------


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _redis_key(key):
    from django.core.cache import cache

    return cache.make_key(f"ratelimit:{key}")


def _redis_hit(key, period, now_ms):
    name = _redis_key(key)
    pipe = _redis().pipeline(transaction=True)
    pipe.set(name, 0, ex=max(1, int(period)), nx=True)
    pipe.incr(name)
    pipe.pttl(name)
    _created, count, ttl_ms = pipe.execute()
    return int(count), now_ms + max(0, int(ttl_ms))


# --- Database --------------------------------------------------------------------------------


def _database_hit(key, period, now_ms):
    from civicgrid.ratelimit.models import Counter

    table = connection.ops.quote_name(Counter._meta.db_table)
    key_col, count_col, expires_col = (connection.ops.quote_name(c) for c in ("key", "count", "expires_at"))
    # One statement: a new key gets count 1; an open window adds one; an expired window starts
    # again at 1 with a new end. SQLite (3.35+) and PostgreSQL both evaluate the SET expressions on
    # the row as it was, and lock it for the statement.
    sql = (
        f"INSERT INTO {table} ({key_col}, {count_col}, {expires_col}) VALUES (%s, 1, %s) "
        f"ON CONFLICT ({key_col}) DO UPDATE SET "
        f"{count_col} = CASE WHEN {table}.{expires_col} <= %s THEN 1 ELSE {table}.{count_col} + 1 END, "
        f"{expires_col} = CASE WHEN {table}.{expires_col} <= %s THEN excluded.{expires_col} "
        f"ELSE {table}.{expires_col} END "
        f"RETURNING {count_col}, {expires_col}"
    )
    expires_ms = now_ms + int(period * 1000)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, expires_ms, now_ms, now_ms])
        count, expires = cursor.fetchone()
    return int(count), int(expires)


def purge_expired(now_ms=None):
    """Delete the database's closed windows; returns how many (the periodic job `purge_rate_counters`)."""
    from civicgrid.ratelimit.models import Counter

    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    deleted, _detail = Counter.objects.filter(expires_at__lte=now_ms).delete()
    return deleted
