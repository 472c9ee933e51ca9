"""No 500 on any input (issue 12, must-show 6).

Every URL pattern of the project is taken from the resolver (a new view is covered without
touching this file), its path parameters filled with existing ids and codes and with huge numbers,
and it is sent, as a staff member, as a resident and (for the admin site) as a superuser:

- GET with nasty query strings (impossible dates, huge pages and sizes, NUL bytes, odd digits);
- POST of every form the page shows (its field names read from the page's HTML), each field
  filled with a nasty value;
- POST of raw bodies: random bytes, deeply nested JSON, huge numbers, JSON objects where text is
  expected, latin-1, UTF-16, invalid UTF-8, NUL bytes, the wrong Content-Type, multipart garbage;
- and a hypothesis run (bounded, derandomized) over (endpoint, user, body, query) combinations.

Any 5xx answer, or an exception the test client re-raises, is a failure; the list of failures is
shown all at once. About 4,000 requests (SLOW_LIMIT_SECONDS below).
"""

import json
import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

import hypothesis
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st

from civicgrid.api import actions as api_actions
from civicgrid.cases.tests.conftest import (  # noqa: F401 - fixtures shared with the cases tests
    _fast_and_unlimited,
    report,
    world,
)

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
DEEP_JSON = '{"a":' * 5000 + "1" + "}" * 5000
NASTY_TEXT = [
    HUGE,
    "-" + HUGE,
    "9" * 5000,  # more digits than int() converts by default
    "1e309",
    "nan",
    "-inf",
    "0",
    "-1",
    "１２",  # full-width digits: str.isdigit() says yes
    "٣",  # an Arabic-Indic digit
    "2026-99-99",
    "2026-02-30T00:00:00Z",
    "0000-00-00",
    "9999-12-31T23:59:59-12:00",
    "a\x00b",
    "\x01\x0b\x0c",
    "'\"<>;--%s%n{0}",
    "𠜎" * 20,
    "x" * 5000,
    " ",
    "[]",
    "{}",
    "true",
]
NASTY_JSON = [
    10**30,
    -(10**30),
    1e308,
    {"a": 1},
    ["a", {"b": [1]}],
    None,
    True,
    "x" * 5000,
    "a\x00b",
]
QUERY_KEYS = [
    "page",
    "page_size",
    "q",
    "status",
    "date_from",
    "date_to",
    "start_date",
    "end_date",
    "reported_after",
    "reported_before",
    "updated_after",
    "region",
    "category",
    "level",
    "ordering",
    "o",
    "id",
    "pk",
    "building",
    "house",
    "kind",
    "tag",
    "days",
    "year",
    "month",
    "lon",
    "lat",
    "zoom",
    "bbox",
    "scope",
    "next",
    "light",
    "stage",
    "mode",
    "field",
    "format",
    "limit",
    "offset",
    "since",
    "unread",
    "source",
    "who",
    "mine",
    "p",
    "all",
]
# Field names every JSON endpoint is offered (besides the names the project's forms use).
JSON_KEYS = [
    "version",
    "text",
    "note",
    "reason",
    "category",
    "description",
    "lon",
    "lat",
    "region",
    "into",
    "score",
    "level",
    "assignee",
    "department",
    "co_departments",
    "username",
    "password",
    "code",
    "amount",
    "unit",
    "milestones",
]
RAW_BODIES = [
    ("application/octet-stream", bytes(range(256)) * 4),
    ("application/json", DEEP_JSON.encode()),
    ("application/json", b"[" * 100000),
    ("application/json", json.dumps({"page": 10**30, "version": 10**30, "id": -(10**30)}).encode()),
    ("application/json", b'{"text": "\\ud800", "note": "\\u0000"}'),
    ("application/json", b"\xff\xfe\x00{\x00}"),
    ("application/json; charset=utf-16", json.dumps({"text": "中文"}).encode("utf-16")),
    ("application/json; charset=bz2_codec", b"BZh91AY&SY"),
    ("application/json; charset=nonsense", b"{}"),
    ("application/x-www-form-urlencoded; charset=latin-1", "text=caf\xe9&note=\xff".encode("latin-1")),
    ("application/x-www-form-urlencoded", b"text=%ff%fe&note=a%00b&version=" + HUGE.encode()),
    ("application/x-www-form-urlencoded", b"%%%&&&==="),
    ("text/xml", b'{"text": "json with the wrong type"}'),
    ("multipart/form-data; boundary=xyz", b"--xyz\r\ngarbage\r\n--xyz--"),
    ("multipart/form-data", b"--\r\nno boundary\r\n"),
    (
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="photos"; filename="x.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\nnot a jpeg\x00\r\n--b--\r\n",
    ),
    ("text/plain", b"\x00" * 64),
]
# Path parameters that name records: every request also tries these in the place of an id.
HUGE_IDS = [HUGE, "0", "-1", "9" * 40]
# Patterns never fuzzed: none. Admin patterns are sampled (Django's own code, but our admin
# actions and forms sit there too): their add/change forms are posted, history/delete only read.
# About 4,000 requests: ~2.5 minutes on SQLite on the shared 2-core CI machine under load, less when
# it is idle. The limit only catches a run that grows out of bounds.
SLOW_LIMIT_SECONDS = int(os.environ.get("FUZZ_LIMIT_SECONDS", "400"))


@dataclass
class Endpoint:
    route: str  # the pattern as text, for reports
    regex: re.Pattern
    params: list
    is_admin: bool
    paths: list = field(default_factory=list)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + _regex(pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + _regex(pattern), str(pattern.pattern)


def _regex(pattern):
    text = pattern.pattern.regex.pattern
    return text.lstrip("^").rstrip("$").replace(r"\Z", "")


def endpoints():
    seen, rows = set(), []
    for regex, _route in _walk(get_resolver().url_patterns):
        if regex in seen:
            continue
        seen.add(regex)
        compiled = re.compile("^" + regex + "$")
        rows.append(Endpoint(regex, compiled, list(compiled.groupindex), regex.startswith("admin/")))
    return rows


def _fill(endpoint, candidates):
    """Concrete paths: the pattern with each parameter set to each candidate its regex accepts."""
    paths = []
    if not endpoint.params:
        literal = _literal(endpoint.regex.pattern)
        return [literal] if literal is not None else []
    for value in candidates:
        values = dict.fromkeys(endpoint.params, value)
        for name in endpoint.params:
            if name == "fmt":
                values[name] = "json"
            elif name == "action" or name == "name":
                values[name] = "accept"
            elif name == "kind":
                values[name] = value if not value.isdigit() else "persons"
        path = _substitute(endpoint.regex.pattern, values)
        if path is not None and endpoint.regex.match(path):
            paths.append(path)
    return list(dict.fromkeys(paths))


GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def _substitute(regex, values):
    text = GROUP.sub(lambda m: values.get(m.group(1), "x").replace("\\", ""), regex.strip("^$"))
    return _literal(text)


def _literal(regex):
    """A regex without groups as the path it matches, or None when it is not a plain path."""
    text = regex.strip("^$").replace(r"\.", ".").replace(r"\-", "-")
    if text.endswith(".*"):
        text = text[:-2] + "nothing-here/"
    if re.search(r"[()\[\]*+?|{}]", text):
        return None
    return "/" + text


def _named(attrs):
    return bool(attrs.get("name")) and attrs["name"] != "csrfmiddlewaretoken"


class _Forms(HTMLParser):
    """The names of the inputs of every <form method=post> on a page."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "names": set()}
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current is not None and _named(attrs):
            self._current["names"].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _forms(html):
    parser = _Forms()
    try:
        parser.feed(html)
    except Exception:
        return []
    return parser.forms


@dataclass
class Run:
    clients: dict
    failures: list = field(default_factory=list)
    count: int = 0
    form_names: set = field(default_factory=set)
    timings: dict = field(default_factory=dict)

    def send(self, who, method, path, **kwargs):
        client = self.clients[who]
        self.count += 1
        started = time.monotonic()
        try:
            with transaction.atomic():  # a database error must not poison the test's transaction
                if isinstance(kwargs.get("data"), bytes):
                    # generic() sends the bytes as they are (post() would re-encode them to the
                    # charset named in the Content-Type, failing in the client itself).
                    response = client.generic(method.upper(), path, **kwargs)
                else:
                    response = getattr(client, method)(path, **kwargs)
        except Exception as exc:
            self.failures.append((who, method.upper(), path, _short(kwargs), f"{type(exc).__name__}: {exc}"[:300]))
            return None
        finally:
            key = path.split("?")[0]
            self.timings[key] = self.timings.get(key, 0) + time.monotonic() - started
        if response.status_code >= 500:
            self.failures.append((who, method.upper(), path, _short(kwargs), response.status_code))
        return response


def _short(kwargs):
    data = kwargs.get("data")
    if isinstance(data, bytes | str):
        return f"{kwargs.get('content_type')}: {data[:60]!r}"
    if isinstance(data, dict):
        return {k: (str(v)[:20]) for k, v in list(data.items())[:6]}
    return kwargs.get("QUERY_STRING", "")[:80] or None


@pytest.fixture
def fuzz_world(world):  # noqa: F811 - the shared fixture, requested
    from civicgrid.notifications.models import Notification
    from civicgrid.people.testing import add_person, make_building

    case = report(world)
    building = make_building(world.tree["S1C1G1"], code="FZ1")
    house = building.houses.first()
    person = add_person(world.people.community, house, name="测试", phone="13800000000")
    Notification.objects.filter(recipient=world.people.community).first()
    _application = api_actions.create_application("fuzz")
    api_actions.issue_key(_application, region=world.tree["S1"], rate_per_minute=0)
    superuser = get_user_model().objects.get(pk=world.people.admin.pk)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save(update_fields=["is_staff", "is_superuser"])
    ids = {str(pk) for pk in (case.pk, building.pk, house.pk, person.pk, person.household_id, superuser.pk) if pk}
    from civicgrid.notifications.models import Notification as N

    ids |= {str(pk) for pk in N.objects.values_list("pk", flat=True)[:3]}
    codes = [case.number, world.tree["S1C1"].code, world.tree["S1C1G1"].code, "S05001", "persons", "like"]
    return world, sorted(ids, key=int) + codes


def _clients(w):
    clients = {}
    for who, user in (
        ("staff", w.people.community),
        ("resident", w.people.resident),
        ("admin", w.people.admin),
    ):
        client = Client(raise_request_exception=True, HTTP_USER_AGENT="fuzz")
        client.force_login(user)
        clients[who] = client
    clients["anonymous"] = Client(raise_request_exception=True)
    return clients


def _relogin(run, w):
    # A fuzzed POST may have logged a client out (accounts/logout/): log in again.
    for who, user in (
        ("staff", w.people.community),
        ("resident", w.people.resident),
        ("admin", w.people.admin),
    ):
        run.clients[who].force_login(user)


def _users(endpoint):
    return ["admin"] if endpoint.is_admin else ["staff", "resident", "anonymous"]


def _admin_sampled(endpoint):
    # The admin site has ~300 patterns, six per model: its list, add and change forms are enough.
    if not endpoint.is_admin:
        return True
    return not re.search(r"(history|delete|password)/?$", endpoint.route)


def _schema_query_names():
    """Every query parameter the API's schemas name (filters, ordering, pages): a new filter is
    fuzzed without touching this file."""
    import yaml
    from django.conf import settings

    names = set()
    for schema in ("openapi.yaml", "open311.yaml"):
        document = yaml.safe_load((settings.BASE_DIR / "docs" / "api" / schema).read_text(encoding="utf-8"))
        for operations in document["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                    if parameter.get("in") == "query":
                        names.add(parameter["name"])
    return sorted(names)


QUERY_KEYS = sorted(set(QUERY_KEYS) | set(_schema_query_names()))
NASTY_QUERY = [dict.fromkeys(QUERY_KEYS, value) for value in (HUGE, "2026-99-99", "9" * 5000, "a\x00b", "１２", "{}")]


def _form_data(names, value):
    return dict.fromkeys(names, value)


# Each payload goes to each endpoint once, as one of the users in turn (every user still meets
# every kind of payload across the endpoints): the whole run stays under a minute on SQLite.
FORM_VALUES = [HUGE, "9" * 5000, "nan", "１２", "2026-02-30T00:00:00Z", "a\x00b", "x" * 5000, "{}"]


def test_no_server_error_on_any_input(fuzz_world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None},
    }
    settings.AXES_ENABLED = False  # garbage logins must not lock the test's users out
    w, candidates = fuzz_world
    started = time.monotonic()
    run = Run(_clients(w))
    rows = [e for e in endpoints() if _admin_sampled(e)]
    turn = 0

    def who_next(users):
        nonlocal turn
        turn += 1
        return users[turn % len(users)]

    for endpoint in rows:
        users = _users(endpoint)
        _relogin(run, w)
        # Path parameters: the existing ids and codes the pattern accepts (as staff), then huge ones.
        candidates_here = _fill(endpoint, candidates)
        pages = {}
        for path in candidates_here:
            response = run.send(users[0], "get", path)
            if response is not None and response.status_code == 200:
                pages.setdefault(users[0], []).append((path, response))
        endpoint.paths = [p for p, _r in pages.get(users[0], [])] or candidates_here[:1]
        for path in _fill(endpoint, HUGE_IDS) if endpoint.params else []:
            run.send(who_next(users), "get", path)
            run.send(who_next(users), "post", path, data={"text": "x"})
        if not endpoint.paths:
            continue
        path = endpoint.paths[0]
        for query in NASTY_QUERY[: 2 if endpoint.is_admin else None]:
            run.send(who_next(users), "get", path, data=query)
        # Every form each user's page shows, every field nasty.
        for who in users:
            response = pages.get(who, [(None, None)])[0][1] if who == users[0] else run.send(who, "get", path)
            if response is None or response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in _forms(response.content.decode("utf-8", "replace")):
                if endpoint.is_admin:
                    # Django caps a formset's TOTAL_FORMS at 1,000 more than its maximum: a huge
                    # count only builds a thousand empty forms, slowly. Left out of the admin's run.
                    form["names"] = {n for n in form["names"] if not n.endswith("_FORMS")}
                run.form_names |= form["names"]
                target = form["action"] if form["action"].startswith("/") else path
                for value in FORM_VALUES[: 3 if endpoint.is_admin else None]:
                    run.send(who, "post", target, data=_form_data(form["names"], value))
                _relogin(run, w)
        if endpoint.is_admin:
            continue
        # Raw bodies, and JSON with huge numbers and the wrong types in every known field.
        for content_type, body in RAW_BODIES:
            run.send(who_next(users), "post", path, data=body, content_type=content_type)
        keys = JSON_KEYS + sorted(run.form_names)[:60]
        for value in NASTY_JSON:
            body = json.dumps(dict.fromkeys(keys, value)).encode()
            run.send(who_next(users), "post", path, data=body, content_type="application/json")
        _relogin(run, w)
    _hypothesis_round(run, rows, w)
    elapsed = time.monotonic() - started
    if os.environ.get("FUZZ_TIMINGS"):
        for path, seconds in sorted(run.timings.items(), key=lambda kv: -kv[1])[:25]:
            print(f"{seconds:7.2f}s {path}")
        print("requests", run.count, "elapsed", elapsed)
    assert not run.failures, "\n".join(str(f) for f in _dedupe(run.failures)[:40])
    assert run.count > 2000, run.count  # the enumeration found the project's views
    assert elapsed < SLOW_LIMIT_SECONDS, elapsed


def _dedupe(failures):
    seen, rows = set(), []
    for failure in failures:
        key = (failure[0], failure[2].split("?")[0], str(failure[4])[:60])
        if key not in seen:
            seen.add(key)
            rows.append(failure)
    return rows


def _hypothesis_round(run, rows, w):
    targets = [(path, e.is_admin) for e in rows if not e.is_admin for path in e.paths[:1]]
    if not targets:
        return
    text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40))
    bodies = st.one_of(
        st.binary(max_size=300).map(lambda b: ("application/octet-stream", b)),
        st.binary(max_size=300).map(lambda b: ("application/json", b)),
        st.binary(max_size=300).map(lambda b: ("application/x-www-form-urlencoded", b)),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(JSON_KEYS), inner, max_size=4),
            max_leaves=10,
        ).map(lambda v: ("application/json", json.dumps({"text": v, "version": v, "note": v}).encode())),
        st.dictionaries(st.sampled_from(JSON_KEYS + QUERY_KEYS), text, max_size=6).map(
            lambda d: ("form", d),
        ),
    )

    @hypothesis.given(
        target=st.sampled_from(targets),
        who=st.sampled_from(["staff", "resident", "anonymous"]),
        body=bodies,
        query=st.dictionaries(st.sampled_from(QUERY_KEYS), text, max_size=4),
    )
    @hypothesis.settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(target, who, body, query):
        path = target[0]
        run.send(who, "get", path, data=query)
        content_type, data = body
        if content_type == "form":
            run.send(who, "post", path, data=data)
        else:
            run.send(who, "post", path, data=data, content_type=content_type)

    check()
    _relogin(run, w)


# The 500s the fuzz test found, kept as plain regression tests (each failed before its fix).
FOUND = [
    # redirect() took a bare `next` ("0", "nan", "2026-02-30T00:…") for a view name: NoReverseMatch.
    ("staff", "post", "/cases/staff/queue/dispatch/", {"next": "0", "level": "grid"}),
    ("staff", "post", "/cases/staff/queue/dispatch/", {"next": "2026-02-30T00:00:00Z"}),
    # A 5,000-digit region level: int() refuses more than 4,300 digits (ValueError).
    ("resident", "get", "/regions/geojson/", {"level": "9" * 5000}),
    ("resident", "get", "/regions/map/", {"level": "9" * 5000}),
    # A lone surrogate in JSON decodes to a str the database cannot store (UnicodeEncodeError).
    ("resident", "json", "/api/v1/cases/", b'{"description": "\\ud800", "category": 1}'),
    # A NUL in a lookup: PostgreSQL raises DataError (text fields cannot contain NUL).
    ("staff", "get", "/regions/", {"q": "a\x00b", "parent": "a\x00b"}),
    ("resident", "get", "/regions/geojson/", {"parent": "a\x00b"}),
    # Model.clean() ran on fields that had already failed: Role("") and None <= int.
    ("admin", "post", "/admin/accounts/roleassignment/add/", {"role": "nonsense", "user": "1"}),
    ("admin", "post", "/admin/regions/regionlevel/add/", {"level": "x", "code_digits": "x"}),
    # Ids the admin's forms cannot look up (SQLite OverflowError, int() digit limit, a date for an id).
    ("admin", "get", "/admin/regions/department/add/", {"region": "99999999999999999999"}),
    ("admin", "get", "/admin/regions/department/add/", {"region": "2026-99-99"}),
    ("admin", "post", "/admin/regions/region/add/", {"parent": "99999999999999999999", "level": "1"}),
]


@pytest.mark.parametrize(("who", "method", "path", "data"), FOUND)
def test_inputs_that_once_made_a_500(fuzz_world, who, method, path, data):
    w, _candidates = fuzz_world
    clients = _clients(w)
    client = clients[who]
    client.raise_request_exception = True
    if method == "json":
        response = client.generic("POST", path, data, content_type="application/json")
    else:
        response = getattr(client, method)(path, data)
    assert response.status_code < 500
