"""Input checks shared by the volunteering actions."""

import re

from django.utils.translation import gettext as _

from civicgrid.core.text import has_forbidden

# Seven digits or more in a row: a phone or an ID number, which a public text must not carry.
LONG_NUMBER = re.compile(r"\d[\d\s-]{6,}\d")


def text(errors, name, value, limit, *, required=False, label=None, public=False):
    """A cleaned one-field text (stripped), recording the first problem in `errors`."""
    value = (value or "").strip() if isinstance(value, str) else ""
    if has_forbidden(value):
        errors[name] = _("包含不可见的控制字符，请删除后再提交。")
    elif len(value) > limit:
        errors[name] = _("最多 %(limit)s 个字符。") % {"limit": limit}
    elif required and not value:
        errors[name] = _("请填写%(label)s。") % {"label": label or name}
    elif public and LONG_NUMBER.search(value):
        errors[name] = _("请不要填写电话、证件号码等个人信息。")
    return value


def lines(errors, name, values, *, most=30, limit=60):
    """A list of short lines (service items, posts): stripped, no blanks or repeats."""
    if isinstance(values, str):
        values = values.splitlines()
    if not isinstance(values, (list, tuple)):
        errors[name] = _("格式不正确。")
        return []
    cleaned = []
    for value in values:
        if not isinstance(value, str):
            errors[name] = _("格式不正确。")
            return []
        value = value.strip()
        if not value or value in cleaned:
            continue
        if has_forbidden(value):
            errors[name] = _("包含不可见的控制字符，请删除后再提交。")
            return []
        if len(value) > limit:
            errors[name] = _("每行最多 %(limit)s 个字符。") % {"limit": limit}
            return []
        cleaned.append(value)
    if len(cleaned) > most:
        errors[name] = _("最多 %(most)s 项。") % {"most": most}
        return []
    return cleaned


def choices(errors, name, values, allowed):
    if not isinstance(values, (list, tuple)) or any(v not in allowed for v in values):
        errors[name] = _("选项不正确。")
        return []
    return sorted(set(values), key=list(allowed).index)


def mask_name(name):
    """张** for the wall: a volunteer's surname only."""
    name = (name or "").strip()
    return f"{name[:1]}**" if name else _("志愿者")
