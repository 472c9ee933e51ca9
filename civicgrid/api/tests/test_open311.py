"""Open311 GeoReport v2 conformance: every endpoint in JSON and XML, errors included."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from civicgrid.api import actions as api_actions
from civicgrid.api.models import Open311Request
from civicgrid.cases.models import Case, Source, Status

from .conftest import accepted, make_case, point_in, report

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
FORMATS = ["json", "xml"]


def parse(response, fmt):
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return response.json()
    assert response["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)


def error_of(response, fmt):
    body = parse(response, fmt)
    if fmt == "json":
        assert isinstance(body, list) and set(body[0]) == {"code", "description"}
        return body[0]["code"], body[0]["description"]
    assert body.tag == "errors"
    error = body.find("error")
    return int(error.findtext("code")), error.findtext("description")


@pytest.fixture
def lights(world):
    """Give the street-light category extra fields (attributes)."""
    category = world.cats["S05001"]
    category.extra_fields = [
        {"code": "pole_no", "description": "灯杆编号", "datatype": "string", "required": True},
        {
            "code": "kind",
            "description": "故障类型",
            "datatype": "singlevaluelist",
            "values": [{"key": "dark", "name": "不亮"}, {"key": "flicker", "name": "闪烁"}],
        },
        {"code": "count", "description": "数量", "datatype": "number"},
    ]
    category.full_clean()
    category.save()
    return category


@pytest.fixture
def key(world):
    application = api_actions.create_application("311 app")
    return api_actions.issue_key(application, region=world.tree["S1"], rate_per_minute=1000)[1]


def post_request(client, fmt, key, world, where="S1C1G1M1", **extra):
    lon, lat = point_in(world.tree[where])
    data = {
        "api_key": key,
        "service_code": "S05001",
        "lat": lat,
        "long": lon,
        "description": "路灯不亮",
        "attribute[pole_no]": "L-0012",
        "attribute[kind]": "dark",
        "first_name": "Lei",
        "last_name": "Li",
        "phone": "13800001111",
        **extra,
    }
    return client.post(f"{BASE}/requests.{fmt}", data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(world, client, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "json":
        endpoint = body["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert "text/xml" in endpoint["formats"] and endpoint["url"].endswith("/open311/v2")
    else:
        assert body.tag == "discovery"
        assert body.find("endpoints/endpoint/formats/format").text == "text/xml"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services(world, lights, client, fmt):
    body = parse(client.get(f"{BASE}/services.{fmt}"), fmt)
    if fmt == "json":
        row = next(s for s in body if s["service_code"] == "S05001")
        assert row["metadata"] is True and row["type"] == "realtime" and row["group"]
        assert set(row) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    else:
        assert body.tag == "services"
        codes = {s.findtext("service_code"): s for s in body.findall("service")}
        assert codes["S05001"].findtext("metadata") == "true"


def test_service_names_in_english(world, client):
    body = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    row = next(s for s in body if s["service_code"] == "S05001")
    category = world.cats["S05001"]
    assert row["service_name"] == (category.name_en or category.name)


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(world, lights, client, fmt):
    body = parse(client.get(f"{BASE}/services/S05001.{fmt}"), fmt)
    if fmt == "json":
        assert body["service_code"] == "S05001"
        pole, kind, count = body["attributes"]
        assert pole == {
            "variable": True,
            "code": "pole_no",
            "datatype": "string",
            "required": True,
            "datatype_description": "",
            "order": 1,
            "description": "灯杆编号",
            "values": [],
        }
        assert kind["values"] == [{"key": "dark", "name": "不亮"}, {"key": "flicker", "name": "闪烁"}]
        assert count["datatype"] == "number"
    else:
        assert body.tag == "service_definition"
        attribute = body.findall("attributes/attribute")[1]
        assert attribute.findtext("code") == "kind"
        assert [v.findtext("key") for v in attribute.findall("values/value")] == ["dark", "flicker"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_is_404(world, client, fmt):
    response = client.get(f"{BASE}/services/NOPE.{fmt}")
    assert response.status_code == 404
    assert error_of(response, fmt)[0] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request_files_an_ordinary_case(world, lights, key, client, fmt):
    response = post_request(client, fmt, key, world)
    assert response.status_code == 201, response.content
    body = parse(response, fmt)
    if fmt == "json":
        number, token = body[0]["service_request_id"], body[0]["token"]
    else:
        number, token = body.findtext("request/service_request_id"), body.findtext("request/token")
    case = Case.objects.get(number=number)
    assert case.source == Source.API and case.status == Status.REPORTED
    assert case.grid == world.tree["S1C1G1"] and case.caller_phone == "13800001111"
    assert "L-0012" in case.description and "不亮" in case.description
    record = Open311Request.objects.get(case=case)
    assert record.token == token and record.attributes == {"pole_no": "L-0012", "kind": "dark"}
    # It is in the workflow like any other case: the community accepts it.
    from civicgrid.cases import actions

    actions.accept_case(case, world.people.community, version=case.version)
    # tokens/{token}
    body = parse(client.get(f"{BASE}/tokens/{token}.{fmt}"), fmt)
    found = body[0]["service_request_id"] if fmt == "json" else body.findtext("request/service_request_id")
    assert found == number


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "change, status",
    [
        ({"api_key": "wrong"}, 403),
        ({"api_key": ""}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "NOPE"}, 400),
        ({"lat": "", "long": ""}, 400),
        ({"lat": "north"}, 400),
        ({"attribute[pole_no]": ""}, 400),
        ({"attribute[kind]": "exploded"}, 400),
        ({"attribute[count]": "many"}, 400),
        ({"description": "长" * 4001}, 400),
        ({"jurisdiction_id": "elsewhere"}, 404),
    ],
)
def test_post_request_errors(world, lights, key, client, fmt, change, status):
    response = post_request(client, fmt, key, world, **change)
    assert response.status_code == status
    code, description = error_of(response, fmt)
    assert code == status and description
    assert not Case.objects.exists()


def test_post_outside_the_key_region_is_refused(world, lights, key, client):
    response = post_request(client, "json", key, world, where="S2C1G1M1")
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_address_string_only_lands_on_the_key_region(world, lights, key, client):
    response = post_request(client, "json", key, world, lat="", long="", address_string="幸福路 1 号")
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.region_code == world.tree["S1"].code and case.address == "幸福路 1 号"


def test_address_id_is_a_region_code(world, lights, key, client):
    code = world.tree["S1C1G2"].code
    response = post_request(client, "json", key, world, lat="", long="", address_id=code)
    assert response.status_code == 201
    assert Case.objects.get().grid == world.tree["S1C1G2"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_and_filters(world, client, fmt):
    public = accepted(world, report(world))
    private = accepted(world, report(world, is_public=False))
    closed = make_case(world, Status.CLOSED)
    old = accepted(world, report(world))
    Case.objects.filter(pk=old.pk).update(reported_at=timezone.now() - timedelta(days=120))

    def ids(**params):
        body = parse(client.get(f"{BASE}/requests.{fmt}", params), fmt)
        if fmt == "json":
            return [r["service_request_id"] for r in body]
        return [r.findtext("service_request_id") for r in body.findall("request")]

    listed = ids()
    assert public.number in listed and closed.number in listed
    assert private.number not in listed  # not public
    assert old.number not in listed  # older than 90 days by default
    assert ids(status="closed") == [closed.number]
    assert public.number in ids(status="open")
    assert ids(service_request_id=f"{old.number},{public.number}") == [public.number, old.number] or set(
        ids(service_request_id=f"{old.number},{public.number}")
    ) == {public.number, old.number}
    start = (timezone.now() - timedelta(days=200)).isoformat()
    assert old.number in ids(start_date=start)
    assert ids(service_code="NOPE") == []
    assert len(ids(page_size=1)) == 1 and ids(page_size=1, page=2) != ids(page_size=1)


def test_get_request_fields(world, client):
    case = make_case(world, Status.CLOSED)
    row = client.get(f"{BASE}/requests/{case.number}.json").json()[0]
    assert set(row) == {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    }
    assert row["status"] == "closed" and row["status_notes"]
    assert "+08:00" in row["requested_datetime"]
    extended = client.get(f"{BASE}/requests/{case.number}.json", {"extensions": "true"}).json()[0]
    attributes = extended["extended_attributes"]
    assert attributes["internal_status"] == "closed"
    assert [e["type"] for e in attributes["events"]][:2] == ["reported", "accepted"]
    xml = ElementTree.fromstring(client.get(f"{BASE}/requests/{case.number}.xml", {"extensions": "true"}).content)
    assert xml.find("request/extended_attributes/events/event/type").text == "reported"


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_request_errors(world, client, fmt):
    private = report(world, is_public=False)
    for path, status in [
        (f"requests/{private.number}.{fmt}", 404),
        (f"requests/2099-999999.{fmt}", 404),
        (f"tokens/nope.{fmt}", 404),
        (f"requests.{fmt}?start_date=yesterday", 400),
        (f"requests.{fmt}?status=pending", 400),
        (f"requests.{fmt}?page_size=0", 400),
        (f"requests.{fmt}?api_key=bad", 403),
        (f"nothing.{fmt}", 404),
    ]:
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == status, path
        assert error_of(response, fmt)[0] == status


def test_unknown_format_is_404(world, client):
    assert client.get(f"{BASE}/services.csv").status_code == 404


def test_a_key_sees_private_cases_of_its_region(world, key, client):
    private = report(world, is_public=False)
    assert client.get(f"{BASE}/requests/{private.number}.json", {"api_key": key}).status_code == 200


def test_no_personal_data_is_published(world, client):
    case = report(world, caller_phone="13800001111")
    text = client.get(f"{BASE}/requests/{case.number}.json", {"extensions": "true"}).content.decode()
    assert "13800001111" not in text and "resident" not in text


def test_post_is_csrf_exempt_and_form_encoded(world, lights, key):
    client = Client(enforce_csrf_checks=True)
    assert post_request(client, "json", key, world).status_code == 201
