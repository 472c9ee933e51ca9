"""Argon2 at OWASP's minimum, cheap enough for a morning of logins; older hashes upgraded at login."""

import time

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, identify_hasher, make_password
from django.urls import reverse

from civicgrid.accounts.hashers import OWASP_MEMORY_KIB, OWASP_PARALLELISM, OWASP_TIME_COST
from civicgrid.accounts.models import Role
from civicgrid.testing import TEST_PASSWORD, build_tree, make_user

ARGON2 = "civicgrid.accounts.hashers.CivicGridArgon2PasswordHasher"


@pytest.fixture
def argon2_settings(settings):
    settings.PASSWORD_HASHERS = [ARGON2, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    return settings


def _params(encoded):
    decoded = identify_hasher(encoded).decode(encoded)
    return decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"]


def test_the_configured_hasher_is_at_owasps_minimum_and_costs_under_100_ms(argon2_settings):
    hasher = get_hasher()
    assert hasher.algorithm == "argon2"
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19 * 1024, 2, 1)
    encoded = make_password(TEST_PASSWORD)
    assert _params(encoded) == (OWASP_MEMORY_KIB, OWASP_TIME_COST, OWASP_PARALLELISM)
    costs = []
    for _ in range(5):
        started = time.process_time()
        assert hasher.verify(TEST_PASSWORD, encoded)
        costs.append(time.process_time() - started)
    assert sorted(costs)[2] < 0.100


def test_settings_can_raise_but_never_lower_the_cost(argon2_settings):
    argon2_settings.PASSWORD_ARGON2_MEMORY_KIB = 1024
    argon2_settings.PASSWORD_ARGON2_TIME_COST = 1
    argon2_settings.PASSWORD_ARGON2_PARALLELISM = 0
    hasher = get_hasher()
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19 * 1024, 2, 1)
    argon2_settings.PASSWORD_ARGON2_TIME_COST = 3
    assert get_hasher().time_cost == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old_hasher",
    [
        Argon2PasswordHasher(),  # Django's default: 100 MiB, 8 lanes (~160 ms a login)
        "pbkdf2_sha256",
    ],
    ids=["django-argon2-default", "pbkdf2"],
)
def test_an_older_hash_is_rewritten_at_the_next_login(client, argon2_settings, old_hasher):
    worker = make_user("zhangwei", Role.GRID_WORKER, build_tree(fanout=1)["S1C1G1"], phone="13812345678")
    if isinstance(old_hasher, str):
        old = make_password(TEST_PASSWORD, hasher=old_hasher)
    else:
        old = old_hasher.encode(TEST_PASSWORD, old_hasher.salt())
        assert _params(old) == (102400, 2, 8)
    type(worker).objects.filter(pk=worker.pk).update(password=old)
    if old.startswith("argon2$"):
        assert get_hasher().must_update(old)

    response = client.post(reverse("accounts:login"), {"username": "zhangwei", "password": TEST_PASSWORD})
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(worker.pk)
    worker.refresh_from_db()
    assert worker.password != old and worker.password.startswith("argon2$")
    assert _params(worker.password) == (OWASP_MEMORY_KIB, OWASP_TIME_COST, OWASP_PARALLELISM)
    assert worker.check_password(TEST_PASSWORD)
    assert not get_hasher().must_update(worker.password)


@pytest.mark.django_db
def test_a_wrong_password_leaves_the_old_hash_alone(client, argon2_settings):
    worker = make_user("lisi", Role.GRID_WORKER, build_tree(fanout=1)["S1C1G1"], phone="13812345679")
    old = Argon2PasswordHasher().encode(TEST_PASSWORD, Argon2PasswordHasher().salt())
    type(worker).objects.filter(pk=worker.pk).update(password=old)
    client.post(reverse("accounts:login"), {"username": "lisi", "password": "Wrong@pass1"})
    worker.refresh_from_db()
    assert worker.password == old
