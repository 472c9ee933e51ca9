"""A category's extra fields: what else a report of this class should say (a pole number for a
broken street light, the number of bags for dumped rubbish…). Open311 publishes them as the
service definition's attributes (civicgrid.api.open311), and the values come back with the
report. It belongs to the cases app (the field of Category); the API only publishes it.

Stored on Category.extra_fields as a list of
{"code", "description", "datatype", "required", "datatype_description", "order", "values": [{"key", "name"}]}
with datatype one of Open311's: string, number, datetime, text, singlevaluelist, multivaluelist.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The field's labels live here, with the API app's catalogue (Category.extra_fields uses them).
LABEL = gettext_lazy("附加字段")
HELP_TEXT = gettext_lazy("JSON 列表，每项含 code、description、datatype、required、values 等，见 Open311 服务属性。")

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_TYPES = ("singlevaluelist", "multivaluelist")
CODE_RE = re.compile(r"^[A-Za-z0-9_\-]{1,50}$")


def validate_extra_fields(value):
    if not isinstance(value, list):
        raise ValidationError(_("附加字段应为列表。"))
    seen = set()
    for item in value:
        if not isinstance(item, dict):
            raise ValidationError(_("每个附加字段应为一个对象。"))
        code = item.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise ValidationError(_("附加字段编码只能包含字母、数字、下划线和连字符（最多 50 位）。"))
        if code in seen:
            raise ValidationError(_("附加字段编码“%(code)s”重复。") % {"code": code})
        seen.add(code)
        if item.get("datatype", "string") not in DATATYPES:
            raise ValidationError(_("附加字段“%(code)s”的数据类型不正确。") % {"code": code})
        if not str(item.get("description", "")).strip():
            raise ValidationError(_("请填写附加字段“%(code)s”的说明。") % {"code": code})
        if item.get("datatype") in LIST_TYPES:
            values = item.get("values")
            if (
                not isinstance(values, list)
                or not values
                or not all(
                    isinstance(v, dict) and str(v.get("key", "")).strip() and str(v.get("name", "")).strip()
                    for v in values
                )
            ):
                raise ValidationError(_("附加字段“%(code)s”需要至少一个选项（key 与 name）。") % {"code": code})
