"""Text hygiene (civicgrid.core.text, core.xlsx, core.forms, core.serializers): the character classes,
the spreadsheet cell rule, and guards that keep every form, serializer and workbook writer on them."""

import ast
import importlib
import pkgutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework import serializers

import civicgrid
from civicgrid.core import forms as core_forms
from civicgrid.core import serializers as core_serializers
from civicgrid.core.text import (
    FORBIDDEN_RE,
    XML_ILLEGAL_RE,
    clean_tree,
    has_forbidden,
    no_control_characters,
    strip_forbidden,
    xml_safe,
)
from civicgrid.core.xlsx import MAX_CELL_CHARS, cell_value

ROOT = Path(civicgrid.__file__).parent
EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000))


def test_forbidden_characters():
    forbidden = set(FORBIDDEN_RE.findall(EVERY_CHARACTER))
    assert {"\x00", "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", chr(0xDFFF)} <= forbidden
    assert {"\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"} <= forbidden
    assert not {"\t", "\n", "\r", " ", "中", "\u200d", "\ufeff", "\U0001f600", "\ue000"} & forbidden
    assert len(forbidden) == 32 - 3 + 33 + 2048 + 66


def test_xml_illegal_is_xml_1_0_and_covers_openpyxl():
    illegal = set(XML_ILLEGAL_RE.findall(EVERY_CHARACTER))
    assert set(ILLEGAL_CHARACTERS_RE.findall(EVERY_CHARACTER)) <= illegal
    assert illegal == {chr(c) for c in [*range(0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]} - {"\t", "\n", "\r"}


def test_helpers():
    assert strip_forbidden("a\x01b\x0bc\x7f\n\t") == "abc\n\t"
    assert xml_safe("a\x01b\x7f\ud800\r") == "ab\x7f\r"
    assert has_forbidden({"k": ["ok", {"x\x0b": 1}]}) and not has_forbidden({"k": ["ok\n", 1, None]})
    assert clean_tree({"a\x01": ["b\x0b", 1, None, {"c": "d\ufffe"}]}) == {"a": ["b", 1, None, {"c": "d"}]}


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("http://x","点此查看")', '\'=HYPERLINK("http://x","点此查看")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("#N/A", "'#N/A"),
        ("\x01=1+2", "'=1+2"),  # cleaned first, then neutralised
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("-1e3", "-1e3"),
        ("a=1", "a=1"),
        ("漏水\x0b严重\n", "漏水严重\n"),
        (5, 5),
        (-5, -5),
        (2.5, 2.5),
        (Decimal("-1.5"), Decimal("-1.5")),
        (date(2026, 1, 1), date(2026, 1, 1)),
        (datetime(2026, 1, 1, 8), datetime(2026, 1, 1, 8)),
        (None, None),
        (True, True),
    ],
)
def test_cell_value(value, written):
    assert cell_value(value) == written
    assert type(cell_value(value)) is type(written)


def test_cell_value_fits_excel():
    assert len(cell_value("长" * 40000)) == MAX_CELL_CHARS


def _civicgrid_modules():
    for module in pkgutil.walk_packages([str(ROOT)], prefix="civicgrid."):
        name = module.name
        if ".tests" in name or ".migrations" in name or name.endswith(".testing"):
            continue
        importlib.import_module(name)


def _subclasses(base):
    found, todo = set(), [base]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                todo.append(cls)
    return {cls for cls in found if cls.__module__.startswith("civicgrid.") and ".tests" not in cls.__module__}


def test_every_form_refuses_control_characters():
    _civicgrid_modules()
    forms_found = _subclasses(forms.BaseForm)
    assert len(forms_found) > 25
    missing = sorted(f"{c.__module__}.{c.__name__}" for c in forms_found if not issubclass(c, core_forms.HygieneMixin))
    assert not missing, f"derive these from civicgrid.core.forms.Form/ModelForm/HygieneMixin: {missing}"


def test_every_serializer_refuses_control_characters():
    _civicgrid_modules()
    found = _subclasses(serializers.BaseSerializer)
    assert len(found) > 10
    missing = sorted(f"{c.__module__}.{c.__name__}" for c in found if not issubclass(c, core_serializers.HygieneMixin))
    assert not missing, f"derive these from civicgrid.core.serializers.Serializer/ModelSerializer: {missing}"


def test_text_fields_get_the_validator():
    class Example(core_forms.Form):
        text = forms.CharField()
        email = forms.EmailField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["late"] = forms.CharField(required=False)

    form = Example({"text": "a\x01b", "email": "a@example.com", "late": "x\x0by"})
    assert not form.is_valid()
    assert set(form.errors) == {"text", "late"} and "控制字符" in form.errors["text"][0]
    assert Example({"text": "a\r\n\tb", "email": "a@example.com"}).is_valid()
    # The class's own fields are untouched (each form works on copies).
    assert not any(no_control_characters in f.validators for f in Example.base_fields.values())

    class Body(core_serializers.Serializer):
        text = serializers.CharField()
        tags = serializers.ListField(child=serializers.CharField())
        extra = serializers.JSONField(required=False)

    body = Body(data={"text": "ok", "tags": ["a", "b\x0cc"], "extra": {"k": ["v\x01"]}})
    assert not body.is_valid() and set(body.errors) == {"tags", "extra"}
    assert Body(data={"text": "a\n\tb", "tags": ["x"]}).is_valid()


def _sheets_appended_directly(tree):
    """Names bound to worksheets (create_sheet(), .active, .worksheets[i]) whose .append is called."""
    sheets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if (
                (isinstance(value, ast.Call) and getattr(value.func, "attr", "") == "create_sheet")
                or (isinstance(value, ast.Attribute) and value.attr == "active")
                or (isinstance(value, ast.Subscript) and getattr(value.value, "attr", "") == "worksheets")
            ):
                sheets.add(node.targets[0].id)
    return {
        node.func.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("append", "cell")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in sheets
        and (node.func.attr == "append" or any(k.arg == "value" for k in node.keywords))
    }


def test_every_workbook_writer_appends_through_core_xlsx():
    offenders = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or relative == "core/xlsx.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "openpyxl" not in source:
            continue
        direct = _sheets_appended_directly(ast.parse(source))
        if direct:
            offenders[relative] = sorted(direct)
    assert not offenders, f"write rows with civicgrid.core.xlsx.append(sheet, values): {offenders}"
