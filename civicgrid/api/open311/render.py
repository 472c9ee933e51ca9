"""Open311 bodies in JSON or XML (GeoReport v2: XML is required, JSON optional; UTF-8).

Both are well-formed for any stored text: every string (keys included) keeps only characters legal
in XML 1.0 (civicgrid.core.text.xml_safe) before it is written, in both formats so they agree, and
a carriage return is written as &#13; so XML parsers give it back instead of normalising it away.
"""

import json
from xml.etree import ElementTree

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from civicgrid.core.text import clean_tree, xml_safe

# The element name of one item in each list (GeoReport v2's XML shapes).
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "events": "event",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return xml_safe(str(value))


def _build(parent, tag, value):
    element = ElementTree.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _build(element, key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _build(element, ITEM_TAGS.get(tag, "item"), item)
    else:
        element.text = _text(value)
    return element


def to_xml(root_tag, value):
    root = ElementTree.Element(root_tag)
    if isinstance(value, list | tuple):
        for item in value:
            _build(root, ITEM_TAGS.get(root_tag, "item"), item)
    else:
        for key, item in value.items():
            _build(root, key, item)
    body = ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)
    # Written without pretty-printing, a raw CR can only be inside text: keep it as a reference.
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body.replace(b"\r", b"&#13;")


def respond(fmt, root_tag, value, status=200):
    if fmt == "xml":
        body = to_xml(root_tag, value)
    else:
        body = json.dumps(clean_tree(value), cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))


def error(fmt, status, description):
    """GeoReport v2 error body: a list of {code, description}."""
    return respond(fmt, "errors", [{"code": status, "description": str(description)}], status=status)
