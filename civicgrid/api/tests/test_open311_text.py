"""Open311 and stored text (issue 12, failure 5 and must-show 5): whatever text is stored, the XML
and JSON bodies stay well-formed; control characters coming in are refused in Open311's error format."""

import json
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicgrid.api.open311.render import respond, to_xml
from civicgrid.cases.models import Case
from civicgrid.core.text import XML_ILLEGAL_RE

from .conftest import accepted, report
from .test_open311 import BASE, FORMATS, error_of, key, lights, post_request  # noqa: F401 - fixtures

DIRTY = "漏水\x01严重\x0b请\x0c处理\r\n第二行\t完\x1f"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_feed_is_well_formed_with_control_characters_in_stored_text(world, client, fmt):
    case = accepted(world, report(world))
    # Stored straight through the model, as legacy data would be.
    Case.objects.filter(pk=case.pk).update(description=DIRTY, address="幸福路\x081号")
    for url in (f"{BASE}/requests.{fmt}", f"{BASE}/requests/{case.number}.{fmt}"):
        response = client.get(url, {"extensions": "true"})
        assert response.status_code == 200
        if fmt == "xml":
            row = ElementTree.fromstring(response.content).find("request")
            description, address = row.findtext("description"), row.findtext("address")
        else:
            row = json.loads(response.content)[0]
            description, address = row["description"], row["address"]
        assert description == "漏水严重请处理\r\n第二行\t完"
        assert address == "幸福路1号"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "field, value",
    [
        ("description", "路灯\x01不亮"),
        ("address_string", "幸福路\x0b1号"),
        ("first_name", "\x7fLei"),
        ("attribute[pole_no]", "L-\x0c12"),
        ("email", "a\x00@example.com"),
    ],
)
def test_post_with_control_characters_is_refused(world, lights, key, client, fmt, field, value):  # noqa: F811
    response = post_request(client, fmt, key, world, **{field: value})
    assert response.status_code == 400
    code, description = error_of(response, fmt)
    assert code == 400 and field in description and "控制字符" in description
    assert not Case.objects.exists()


def test_post_keeps_newlines_and_tabs(world, lights, key, client):  # noqa: F811
    response = post_request(client, "json", key, world, description="路灯不亮\r\n\t第二行")
    assert response.status_code == 201, response.content
    assert Case.objects.get().description.startswith("路灯不亮\r\n\t第二行")


# Any code point, control characters, surrogates and non-characters included.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=60)


def _legal(text):
    return XML_ILLEGAL_RE.sub("", text)


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT, other=ANY_TEXT)
def test_xml_writer_is_well_formed_for_any_text(text, other):
    body = to_xml("service_requests", [{"description": text, "extended_attributes": {"events": [other]}}])
    root = ElementTree.fromstring(body)  # raises on ill-formed XML
    row = root.find("request")
    assert (row.findtext("description") or "") == _legal(text)
    assert (row.find("extended_attributes/events/event").text or "") == _legal(other)
    if not XML_ILLEGAL_RE.search(text):
        assert (row.findtext("description") or "") == text  # legal text round-trips exactly


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT, name=ANY_TEXT)
def test_json_writer_is_valid_for_any_text(text, name):
    response = respond("json", "service_requests", [{"description": text, "attributes": {name: [text]}}])
    body = json.loads(response.content.decode("utf-8"))
    assert body == [{"description": _legal(text), "attributes": {_legal(name): [_legal(text)]}}]


@settings(max_examples=100, deadline=None)
@given(text=ANY_TEXT)
def test_error_bodies_are_well_formed_for_any_text(text):
    response = respond("xml", "errors", [{"code": 400, "description": text}], status=400)
    assert (ElementTree.fromstring(response.content).findtext("error/description") or "") == _legal(text)
