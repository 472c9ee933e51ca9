"""Every API endpoint (/api/v1/ and /open311/v2/, enumerated from the URL resolver) with every kind
of credential: an intake integration key, a hotline integration key, a revoked key, an expired key,
no credential, and — for comparison — a community staff member's token. Each answer has its
expected status, and no answer to an application or to an anonymous caller carries personal data
(the person register, a resident's or a staff member's name or phone).

A new endpoint (or a new method on one) without an expectation in ENDPOINTS fails this test.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from civicgrid.accounts.models import Role
from civicgrid.api import actions as api_actions
from civicgrid.api.models import Open311Request
from civicgrid.cases import actions as case_actions
from civicgrid.cases.models import Status
from civicgrid.notifications.models import Kind, Notification
from civicgrid.people.models import PersonTag, Tag
from civicgrid.people.testing import add_person, make_building, make_id_number

from .conftest import accepted, client_for, make_case, point_in, report

pytestmark = pytest.mark.django_db

KINDS = ("integration", "hotline", "revoked", "expired", "none", "person")
PREFIXES = ("api/", "open311/")
CALLER = "13700001111"

# Expected status per kind, in KINDS order.
KEYS_LIKE_PERSON = (200, 200, 401, 401, 401, 200)
PUBLIC = (200, 200, 200, 200, 200, 200)
# The schema and its viewers are public; an invalid key is still refused.
SCHEMA = (200, 200, 401, 401, 200, 200)
# Open311 reads of requests: public, but an api_key that is given must be valid (Open311's own 403).
OPEN311_READ = (200, 200, 403, 403, 200, 200)
PEOPLE = (403, 403, 401, 401, 401, 200)
NOT_FOUND = (404, 404, 404, 404, 404, 404)


@dataclass
class Call:
    method: str
    path: object  # a string, or a function of the seeded world returning one
    expected: tuple
    data: object = None  # a dict, or a function of (world, kind)
    format: str = "json"
    static: bool = False  # a static asset (a JavaScript bundle): no data to look for


def _inside_case(w):
    return w.case.number


def _fresh_case(w):
    """A new reported case in the keys' street for a state-changing call (each kind gets its own)."""
    return report(w.world).number


def _open311_body(w, kind):
    lon, lat = point_in(w.world.tree["S1C1G1M1"])
    # A hotline work order carries its caller's phone (which no application ever reads back).
    return {"service_code": "01008", "lat": lat, "long": lon, "description": "路灯不亮", "phone": CALLER}


def _report_body(w, kind):
    lon, lat = point_in(w.world.tree["S1C1G1M1"])
    source = {"integration": "api", "hotline": "hotline"}.get(kind, "resident")
    body = {
        "category": w.world.cats["S05001"].pk,
        "description": "井盖缺失。",
        "lon": lon,
        "lat": lat,
        "source": source,
    }
    if source == "hotline":
        body.update(caller_phone=CALLER, caller_name="人名来电")
    return body


# (resolver name, method) → the call. Every route under PREFIXES must be listed.
ENDPOINTS = {
    ("api:v1:token", "post"): Call(
        "post", "/api/v1/auth/token/", (400, 400, 401, 401, 400, 400), {"username": "x", "password": "y"}
    ),
    ("api:v1:token", "delete"): Call("delete", "/api/v1/auth/token/", (204, 204, 401, 401, 401, 204)),
    ("api:v1:me", "get"): Call("get", "/api/v1/me/", KEYS_LIKE_PERSON),
    ("api:v1:schema", "get"): Call("get", "/api/v1/schema/", SCHEMA),
    ("api:v1:docs", "get"): Call("get", "/api/v1/docs/", SCHEMA),
    ("api:v1:redoc", "get"): Call("get", "/api/v1/redoc/", SCHEMA),
    ("api:v1:redoc-bundle", "get"): Call("get", "/api/v1/redoc/redoc.standalone.js", PUBLIC, static=True),
    ("api:v1:api-root", "get"): Call("get", "/api/v1/", KEYS_LIKE_PERSON),
    ("api:v1:region-list", "get"): Call("get", "/api/v1/regions/", KEYS_LIKE_PERSON),
    ("api:v1:region-geojson", "get"): Call("get", "/api/v1/regions/geojson/", KEYS_LIKE_PERSON),
    ("api:v1:region-locate", "get"): Call(
        "get",
        lambda w: "/api/v1/regions/locate/?lon={}&lat={}".format(*point_in(w.world.tree["S1C1G1M1"])),
        KEYS_LIKE_PERSON,
    ),
    ("api:v1:region-detail", "get"): Call(
        "get", lambda w: f"/api/v1/regions/{w.world.tree['S1C1'].code}/", KEYS_LIKE_PERSON
    ),
    ("api:v1:category-list", "get"): Call("get", "/api/v1/categories/", KEYS_LIKE_PERSON),
    ("api:v1:category-detail", "get"): Call(
        "get", lambda w: f"/api/v1/categories/{w.world.cats['S05001'].pk}/", KEYS_LIKE_PERSON
    ),
    ("api:v1:category-suggest-list", "post"): Call(
        "post", "/api/v1/categories/suggest/", KEYS_LIKE_PERSON, {"text": "路灯不亮"}
    ),
    ("api:v1:case-list", "get"): Call("get", "/api/v1/cases/", KEYS_LIKE_PERSON),
    ("api:v1:case-list", "post"): Call("post", "/api/v1/cases/", (201, 201, 401, 401, 401, 201), _report_body),
    ("api:v1:case-detail", "get"): Call("get", lambda w: f"/api/v1/cases/{_inside_case(w)}/", KEYS_LIKE_PERSON),
    # 受理: a dispatcher's step — the hotline integration and community staff may, an intake may not.
    ("api:v1:case-act", "post"): Call(
        "post",
        lambda w: f"/api/v1/cases/{_fresh_case(w)}/actions/accept/",
        (403, 200, 401, 401, 401, 200),
        {"version": 1},
    ),
    ("api:v1:evaluation-list", "get"): Call("get", "/api/v1/evaluations/", KEYS_LIKE_PERSON),
    ("api:v1:evaluation-detail", "get"): Call(
        "get", lambda w: f"/api/v1/evaluations/{w.evaluation.pk}/", KEYS_LIKE_PERSON
    ),
    ("api:v1:notification-list", "get"): Call("get", "/api/v1/notifications/", KEYS_LIKE_PERSON),
    ("api:v1:notification-read-all", "post"): Call("post", "/api/v1/notifications/read-all/", KEYS_LIKE_PERSON),
    ("api:v1:notification-unread-count", "get"): Call("get", "/api/v1/notifications/unread-count/", KEYS_LIKE_PERSON),
    # The staff member's own notification: nobody else's.
    ("api:v1:notification-detail", "get"): Call(
        "get", lambda w: f"/api/v1/notifications/{w.notification.pk}/", (404, 404, 401, 401, 401, 200)
    ),
    ("api:v1:notification-read", "post"): Call(
        "post", lambda w: f"/api/v1/notifications/{w.notification.pk}/read/", (404, 404, 401, 401, 401, 200)
    ),
    ("api:v1:people-building-list", "get"): Call("get", "/api/v1/people/buildings/", PEOPLE),
    ("api:v1:people-building-detail", "get"): Call(
        "get", lambda w: f"/api/v1/people/buildings/{w.building.pk}/", PEOPLE
    ),
    ("api:v1:people-house-list", "get"): Call("get", "/api/v1/people/houses/", PEOPLE),
    ("api:v1:people-house-detail", "get"): Call("get", lambda w: f"/api/v1/people/houses/{w.house.pk}/", PEOPLE),
    ("api:v1:people-household-list", "get"): Call("get", "/api/v1/people/households/", PEOPLE),
    ("api:v1:people-household-detail", "get"): Call(
        "get", lambda w: f"/api/v1/people/households/{w.person.household_id}/", PEOPLE
    ),
    ("api:v1:people-person-list", "get"): Call("get", "/api/v1/people/persons/", PEOPLE),
    ("api:v1:people-person-detail", "get"): Call("get", lambda w: f"/api/v1/people/persons/{w.person.pk}/", PEOPLE),
    ("api:catch-all", "get"): Call("get", "/api/v2/people/persons/", NOT_FOUND),
    ("open311:discovery", "get"): Call("get", "/open311/v2/discovery.json", PUBLIC),
    ("open311:services", "get"): Call("get", "/open311/v2/services.json", PUBLIC),
    ("open311:service", "get"): Call("get", "/open311/v2/services/01008.json", PUBLIC),
    ("open311:requests", "get"): Call("get", "/open311/v2/requests.json", OPEN311_READ),
    # Filing needs a valid api_key (Open311 takes no person's token).
    ("open311:requests", "post"): Call(
        "post", "/open311/v2/requests.json", (201, 201, 403, 403, 403, 403), _open311_body, format="multipart"
    ),
    ("open311:request", "get"): Call("get", lambda w: f"/open311/v2/requests/{_inside_case(w)}.json", OPEN311_READ),
    ("open311:token", "get"): Call("get", lambda w: f"/open311/v2/tokens/{w.open311_token}.json", PUBLIC),
    ("open311:unknown", "get"): Call("get", "/open311/v2/persons.json", (404, 404, 404, 404, 404, 404)),
}


def _routes():
    """(qualified name, method) of every route under PREFIXES; DRF views list their own methods."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), f"{namespace}{pattern.name or 'catch-all'}", pattern.callback

    for route, name, callback in walk(get_resolver().url_patterns):
        if not route.lstrip("^").startswith(PREFIXES):
            continue
        if getattr(callback, "actions", None):  # a viewset route: its method → action map
            # (DRF adds "head" for "get" once the route has served a request: HEAD is GET.)
            methods = set(callback.actions) - {"head", "options"}
        elif getattr(callback, "view_class", None) is not None:  # an APIView
            view = callback.view_class
            methods = {m for m in view.http_method_names if hasattr(view, m) and m not in {"options", "head"}}
        else:  # a plain function view: at least GET must be listed
            methods = {"get"}
        for method in methods:
            yield name, method


def test_every_endpoint_has_an_expectation():
    routes = set(_routes())
    assert routes, "no routes found"
    missing = sorted(routes - set(ENDPOINTS))
    assert not missing, f"endpoints without an expectation in ENDPOINTS: {missing}"
    stale = sorted({name for name, _m in ENDPOINTS} - {name for name, _m in routes})
    assert not stale, f"expectations for routes that no longer exist: {stale}"


@dataclass
class Seeded:
    world: object
    keys: dict
    case: object = None
    evaluation: object = None
    notification: object = None
    building: object = None
    house: object = None
    person: object = None
    open311_token: str = ""
    secrets: list = field(default_factory=list)


@pytest.fixture
def seeded(world, settings):
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    people = world.people
    # Every account gets a recognisable name; the resident a phone.
    for index, user in enumerate(vars(people).values()):
        user.name = f"人名{index:02d}"
        user.save(update_fields=["name"])
    people.resident.phone = "13911112222"
    people.resident.save(update_fields=["phone"])
    region = world.tree["S1"]
    intake = api_actions.create_application("接入小程序")
    hotline = api_actions.create_application("12345 热线")
    keys = {
        "integration": api_actions.issue_key(intake, region=region, role=Role.INTEGRATION, rate_per_minute=0)[1],
        "hotline": api_actions.issue_key(hotline, region=region, role=Role.HOTLINE_INTEGRATION, rate_per_minute=0)[1],
    }
    revoked, keys["revoked"] = api_actions.issue_key(intake, region=region, rate_per_minute=0)
    api_actions.revoke_key(revoked)
    keys["expired"] = api_actions.issue_key(
        intake, region=region, rate_per_minute=0, expires_at=timezone.now() - timedelta(days=1)
    )[1]
    seeded = Seeded(world=world, keys=keys)
    # The register: a person with a restricted tag in the keys' street.
    seeded.building = make_building(world.tree["S1C1G1"], code="B1")
    seeded.house = seeded.building.houses.first()
    id_number = make_id_number(birth=date(1961, 7, 19))
    seeded.person = add_person(
        people.community,
        seeded.house,
        name="钱多多",
        id_number=id_number,
        phone="13812345678",
    )
    PersonTag.objects.create(person=seeded.person, tag=Tag.objects.get(code="disabled"))
    # Cases: a resident's report, and a closed one they rated.
    seeded.case = accepted(world, report(world, description="楼道灯坏了。"))  # accepted: public on Open311
    closed = make_case(world, Status.CLOSED)
    case_actions.evaluate_case(closed, people.resident, version=closed.version, score=5, comment="满意")
    seeded.evaluation = closed.evaluations.get()
    seeded.notification = Notification.objects.create(
        recipient=people.community,
        kind=Kind.NEW_CASE,
        case=seeded.case,
        title="新案件",
        body="人名00 上报",
        created_at=timezone.now(),
    )
    token = Open311Request.objects.create(case=seeded.case, token="tok-walk", api_key=None)
    seeded.open311_token = token.token
    seeded.secrets = [
        "钱多多",
        id_number,
        seeded.person.id_number_masked,
        "13812345678",
        "138****5678",
        "1961-07-19",
        '"disabled"',
        "人名",
        CALLER,
        CALLER[:3] + "****" + CALLER[-4:],
        "13911112222",
        "139****2222",
    ]
    return seeded


def _client(seeded, kind):
    if kind == "person":
        return client_for(seeded.world.people.community)
    client = APIClient()
    if kind in seeded.keys:
        client.credentials(HTTP_X_API_KEY=seeded.keys[kind])
    return client


def _call(seeded, kind, call):
    path = call.path(seeded) if callable(call.path) else call.path
    data = call.data(seeded, kind) if callable(call.data) else call.data
    client = _client(seeded, kind)
    if call.method == "get":
        return client.get(path)
    return getattr(client, call.method)(path, data, format=call.format)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS), ids=lambda e: f"{e[0]}-{e[1]}")
def test_endpoint_with_every_kind_of_credential(seeded, endpoint):
    call = ENDPOINTS[endpoint]
    answers = {}
    for kind in KINDS:
        response = _call(seeded, kind, call)
        body = response.content.decode("utf-8", "replace")
        answers[kind] = response.status_code
        assert response.status_code < 500, (kind, body[:300])
        if kind != "person" and not call.static:
            leaked = [s for s in seeded.secrets if s in body]
            assert not leaked, f"{endpoint} with {kind}: personal data {leaked} in {body[:300]}"
    assert answers == dict(zip(KINDS, call.expected, strict=True))


def test_the_comparison_token_does_see_the_register(seeded):
    """The walk would notice a leak: the staff member's token shows exactly what the keys must not."""
    body = _call(seeded, "person", ENDPOINTS[("api:v1:people-person-list", "get")]).content.decode()
    assert "钱多多" in body and "disabled" in body
