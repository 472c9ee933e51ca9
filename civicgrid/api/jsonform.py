"""JSON values checked against a Django form's field types before the form sees them.

The action API hands a JSON body to the same forms as the case pages. A form field converts
whatever it gets with str(): a JSON object sent as a note was stored as "{'a': 1}". Here each
value must have the JSON type its field takes: text fields take strings, number and choice fields
strings or numbers, checkboxes booleans (or the strings a form would send), multiple choices a
list of strings or numbers; null means "not given". Anything else is a 400 naming the field.
"""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from civicgrid.api.exceptions import ApiError

SCALAR = (str, int, float)


def _fits(field, value):
    if value is None:
        return True
    if isinstance(field, forms.BooleanField):
        return isinstance(value, bool | str)
    if isinstance(value, bool):
        return False  # True is an int in Python, never a number or a text here
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return isinstance(value, list) and all(isinstance(v, SCALAR) and not isinstance(v, bool) for v in value)
    if isinstance(field, forms.FileField):
        return False  # files come in multipart bodies only
    if isinstance(field, forms.CharField):
        return isinstance(value, str)
    return isinstance(value, SCALAR)  # numbers, dates, choices: a string or a number


def check_types(data, *form_classes):
    """Raise ApiError 400 when a JSON body's value does not fit its form field's type."""
    if isinstance(data, QueryDict) or not isinstance(data, dict):
        return  # form and multipart bodies are strings by construction
    fields = {}
    for form_class in reversed(form_classes):
        fields.update(form_class.base_fields)
    wrong = {
        name: [_("类型不正确：应为%(kind)s。") % {"kind": _kind(fields[name])}]
        for name, value in data.items()
        if name in fields and not _fits(fields[name], value)
    }
    if wrong:
        raise ApiError("invalid", _("请求内容有误：字段类型不正确。"), 400, wrong)


def _kind(field):
    if isinstance(field, forms.BooleanField):
        return _("布尔值")
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return _("列表")
    if isinstance(field, forms.FileField):
        return _("文件（multipart/form-data）")
    if isinstance(field, forms.CharField):
        return _("文本")
    return _("文本或数字")
