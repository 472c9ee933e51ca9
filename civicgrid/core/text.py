"""Text hygiene: which characters may come in, and which may go out.

Coming in (forms, the REST API, Open311): text holding an invisible control character is REFUSED
with a clear error (`no_control_characters`), so the person who typed or sent it can correct it;
nothing is silently changed behind their back. Refused: the C0 controls except tab, newline and
carriage return (a browser sends a textarea's line breaks as CR LF), DEL and the C1 controls,
lone surrogates (a JSON body can carry them as escapes; no database can store them) and the
Unicode non-characters (U+FDD0–U+FDEF and the last two code points of every plane, U+FFFE/U+FFFF
included).

Imported files (Excel, GeoJSON) are cleaned SILENTLY instead (`strip_forbidden`): they come from
other systems, a stray vertical tab is invisible in Excel, and refusing a 50,000-row file for it
would help nobody.

Going out (defence in depth, for whatever is already stored): the Open311 XML and JSON writers and
every Excel workbook keep only characters legal in XML 1.0 (`xml_safe`, a superset of openpyxl's
ILLEGAL_CHARACTERS_RE), and a spreadsheet cell never starts a formula (civicgrid.core.xlsx).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
# What no text field stores: controls (except tab, LF, CR), surrogates, non-characters.
FORBIDDEN_RE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
# What XML 1.0 cannot carry (the complement of its Char production); a superset of openpyxl's
# ILLEGAL_CHARACTERS_RE, so a string clean of it is also legal in a worksheet.
XML_ILLEGAL_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

CONTROL_MESSAGE = _("包含不可见的控制字符，请删除后再提交。")


def has_forbidden(value):
    """True when `value` (a string, or strings nested in lists and dicts) holds a forbidden character."""
    if isinstance(value, str):
        return FORBIDDEN_RE.search(value) is not None
    if isinstance(value, dict):
        return any(has_forbidden(k) or has_forbidden(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_forbidden(item) for item in value)
    return False


def no_control_characters(value):
    """Validator (Django forms and DRF alike): refuse text with invisible control characters."""
    if has_forbidden(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def strip_forbidden(text):
    """`text` without forbidden characters: for imported files, where cleaning beats refusing."""
    return FORBIDDEN_RE.sub("", text) if text else text


def xml_safe(text):
    """`text` with only characters legal in XML 1.0 (and so in an .xlsx worksheet)."""
    return XML_ILLEGAL_RE.sub("", text) if text else text


def clean_tree(value):
    """`value` (JSON-like: dicts, lists, strings, numbers…) with every string made xml_safe, keys included."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {clean_tree(k): clean_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_tree(item) for item in value]
    return value


def first_unclean(data):
    """The name of the first field of a QueryDict (request.POST/GET) whose name or any value holds a
    forbidden character, or None: for views that read plain request.POST (Open311)."""
    for name, values in data.lists():
        if has_forbidden(name) or has_forbidden(values):
            return name
    return None


def object_id(value):
    """A row id from a form or query value: a positive whole number of at most 18 digits (it fits a
    bigint), else None — never an exception, whatever was sent (huge numbers, "nan", dates, NUL)."""
    value = str(value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    number = int(value)
    return number or None
