from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from civicgrid.core.text import has_forbidden


def clean_text(value, name, limit, required=True):
    value = (value or "").strip()
    if has_forbidden(value):
        raise ValidationError({name: _("包含不可见的控制字符，请删除后再提交。")})
    if len(value) > limit:
        raise ValidationError({name: _("最多 %(limit)s 个字符。") % {"limit": limit}})
    if required and not value:
        raise ValidationError({name: _("请填写此项。")})
    return value


def clean_int(value, name, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            {name: _("请填写 %(low)s 到 %(high)s 之间的整数。") % {"low": low, "high": high}}
        ) from None
    if isinstance(value, float) or not low <= number <= high:
        raise ValidationError({name: _("请填写 %(low)s 到 %(high)s 之间的整数。") % {"low": low, "high": high}})
    return number
