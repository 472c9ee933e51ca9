"""Bad input answers a clear 4xx in the endpoint's own error format, never a 500 (issue 12, failure 6
and the smaller failures of 9): reused or over-long Idempotency-Keys and impossible dates and pages on
Open311; deeply nested JSON on the API; a JSON object where the action API wants a note; unknown API
URLs answer JSON 404 even to a session's POST without a CSRF token."""

import json

import pytest
from django.test import Client

from civicgrid.api import actions as api_actions
from civicgrid.cases.models import Case, CaseEvent

from .conftest import accepted, client_for, point_in, report
from .test_open311 import error_of, post_request

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
FORMATS = ["json", "xml"]
DEEP = '{"a":' * 5000 + "1" + "}" * 5000


@pytest.fixture
def key(world):
    application = api_actions.create_application("311 app")
    return api_actions.issue_key(application, region=world.tree["S1"], rate_per_minute=1000)[1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_open311_reused_idempotency_key_with_another_body_is_an_open311_422(world, key, fmt):
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_IDEMPOTENCY_KEY"] = "same"
    first = post_request(client, fmt, key, world)
    assert first.status_code == 201
    again = post_request(client, fmt, key, world, description="另一件事")
    assert again.status_code == 422
    code, description = error_of(again, fmt)
    assert code == 422 and "Idempotency-Key" in description
    assert Case.objects.count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_open311_over_long_idempotency_key_is_an_open311_400(world, key, fmt):
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_IDEMPOTENCY_KEY"] = "k" * 300
    response = post_request(client, fmt, key, world)
    assert response.status_code == 400
    code, description = error_of(response, fmt)
    assert code == 400 and "Idempotency-Key" in description
    assert Case.objects.count() == 0


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "query",
    [
        {"end_date": "2026-99-99T00:00:00Z"},
        {"start_date": "2026-02-30T00:00:00Z"},
        {"start_date": "2026-02-30"},
        {"start_date": "0001-01-01T00:00:00Z"},
        {"end_date": "0001-01-01T00:00:00"},
        {"end_date": "9999-12-31T23:59:59-12:00"},
        {"start_date": "2026-01-01T00:00:00+99:00"},
        {"page": "99999999999999999999"},
        {"page": "9" * 5000},
        {"page_size": "99999999999999999999"},
        {"page": "-1"},
        {"page": "１２"},
        {"service_request_id": "x" * 5000},
    ],
)
def test_open311_impossible_dates_and_pages_are_open311_400s(world, fmt, query):
    response = Client(raise_request_exception=False).get(f"{BASE}/requests.{fmt}", query)
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        code, description = error_of(response, fmt)
        assert code == 400 and description


def test_open311_dates_at_the_edges_of_the_calendar_still_work(world):
    accepted(world, report(world))
    response = Client().get(f"{BASE}/requests.json", {"start_date": "2000-01-01T00:00:00Z"})
    assert response.status_code == 200 and len(response.json()) == 1


@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/auth/token/"])
def test_deeply_nested_json_is_a_400(world, url):
    client = client_for(world.people.resident if "cases" in url else None)
    client.raise_request_exception = False
    response = client.post(url, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_json_a_little_nested_is_still_parsed(world):
    lon, lat = point_in(world.tree["S1C1G1M1"])
    body = {"category": world.cats["S05001"].pk, "description": "楼道灯坏了", "lon": lon, "lat": lat}
    response = client_for(world.people.resident).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("text", [{"a": 1}, ["a"], 12, True])
def test_action_note_must_be_text(world, text):
    case = report(world)
    client = client_for(world.people.community)
    before = CaseEvent.objects.filter(case=case).count()
    response = client.post(
        f"/api/v1/cases/{case.number}/actions/accept/",
        json.dumps({"version": case.version, "text": text}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and "text" in response.json()["details"]
    assert CaseEvent.objects.filter(case=case).count() == before
    case.refresh_from_db()
    assert case.status == "reported"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/notifications/999999/read",
        "/api/v1/notifications/999999/read/extra/",
        "/api/v1/no-such-thing/",
        "/api/v2/",
        "/api/",
    ],
)
def test_unknown_api_urls_answer_json_404_even_to_a_session_post_without_csrf(world, url):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world.people.resident)
    response = client.post(url, {})
    assert response.status_code == 404, (response.status_code, response.content[:200])
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999", "abc"])
def test_an_unknown_notification_answers_json_404(world, pk):
    for client in (client_for(world.people.resident), _session_with_csrf(world.people.resident)):
        client.raise_request_exception = False
        response = client.post(f"/api/v1/notifications/{pk}/read/")
        assert response.status_code == 404, (response.status_code, response.content[:200])
        assert response.json()["code"] == "not_found"


def _session_with_csrf(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    secret = "a" * 32  # a well-formed CSRF secret, sent as the cookie and echoed in the header
    client.cookies["csrftoken"] = secret
    client.defaults["HTTP_X_CSRFTOKEN"] = secret
    return client


def test_a_session_post_without_csrf_to_a_real_api_url_is_a_json_403(world):
    case = report(world)
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world.people.resident)
    response = client.post(f"/api/v1/cases/{case.number}/actions/follow/", {})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
