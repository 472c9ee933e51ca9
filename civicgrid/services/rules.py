"""The checks every write of the services app applies, whether it comes from a page, the admin or
the demo: links are http(s) only, texts have no control characters and fit, ratings are 1–5, a
preferred time lies ahead (within MAX_DAYS_AHEAD)."""

import unicodedata
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core.text import has_forbidden

MAX_DAYS_AHEAD = 60
SCHEMES = ("http", "https")


def clean_url(value):
    """An http(s) link with a host, as given (stripped); "" stays "". Anything else — javascript:,
    data:, a link with a user name or password, spaces or control characters — is refused."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) > 500:
        raise ValidationError({"url": _("链接过长（最多 500 个字符）。")})
    # No controls, no format characters (a right-to-left override disguises where a link leads), no spaces.
    if has_forbidden(text) or "\\" in text or any(unicodedata.category(ch)[0] in "CZ" for ch in text):
        raise ValidationError({"url": _("链接中不能有空格或控制字符。")})
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a bad port
    except ValueError:
        raise ValidationError({"url": _("链接格式不正确。")}) from None
    if parts.scheme.lower() not in SCHEMES:
        raise ValidationError({"url": _("只能填写以 http:// 或 https:// 开头的链接。")})
    if not parts.hostname or parts.username is not None or parts.password is not None or port == 0:
        raise ValidationError({"url": _("链接格式不正确。")})
    return text


def clean_text(field, value, limit, *, required=False, label=""):
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if len(text) > limit:
        raise ValidationError({field: _("内容过长（最多 %(limit)s 个字）。") % {"limit": limit}})
    if has_forbidden(text):
        raise ValidationError({field: _("包含不可见的控制字符，请删除后再提交。")})
    return text


def clean_rating(value):
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("评分应为 1 到 5 星。")})
    return rating


def clean_preferred_time(value, now=None):
    now = now or timezone.now()
    if value is None:
        raise ValidationError({"preferred_time": _("请选择期望上门时间。")})
    if value < now - timedelta(minutes=5):
        raise ValidationError({"preferred_time": _("期望时间不能早于现在。")})
    if value > now + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"preferred_time": _("期望时间最多可选 %(days)s 天以内。") % {"days": MAX_DAYS_AHEAD}})
    return value


def skills_value(codes):
    """ ",plumbing,locks," from the chosen skill codes (at least one, each known)."""
    from civicgrid.services.models import Skill

    known = set(Skill.values)
    chosen = [code for code in dict.fromkeys(codes or []) if code in known]
    if not chosen or len(chosen) != len(set(codes or [])):
        raise ValidationError({"skills": _("请至少选择一项技能。")})
    return "," + ",".join(chosen) + ","
