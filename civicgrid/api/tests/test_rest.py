"""/api/v1/: authentication, scoping and masking as on the pages, reports with photos, actions,
errors as JSON, throttling."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from civicgrid.accounts.models import Role
from civicgrid.api import actions as api_actions
from civicgrid.cases.models import Attachment, Case, CaseEvent, Evaluation, HandlingLevel, Status
from civicgrid.cases.tests.conftest import fresh
from civicgrid.cases.tests.media_files import jpeg_bytes, png_bomb_bytes
from civicgrid.testing import TEST_PASSWORD, make_user

from .conftest import accepted, client_for, make_case, point_in, report

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def _report_body(world, where="S1C1G1M1", **extra):
    lon, lat = point_in(world.tree[where])
    return {"category": world.cats["S05001"].pk, "description": "路灯不亮，晚上很黑。", "lon": lon, "lat": lat, **extra}


def test_anonymous_gets_a_json_401(world):
    response = client_for(None).get(f"{BASE}/cases/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["message"]


def test_token_login_and_logout(world, client):
    response = client.post(f"{BASE}/auth/token/", {"username": "resident", "password": TEST_PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get(f"{BASE}/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["username"] == "resident"
    assert client.delete(f"{BASE}/auth/token/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 204
    assert client.get(f"{BASE}/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_wrong_password_is_a_translated_error(world, client):
    response = client.post(
        f"{BASE}/auth/token/", {"username": "resident", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert "password" in body["message"].lower()


def test_unknown_path_is_json_404(world):
    response = client_for(world.people.resident).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_resident_reports_with_a_photo_and_sees_it(world):
    client = client_for(world.people.resident)
    body = _report_body(world)
    body["photos"] = [SimpleUploadedFile("a.jpg", jpeg_bytes(gps=True), "image/jpeg")]
    response = client.post(f"{BASE}/cases/", body, format="multipart")
    assert response.status_code == 201, response.json()
    data = response.json()
    case = Case.objects.get(number=data["number"])
    assert case.reporter == world.people.resident and case.source == "resident"
    assert case.grid == world.tree["S1C1G1"]
    assert Attachment.objects.filter(case=case, kind="photo").count() == 1
    assert data["timeline"][0]["type"] == "reported"
    assert data["timeline"][0]["attachments"][0]["url"].startswith("/cases/")
    assert response["Location"].endswith(f"/cases/{case.number}/")


def test_upload_checks_apply(world):
    client = client_for(world.people.resident)
    body = _report_body(world)
    body["photos"] = [SimpleUploadedFile("evil.jpg", b"MZ\x90\x00 not a photo", "image/jpeg")]
    response = client.post(f"{BASE}/cases/", body, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "upload_rejected"
    assert not Case.objects.exists()


def test_a_decompression_bomb_photo_is_refused(world):
    client = client_for(world.people.resident)
    body = _report_body(world)
    body["photos"] = [SimpleUploadedFile("bomb.png", png_bomb_bytes(), "image/png")]
    response = client.post(f"{BASE}/cases/", body, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "upload_rejected"
    assert "像素过多" in response.json()["message"]
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_bad_input_lists_field_errors(world):
    response = client_for(world.people.resident).post(f"{BASE}/cases/", {"description": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "category" in body["details"] and "description" in body["details"]


def test_scoping_matches_the_pages(world):
    inside = report(world)
    outside = report(world, where="S2C1G1M1", user=world.people.resident2)
    neighbour = client_for(world.people.community_neighbour)
    assert neighbour.get(f"{BASE}/cases/{inside.number}/").status_code == 404
    community = client_for(world.people.community)
    numbers = {row["number"] for row in community.get(f"{BASE}/cases/").json()["results"]}
    assert inside.number in numbers and outside.number not in numbers
    # A resident sees their own report, not their neighbour's.
    mine = {row["number"] for row in client_for(world.people.resident).get(f"{BASE}/cases/").json()["results"]}
    assert mine == {inside.number}


def test_masking_for_staff_and_public_timeline_for_the_reporter(world):
    world.people.resident.phone = "13812345678"
    world.people.resident.save(update_fields=["phone"])
    case = make_case(world, Status.HANDLING)
    staff = client_for(world.people.community).get(f"{BASE}/cases/{case.number}/").json()
    assert staff["reporter_phone"] == "138****5678"
    assert any(e["type"] == "dispatched" and e["actor"] for e in staff["timeline"])
    own = client_for(world.people.resident).get(f"{BASE}/cases/{case.number}/").json()
    assert own["reporter_phone"] == "" and own["reporter_name"] == ""
    assert all(e["actor"] is None for e in own["timeline"])


def test_filters(world):
    a = report(world)
    report(world, code="S05001", where="S1C2G1M1")
    client = client_for(world.people.street)
    rows = client.get(f"{BASE}/cases/", {"region": world.tree["S1C1"].code}).json()["results"]
    assert [r["number"] for r in rows] == [a.number]
    assert client.get(f"{BASE}/cases/", {"status": "closed"}).json()["count"] == 0
    assert client.get(f"{BASE}/cases/", {"q": a.number}).json()["count"] == 1
    assert client.get(f"{BASE}/cases/", {"status": "bogus"}).status_code == 400


def test_workflow_through_the_generic_action_endpoint(world):
    case = report(world)
    community = client_for(world.people.community)
    detail = community.get(f"{BASE}/cases/{case.number}/").json()
    assert "accept" in detail["allowed_actions"]
    response = community.post(
        f"{BASE}/cases/{case.number}/actions/accept/", {"version": detail["version"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.REGISTERED
    version = response.json()["version"]
    response = community.post(
        f"{BASE}/cases/{case.number}/actions/dispatch/",
        {"version": version, "level": HandlingLevel.GRID, "text": "请网格员处理"},
        format="json",
    )
    assert response.json()["status"] == Status.DISPATCHED


def test_stale_version_is_409_and_changes_nothing(world):
    case = report(world)
    community = client_for(world.people.community)
    response = community.post(
        f"{BASE}/cases/{case.number}/actions/accept/", {"version": case.version + 5}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "case_changed"
    assert fresh(case).status == Status.REPORTED


@pytest.mark.parametrize("who", ["resident2", "grid_neighbour", "community_neighbour", "dept_water"])
def test_denied_action_changes_nothing(world, who):
    case = report(world)
    events = CaseEvent.objects.filter(case=case).count()
    response = client_for(getattr(world.people, who)).post(
        f"{BASE}/cases/{case.number}/actions/accept/", {"version": case.version}, format="json"
    )
    assert response.status_code in (403, 404)
    assert response.json()["code"] in ("permission_denied", "not_found")
    assert fresh(case).status == Status.REPORTED
    assert CaseEvent.objects.filter(case=case).count() == events


def test_grid_worker_may_not_accept(world):
    case = report(world)
    response = client_for(world.people.grid).post(
        f"{BASE}/cases/{case.number}/actions/accept/", {"version": case.version}, format="json"
    )
    assert response.status_code == 403
    assert fresh(case).status == Status.REPORTED


def test_resident_follows_and_rates(world):
    case = make_case(world, Status.CLOSED)
    other = client_for(world.people.resident2)
    open_case = accepted(world, report(world, user=world.people.resident))
    response = other.post(f"{BASE}/cases/{open_case.number}/actions/follow/", {}, format="json")
    assert response.status_code == 200
    assert open_case.number in {
        r["number"] for r in other.get(f"{BASE}/cases/", {"mine": "following"}).json()["results"]
    }
    owner = client_for(world.people.resident)

    def waiting_for_rating():
        rows = owner.get(f"{BASE}/cases/", {"mine": "reported", "status": "closed", "evaluated": "false"}).json()
        return {row["number"] for row in rows["results"]}

    assert case.number in waiting_for_rating()
    version = owner.get(f"{BASE}/cases/{case.number}/").json()["version"]
    response = owner.post(
        f"{BASE}/cases/{case.number}/actions/evaluate/",
        {"version": version, "score": 5, "comment": "很快"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert Evaluation.objects.get(case=case).score == 5
    rows = owner.get(f"{BASE}/evaluations/").json()["results"]
    assert rows[0]["case_number"] == case.number
    assert case.number not in waiting_for_rating()
    rated = owner.get(f"{BASE}/cases/", {"evaluated": "true"}).json()["results"]
    assert [row["number"] for row in rated] == [case.number]


def test_unknown_action_is_404(world):
    case = report(world)
    response = client_for(world.people.community).post(
        f"{BASE}/cases/{case.number}/actions/explode/", {}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_action"


def test_regions_and_geojson_are_scoped(world):
    client = client_for(world.people.community)
    codes = {r["code"] for r in client.get(f"{BASE}/regions/", {"page_size": 200}).json()["results"]}
    assert world.tree["S1C1G1"].code in codes and world.tree["S1C2"].code not in codes
    collection = client.get(f"{BASE}/regions/geojson/", {"level": 3}).json()
    assert collection["type"] == "FeatureCollection"
    assert {f["id"] for f in collection["features"]} == {world.tree["S1C1G1"].code, world.tree["S1C1G2"].code}
    assert collection["features"][0]["geometry"]["type"] == "Polygon"
    assert client.get(f"{BASE}/regions/{world.tree['S1C2'].code}/").status_code == 404
    lon, lat = point_in(world.tree["S1C1G1M1"])
    located = client.get(f"{BASE}/regions/locate/", {"lon": lon, "lat": lat}).json()
    assert world.tree["S1C1G1"].code in {r["code"] for r in located}


def test_categories_and_notifications(world):
    client = client_for(world.people.community)
    categories = client.get(f"{BASE}/categories/").json()
    assert any(c["code"] == "S05001" for c in categories)
    report(world)  # notifies the community's staff (on commit)
    inbox = client.get(f"{BASE}/notifications/").json()
    assert inbox["count"] >= 0
    assert client.post(f"{BASE}/notifications/read-all/").status_code == 200
    assert client.get(f"{BASE}/notifications/unread-count/").json() == {"unread": 0}


def test_api_key_acts_in_its_region_only(world, app_key):
    _application, key, raw = app_key
    inside, outside = report(world), report(world, where="S2C1G1M1", user=world.people.resident2)
    client = client_for(None)
    rows = client.get(f"{BASE}/cases/", HTTP_X_API_KEY=raw).json()["results"]
    assert {r["number"] for r in rows} == {inside.number}
    assert client.get(f"{BASE}/cases/{outside.number}/", HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 404
    assert client.get(f"{BASE}/me/", HTTP_X_API_KEY=raw).json()["application"] == "测试小程序"
    api_actions.revoke_key(key)
    response = client.get(f"{BASE}/cases/", HTTP_X_API_KEY=raw)
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_service_account_cannot_get_a_token(world, app_key):
    application, _key, _raw = app_key
    application.user.set_password(TEST_PASSWORD)
    application.user.save()
    response = client_for(None).post(
        f"{BASE}/auth/token/", {"username": application.user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 400


def test_api_key_rate_limit(world):
    application = api_actions.create_application("限流应用")
    _key, raw = api_actions.issue_key(application, region=world.tree["S1"], rate_per_minute=3)
    client = client_for(None)
    statuses = [client.get(f"{BASE}/categories/", HTTP_X_API_KEY=raw).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = client.get(f"{BASE}/categories/", HTTP_X_API_KEY=raw).json()
    assert body["code"] == "throttled" and body["details"]["retry_after"] >= 1


def test_user_rate_limit_from_settings(world):
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "2/min"}
    with override_settings(REST_FRAMEWORK={**_rest(), "DEFAULT_THROTTLE_RATES": rates}):
        client = client_for(world.people.resident)
        assert [client.get(f"{BASE}/me/").status_code for _ in range(3)] == [200, 200, 429]


def test_a_forged_forwarded_for_header_gets_no_fresh_anonymous_limit(world):
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "2/min"}
    with override_settings(REST_FRAMEWORK={**_rest(), "DEFAULT_THROTTLE_RATES": rates}):
        client = client_for(None)
        statuses = [client.get(f"{BASE}/schema/", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(3)]
        assert statuses == [200, 200, 429]
        # Open311's public reads count under the same address.
        assert client.get("/open311/v2/requests.json", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429


def _rest():
    from django.conf import settings

    return dict(settings.REST_FRAMEWORK)


def test_messages_follow_the_language(world):
    response = client_for(None).get(f"{BASE}/cases/", HTTP_ACCEPT_LANGUAGE="en")
    english = response.json()["message"]
    chinese = client_for(None).get(f"{BASE}/cases/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["message"]
    assert english != chinese and english.isascii()


def test_staff_hotline_entry_through_the_api(world):
    client = client_for(world.people.operator)
    body = _report_body(
        world, source="hotline", caller_phone="13900001111", caller_name="王先生", external_order_no="12345-1"
    )
    response = client.post(f"{BASE}/cases/", body, format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(number=response.json()["number"])
    assert case.source == "hotline" and case.reporter is None
    assert response.json()["reporter_phone"] == "139****1111"
    # A resident may not file as the hotline.
    response = client_for(world.people.resident).post(f"{BASE}/cases/", body, format="json")
    assert response.status_code == 403


def test_role_gate_example(world):
    assert make_user("lonely", None).pk  # a user without roles sees nothing
    client = client_for(make_user("lonely2", Role.RESIDENT, world.tree["S2C1"]))
    assert client.get(f"{BASE}/cases/").json()["count"] == 0


def test_unexpected_error_is_json_500(world, monkeypatch):
    from civicgrid.api.v1 import categories

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(categories.CategoryViewSet, "get_queryset", broken)
    client = client_for(world.people.resident)
    client.raise_request_exception = False
    response = client.get(f"{BASE}/categories/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
