"""POST /api/v1/categories/suggest/: who may ask, what comes back, what is refused; Open311 requests
without service_code."""

import pytest
from django.core.cache import cache

from civicgrid.api import actions as api_actions
from civicgrid.api.demo import DEMO_KEY, seed_api
from civicgrid.api.tests.conftest import client_for
from civicgrid.cases.models import Case

from .conftest import point_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/categories/suggest/"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def test_a_resident_token_gets_suggestions(trained, world):
    response = client_for(world.people.resident).post(URL, {"text": "晚上这条路黑漆漆的灯坏了"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"suggestions", "urgent", "model_version"}
    assert body["model_version"] == trained.label and body["urgent"] is False
    assert 1 <= len(body["suggestions"]) <= 5
    first = body["suggestions"][0]
    assert first["code"] == "01008" and first["name"] == "路灯" and first["major_code"] == "01"
    assert set(first) == {"code", "name", "major_code", "major_name", "score"}


def test_urgent_texts_are_flagged(trained, world):
    body = client_for(world.people.operator).post(URL, {"text": "楼道里燃气泄漏了，味道很大"}, format="json").json()
    assert body["urgent"] is True and body["suggestions"][0]["code"] == "10003"


def test_a_signed_in_session_and_application_keys_may_ask(trained, world, client):
    client.force_login(world.people.grid)
    assert client.post(URL, {"text": "路灯不亮"}, content_type="application/json").status_code == 200
    application = api_actions.create_application("测试")
    _key, raw = api_actions.issue_key(application, region=world.tree["S1"])
    anonymous = client_for(None)
    assert anonymous.post(URL, {"text": "路灯不亮"}, format="json", HTTP_X_API_KEY=raw).status_code == 200
    seed_api(world.tree["D"])
    assert anonymous.post(URL, {"text": "路灯不亮"}, format="json", HTTP_X_API_KEY=DEMO_KEY).status_code == 200


def test_anonymous_callers_are_refused(world):
    response = client_for(None).post(URL, {"text": "路灯不亮"}, format="json")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "body",
    [
        {"text": ""},
        {"text": "   "},
        {},
        {"text": "灯" * 5001},
        {"text": 123},
        {"text": ["路灯不亮"]},
        {"text": {"nested": "路灯不亮"}},
        {"text": "路灯不亮", "lat": "north"},
        {"text": "路灯不亮", "lat": 91},
        ["路灯不亮"],
        "路灯不亮",
    ],
)
def test_bad_input_gets_the_usual_error_body(world, body):
    response = client_for(world.people.resident).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"code", "message", "details"}


def test_without_a_model_the_keywords_answer_through_the_api(world):
    body = client_for(world.people.resident).post(URL, {"text": "路灯不亮", "lat": 34.7, "long": 113.6}, format="json")
    assert body.json()["model_version"] == "keywords" and body.json()["suggestions"][0]["code"] == "01008"


def test_open311_without_service_code_where_the_key_allows_it(trained, world, client):
    lon, lat = point_in(world.tree["S1C1G1M1"])
    application = api_actions.create_application("热线")
    _key, plain = api_actions.issue_key(application, region=world.tree["S1"], rate_per_minute=1000)
    _key, smart = api_actions.issue_key(
        application, region=world.tree["S1"], rate_per_minute=1000, suggest_category=True
    )
    request = {"lat": lat, "long": lon, "description": "晚上这条路黑漆漆的，路灯坏了好几天"}
    refused = client.post("/open311/v2/requests.json", {**request, "api_key": plain})
    assert refused.status_code == 400 and not Case.objects.exists()
    filed = client.post("/open311/v2/requests.json", {**request, "api_key": smart})
    assert filed.status_code == 201, filed.content
    assert Case.objects.get().category.code == "01008"
    unclear = client.post("/open311/v2/requests.json", {**request, "api_key": smart, "description": "你好"})
    assert unclear.status_code == 400 and Case.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/cases/report/", "resident"),
        ("/cases/quick/", "grid"),
        ("/cases/staff/entry/", "grid"),
        ("/cases/staff/hotline/", "operator"),
    ],
)
def test_every_report_form_carries_the_suggestion_script(world, client, url, who):
    client.force_login(getattr(world.people, who))
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.content.decode()
    assert "civicgrid/category-suggest" in html and html.index("category-picker") < html.index("category-suggest")
    assert '"code": "01008"' in html  # the picker's table names each minor's code for the script


def test_the_demo_seeder_trains_a_model(world):
    from civicgrid.suggest import demo

    assert demo.seed_demo(None).startswith("category model")
    body = client_for(world.people.resident).post(URL, {"text": "路灯不亮"}, format="json").json()
    assert body["model_version"] != "keywords"
