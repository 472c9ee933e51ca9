"""Limits and lockouts hold across worker processes: two real gunicorn servers on one database
(the embedded default) or one Redis (a district), hit alternately."""

import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from civicgrid.api import actions as api_actions
from civicgrid.ratelimit.testing import REDIS_TEST_URL, two_servers
from civicgrid.testing import TEST_PASSWORD, build_tree, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(server, username, password):
    token = secrets.token_hex(16)  # a CSRF secret of our own, as cookie and as form field
    response = requests.post(
        f"{server}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        cookies={"csrftoken": token},
        allow_redirects=False,
        timeout=30,
    )
    return response.status_code


@pytest.mark.parametrize("store", ["database", "redis"])
def test_limits_and_lockouts_hold_across_two_servers(tmp_path, settings, store):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # one the servers have
    tree = build_tree()
    application = api_actions.create_application("限流测试")
    _key, raw = api_actions.issue_key(application, region=tree["S1"], rate_per_minute=5)
    _key, burst_raw = api_actions.issue_key(application, region=tree["S1"], rate_per_minute=5)
    make_user("lockme")
    prefix = f"test-limits-{uuid.uuid4().hex}" if store == "redis" else None
    try:
        with two_servers(tmp_path, redis_prefix=prefix) as servers:
            # A key limited to 5 a minute, on the REST API and Open311 (one count for both).
            statuses = []
            for i in range(10):
                path = "/api/v1/categories/" if i < 8 else "/open311/v2/requests.json"
                response = requests.get(servers[i % 2] + path, headers={"X-API-Key": raw}, timeout=30)
                statuses.append(response.status_code)
            assert statuses == [200] * 5 + [429] * 5, statuses

            # At once: 16 requests in parallel on both servers, still exactly 5 through.
            def get(i):
                url = servers[i % 2] + "/api/v1/categories/"
                return requests.get(url, headers={"X-API-Key": burst_raw}, timeout=60).status_code

            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(get, range(16)))
            assert sorted(statuses) == [200] * 5 + [429] * 11, statuses

            if store == "database":  # lockouts are in the database whatever the store (AXES_HANDLER)
                # Five wrong passwords, alternately, lock the account on both servers (a wrong
                # password answers 200 with the form, the lockout 429).
                assert [_log_in(servers[i % 2], "lockme", "wrong-password") for i in range(5)] == [200] * 4 + [429]
                assert _log_in(servers[1], "lockme", TEST_PASSWORD) == 429
    finally:
        if prefix:
            client = redis.Redis.from_url(REDIS_TEST_URL)
            for name in client.scan_iter(f"{prefix}*"):
                client.delete(name)
