"""What the consult actions share: text checks, scope checks and the change log."""

from django.utils.translation import gettext as _

from civicgrid.consult.errors import InputError, NotFound
from civicgrid.core import scoping
from civicgrid.core.text import has_forbidden
from civicgrid.regions.models import Level, Region

MAX_TITLE = 100
MAX_TEXT = 2000


def text(value, label, limit, required=True):
    """`value` stripped, refused with a clear message when missing, too long or holding control characters."""
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


def holds(user, permission, code):
    """Whether `user` holds `permission` on the region `code`."""
    codes = scoping.scope_codes(user, permission)
    return codes is None or any(code.startswith(c) for c in codes)


def community_for(user, permission, community):
    """The community (a Region, its pk or code) where `user` holds `permission`; NotFound otherwise."""
    if isinstance(community, Region):
        region = community
    else:
        key = str(community or "").strip()
        lookup = {"code": key} if len(key) >= 12 else {"pk": int(key)} if key.isdigit() else None
        region = Region.objects.filter(**lookup).first() if lookup else None
    if region is None or region.level != Level.COMMUNITY or not region.is_active:
        raise InputError(_("请选择社区。"))
    if not holds(user, permission, region.code):
        raise NotFound()
    return region
