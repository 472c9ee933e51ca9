"""/api/v1/ and control characters (issue 12, must-show 5): every text field refuses them with a
400 naming the field; nothing is written; tab and line breaks stay allowed."""

import json

import pytest

from civicgrid.cases.models import Case, CaseEvent, Evaluation, Status
from civicgrid.cases.tests.conftest import fresh

from .conftest import client_for, make_case, point_in, report

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def _report_body(world, **extra):
    lon, lat = point_in(world.tree["S1C1G1M1"])
    return {"category": world.cats["S05001"].pk, "description": "路灯不亮，晚上很黑。", "lon": lon, "lat": lat, **extra}


def _refused(response, field):
    assert response.status_code == 400, response.content
    assert "控制字符" in json.dumps(response.json(), ensure_ascii=False)
    assert field in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize(
    "change",
    [
        {"description": "路灯\x01不亮"},
        {"address": "幸福路\x0b1号"},
        {"title": "路\x0c灯"},
        {"caller_name": "\x9b张"},
        {"external_order_no": "A\x1f1"},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "multipart"])
def test_report_with_control_characters_is_refused(world, change, fmt):
    client = client_for(world.people.operator)
    response = client.post(f"{BASE}/cases/", _report_body(world, source="hotline", **change), format=fmt)
    _refused(response, next(iter(change)))
    assert not Case.objects.exists()


def test_a_lone_surrogate_in_json_is_refused_not_a_500(world):
    # A JSON string may carry a lone surrogate as an escape; no database can store it.
    body = json.dumps(_report_body(world, description="@@")).replace("@@", "\\ud800\\u8def\\u706f")
    response = client_for(world.people.resident).post(f"{BASE}/cases/", body, content_type="application/json")
    # Refused by the JSON parser itself (civicgrid.api.parsers), before any serializer sees it.
    assert response.status_code == 400 and response.json()["code"] == "parse_error", response.content
    assert not Case.objects.exists()


def test_newlines_and_tabs_stay_allowed(world):
    response = client_for(world.people.resident).post(
        f"{BASE}/cases/", _report_body(world, description="路灯不亮\r\n\t第二行"), format="json"
    )
    assert response.status_code == 201, response.json()
    assert Case.objects.get().description == "路灯不亮\r\n\t第二行"


def test_action_notes_with_control_characters_are_refused(world):
    case = report(world)
    community = client_for(world.people.community)
    version = community.get(f"{BASE}/cases/{case.number}/").json()["version"]
    response = community.post(
        f"{BASE}/cases/{case.number}/actions/accept/", {"version": version, "text": "受理\x01"}, format="json"
    )
    _refused(response, "text")
    assert fresh(case).status == Status.REPORTED


def test_reporter_evaluation_with_control_characters_is_refused(world):
    case = make_case(world, Status.CLOSED)
    owner = client_for(world.people.resident)
    version = owner.get(f"{BASE}/cases/{case.number}/").json()["version"]
    events = CaseEvent.objects.filter(case=case).count()
    response = owner.post(
        f"{BASE}/cases/{case.number}/actions/evaluate/",
        {"version": version, "score": 5, "comment": "很快\x0b"},
        format="json",
    )
    _refused(response, "comment")
    assert not Evaluation.objects.filter(case=case).exists()
    assert CaseEvent.objects.filter(case=case).count() == events


def test_token_request_with_control_characters_is_refused(world):
    response = client_for(None).post(
        f"{BASE}/auth/token/", {"username": "resident\x01", "password": "x"}, format="json"
    )
    _refused(response, "username")
