"""The shared counters: one window per key, counted atomically, in the database or in Redis."""

import time
import uuid

import pytest
import redis

from civicgrid.ratelimit import store
from civicgrid.ratelimit.models import Counter
from civicgrid.ratelimit.testing import REDIS_TEST_URL

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["database", "redis"])
def backend(request, settings):
    settings.RATE_LIMIT_STORE = request.param
    if request.param == "redis":
        prefix = f"test-limits-{uuid.uuid4().hex}"
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": REDIS_TEST_URL,
                "KEY_PREFIX": prefix,
                "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            }
        }
        yield request.param
        client = redis.Redis.from_url(REDIS_TEST_URL)
        for name in client.scan_iter(f"{prefix}*"):
            client.delete(name)
    else:
        yield request.param


def test_a_window_counts_every_hit_and_refuses_over_the_limit(backend):
    hits = [store.hit("k", 3, 60) for _ in range(5)]
    assert [h.count for h in hits] == [1, 2, 3, 4, 5]
    assert [h.allowed for h in hits] == [True, True, True, False, False]
    assert 0 < hits[-1].retry_after <= 60
    assert store.peek("k") == 5 and store.peek("other") == 0
    assert store.hit("other", 3, 60).count == 1  # keys are counted apart


def test_a_closed_window_starts_again(backend):
    assert store.hit("short", 1, 1).allowed
    assert not store.hit("short", 1, 1).allowed
    time.sleep(1.1)
    assert store.peek("short") == 0
    assert store.hit("short", 1, 1).count == 1


def test_reset_closes_the_window(backend):
    store.hit("r", 1, 60)
    store.reset("r")
    assert store.peek("r") == 0 and store.hit("r", 1, 60).allowed


def test_a_long_key_is_kept_by_its_digest(backend):
    key = "anon_" + "x" * 500
    assert store.hit(key, 2, 60).count == 1
    assert store.hit(key, 2, 60).count == 2
    if backend == "database":
        assert len(Counter.objects.get().key) <= 200


def test_expired_database_windows_are_purged(settings):
    settings.RATE_LIMIT_STORE = "database"
    store.hit("old", 1, 0.001)
    store.hit("current", 1, 60)
    time.sleep(0.01)
    assert store.purge_expired() == 1
    assert list(Counter.objects.values_list("key", flat=True)) == ["current"]


def test_the_store_setting_is_checked(settings):
    from civicgrid.ratelimit.checks import check_rate_limit_store

    settings.RATE_LIMIT_STORE = "memory"
    assert [e.id for e in check_rate_limit_store(None)] == ["ratelimit.E001"]
    settings.RATE_LIMIT_STORE = "redis"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [e.id for e in check_rate_limit_store(None)] == ["ratelimit.E002"]
    settings.RATE_LIMIT_STORE = "database"
    assert check_rate_limit_store(None) == []
