"""The scope walk: every URL of every app (pages, exports, JSON endpoints, the API, Open311) is
requested by each of the eight person roles — and, on /api/ and /open311/, by an application key
of each application role — once for its object in scope (community A) and once for the same kind
of object out of scope (community B), and the answer is compared with the hand-written table in
scope_table.py. Every refused write (a 4xx, or a redirect marked "=") must leave every row of
the domain tables exactly as it was; every accepted one must change something.

A URL name that is neither in scope_table.URLS nor in scope_table.EXCLUDED fails
test_every_url_is_declared: declare what the new view answers to each role.

The world (scope_world.py) is built once for the module inside a transaction that is rolled back
at the end; each request runs in its own savepoint (pytest-django's `db`), so a write by one test
is never seen by the next.
"""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from civicgrid.site.tests.scope_table import API_ROLES, EXCLUDED, ROLES, URLS
from civicgrid.site.tests.scope_world import build_world

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "delete")
SIDES = {"A": "in scope", "B": "out of scope"}
# Every row of these apps' tables is compared before and after a refused write. (Sessions, rate
# counters, security and login logs are not domain data: a refused request may touch them.)
SNAPSHOT_APPS = (
    "core",
    "accounts",
    "regions",
    "cases",
    "people",
    "notifications",
    "dashboard",
    "api",
    "activities",
    "compounds",
    "notices",
    "consult",
    "services",
    "volunteers",  # --- volunteers ---
    "points",  # --- points ---
    "scoring",
    "property",  # --- property ---
    "gridwork",
    "party",
)
# Bookkeeping of the request itself, not of its object: when a key was last used, a user last signed in.
IGNORED_FIELDS = {"api.ApiKey": {"last_used_at"}, "accounts.User": {"last_login"}}


# --- The URL conf, walked ------------------------------------------------------------------------


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or 'catch-all'}", pattern.callback


def _methods(callback):
    """The methods a DRF route serves (a viewset's action map, an APIView's handlers); None for a
    plain Django view (its methods are whatever the table declares)."""
    if getattr(callback, "actions", None):
        return set(callback.actions) - {"head", "options"}
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view is not None and hasattr(view, "http_method_names") and hasattr(view, "get_permissions"):
        return {m for m in view.http_method_names if hasattr(view, m) and m not in {"head", "options"}}
    return None


def _excluded(name):
    return any(name == key or (key.endswith(":") and name.startswith(key)) for key in EXCLUDED)


def routes():
    found = {}
    for name, callback in _walk(get_resolver().url_patterns):
        if not _excluded(name):
            found[name] = _methods(callback)
    return found


def test_every_url_is_declared():
    found = routes()
    assert len(found) > 100, sorted(found)
    missing = sorted(set(found) - set(URLS))
    assert not missing, (
        f"URL names without a declared expectation: {missing}. Add each to civicgrid/site/tests/"
        "scope_table.py (URLS: its object in and out of scope and each role's answer), or, if it is "
        "not an app's view, to EXCLUDED with the reason."
    )
    stale = sorted(set(URLS) - set(found))
    assert not stale, f"expectations for URL names that no longer exist: {stale}"
    for name, methods in found.items():
        if methods is None:
            continue
        declared = {m for m in METHODS if getattr(URLS[name], m)}
        assert methods <= declared, f"{name}: methods {sorted(methods - declared)} have no expectation"


def test_admin_refuses_every_role(world):
    for role in ROLES:
        response = _client(world, role).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role


# --- The world ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("scope-walk")
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CASES_ATTACHMENT_ROOT=root / "attachments",
        JOBS_ROOT=root / "jobs",
        CASES_RESIDENT_REPORTS_PER_HOUR=0,
        CASES_RESIDENT_REPORTS_PER_DAY=0,
    )
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            world.root = root
            world.sessions = {}
            for role, user in world.users.items():
                client = Client()
                client.force_login(user)
                world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def _world_settings(settings, _private_attachment_folder, world):
    """The world's files stay where it stored them; no per-account report limits."""
    settings.CASES_ATTACHMENT_ROOT = world.root / "attachments"
    settings.JOBS_ROOT = world.root / "jobs"
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0


# The security log records every sign-in attempt, refused ones included: the request's own trace.
BOOKKEEPING = {"accounts.SecurityEvent"}


def _tables():
    models = [
        m
        for label in SNAPSHOT_APPS
        for m in apps.get_app_config(label).get_models()
        if m._meta.managed and m._meta.label not in BOOKKEEPING
    ]
    return sorted(models, key=lambda m: m._meta.label)


# The rows a refused write could touch, compared field by field (every other table by its row count
# and highest id, all in one query).
ROW_MODELS = (
    "accounts.User",
    "accounts.RoleAssignment",
    "cases.Case",
    "cases.CaseParticipant",
    "cases.Attachment",
    "cases.BoardComment",
    "people.Building",
    "people.House",
    "people.Household",
    "people.Person",
    "people.Enterprise",
    "people.Compound",
    "people.PropertyCompany",
    "notifications.Notification",
    "dashboard.WarningFiring",
    "dashboard.Task",
    "api.ApiKey",
    "services.ServiceLink",
    "services.Craftsman",
    "services.CraftsmanOrder",
    # --- points --- (balances, awards, items, redemptions and help records change in place)
    "points.Account",
    "points.Award",
    "points.Item",
    "points.Redemption",
    "points.Help",
    # --- party --- (organisations, posts, members and registrations change in place)
    "party.Organisation",
    "party.Post",
    "party.Member",
    "party.Registration",
    "party.IndicatorSet",
    "party.Rating",
    "party.RatingItem",
    "party.Project",
    "party.Milestone",
    "party.Lesson",
    "party.StudyPlan",
    "party.StudyRecord",
    "party.Question",
    "party.Attempt",
    "party.Order",
)


def snapshot():
    models = _tables()
    quote = connection.ops.quote_name
    parts = []
    for model in models:
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        if model._meta.pk.get_internal_type() not in ("AutoField", "BigAutoField", "IntegerField"):
            pk = f"CAST({pk} AS TEXT)"  # PostgreSQL has no MAX() of a UUID
        parts.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({pk}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        figures = cursor.fetchone()
        rows = {m._meta.label: figures[2 * i : 2 * i + 2] for i, m in enumerate(models)}
        # Raw rows (the ORM's conversions would cost more than the requests being checked).
        for label in ROW_MODELS:
            model = apps.get_model(label)
            ignored = IGNORED_FIELDS.get(label, ())
            columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields if f.name not in ignored)
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {pk}")
            rows[label] = cursor.fetchall()
    return rows


def _diff(before, after):
    return sorted(label for label in before if before[label] != after[label])


# --- The walk -----------------------------------------------------------------------------------


def _walked():
    for name in sorted(URLS):
        view = URLS[name]
        for method in METHODS:
            expected = getattr(view, method)
            if not expected:
                continue
            for role in ROLES + API_ROLES:
                for index, side in enumerate(SIDES):
                    answer = expected[role][index]
                    if answer is None or answer == "-":
                        continue
                    yield pytest.param(name, method, role, side, id=f"{name}-{method}-{role}-{side}")


def _client(world, role):
    """A fresh client each time: one signed in with the role's session (a walk through the logout
    page must not sign the next test out), or carrying the application's key."""
    if role in API_ROLES:
        client = APIClient()
        client.credentials(HTTP_X_API_KEY=world.keys[role])
        return client
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def _request(world, name, method, role, side):
    view = URLS[name]
    kwargs, query = view.target(world, side, role) if view.target else ({}, "")
    kwargs = dict(kwargs)
    path = kwargs.pop("_path", None) or reverse(name, kwargs=kwargs)
    url = f"{path}?{query}" if query else path
    client = _client(world, role)
    headers = {"HTTP_HX_REQUEST": "true"} if view.htmx else {}
    if method == "get":
        return url, client.get(url, **headers)
    data = view.data(world, side, role) if callable(view.data) else (view.data or {})
    if view.json or method == "delete":
        return url, client.generic(method.upper(), url, json.dumps(data), content_type="application/json")
    return url, client.post(url, data)


@pytest.mark.parametrize(("name", "method", "role", "side"), list(_walked()))
def test_scope(world, _world_settings, name, method, role, side):
    expected = getattr(URLS[name], method)[role][0 if side == "A" else 1]
    status = int(expected.rstrip("=?"))
    refused = expected.endswith("=") or expected.startswith("4")
    before = snapshot() if method != "get" else None
    url, response = _request(world, name, method, role, side)
    where = f"{method.upper()} {url} ({name}) as {role}, {SIDES[side]}"
    assert response.status_code == status, (
        f"{where}: expected {expected}, got {response.status_code}. If the view is right, correct "
        f"civicgrid/site/tests/scope_table.py."
    )
    if before is not None:
        changes = _diff(before, snapshot())
        if refused:
            assert not changes, f"{where}: refused ({response.status_code}) but changed {changes}"
        elif not expected.endswith("?"):
            assert changes, f"{where}: answered {response.status_code} but changed nothing"
    marker = URLS[name].marker
    if marker and response.status_code == 200:
        text = response.content.decode("utf-8", "replace")
        assert marker(world, "B") not in text, f"{where}: shows B's {marker(world, 'B')!r}, out of scope"
        if side == "A":
            assert marker(world, "A") in text, f"{where}: A's {marker(world, 'A')!r} is missing"
