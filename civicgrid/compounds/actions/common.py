"""What the compounds actions share: text, number and date checks, and the scope checks."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from civicgrid.compounds.errors import InputError, NotFound
from civicgrid.core import scoping
from civicgrid.core.text import has_forbidden
from civicgrid.people.models import Compound

MAX_AMOUNT = Decimal("10000000")
PHONE_RE = re.compile(r"^[0-9+\- ]{5,20}$")


def text(value, label, limit, required=True):
    value = "" if value is None else value
    if not isinstance(value, str):
        raise InputError(_("%(label)s格式不正确。") % {"label": label})
    if has_forbidden(value):
        raise InputError(_("%(label)s包含不可见的控制字符，请删除后再提交。") % {"label": label})
    value = value.strip()
    if required and not value:
        raise InputError(_("请填写%(label)s。") % {"label": label})
    if len(value) > limit:
        raise InputError(_("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit})
    return value


def amount(value, label, allow_zero=False):
    """A yuan amount with at most two decimals, positive (or zero) and below MAX_AMOUNT."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InputError(_("%(label)s应为金额（元）。") % {"label": label}) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise InputError(_("%(label)s最多两位小数。") % {"label": label})
    if number < 0 or (number == 0 and not allow_zero) or number >= MAX_AMOUNT:
        raise InputError(_("%(label)s应大于 0 且小于一千万元。") % {"label": label})
    return number


def a_date(value, label):
    if isinstance(value, date):
        return value
    try:
        parsed = date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InputError(_("请填写正确的%(label)s。") % {"label": label}) from None
    if not 2000 <= parsed.year <= 2100:
        raise InputError(_("请填写正确的%(label)s。") % {"label": label})
    return parsed


def masked(phone):
    """The masked form of a contact phone (the only form kept)."""
    phone = text(phone, _("联系电话"), 20, required=False)
    if not phone:
        return ""
    if not PHONE_RE.match(phone):
        raise InputError(_("联系电话格式不正确。"))
    digits = phone.replace(" ", "")
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "*" * len(digits)


def holds(user, permission, code):
    codes = scoping.scope_codes(user, permission)
    return codes is None or any(code.startswith(c) for c in codes)


def compound_for(user, permission, compound):
    """The compound (instance or pk) when `user` holds `permission` on its community; NotFound otherwise."""
    pk = compound.pk if isinstance(compound, Compound) else compound
    try:
        found = Compound.objects.select_related("community").get(pk=int(pk))
    except (Compound.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if not holds(user, permission, found.region_code):
        raise NotFound()
    return found


def locked(model, user, permission, pk):
    """A row of `model` (locked for update) when `user` holds `permission` on its region; NotFound otherwise."""
    try:
        row = model.objects.select_for_update().get(pk=int(pk))
    except (model.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if not holds(user, permission, row.region_code):
        raise NotFound()
    return row
