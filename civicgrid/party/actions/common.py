"""Input checks shared by the party-building actions. Refusals raise ValidationError with a
{field: message} dict, so a form shows each next to its field."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from civicgrid.core.text import has_forbidden


def text(errors, name, value, limit, *, required=False, label=None):
    """A cleaned text (stripped), recording the first problem in `errors`."""
    value = (value or "").strip() if isinstance(value, str) else ""
    if has_forbidden(value):
        errors[name] = _("包含不可见的控制字符，请删除后再提交。")
    elif len(value) > limit:
        errors[name] = _("最多 %(limit)s 个字符。") % {"limit": limit}
    elif required and not value:
        errors[name] = _("请填写%(label)s。") % {"label": label or name}
    return value


def refuse(errors):
    if errors:
        raise ValidationError(errors)


def mask_name(name):
    """张** : a member's surname only, for boards and rankings others see."""
    name = (name or "").strip()
    return f"{name[:1]}**" if name else "—"
