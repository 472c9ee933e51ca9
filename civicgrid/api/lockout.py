"""The answer to a locked account (django-axes, settings.AXES_LOCKOUT_CALLABLE): under /api/ the
API's JSON error (`locked_out`, HTTP 429 with Retry-After), so a client of the token endpoint gets
a message it can show instead of an HTML page; everywhere else the lockout page, as before."""

from axes.conf import settings as axes_settings
from axes.helpers import get_client_username, get_cool_off, get_cool_off_iso8601, get_failure_limit
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from civicgrid.api.exceptions import error_body


def _is_api(request):
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return bool(match.namespaces) and match.namespaces[0] == "api"
    return request.path_info.startswith("/api/")


def lockout_response(request, original_response=None, credentials=None):
    status = axes_settings.AXES_HTTP_RESPONSE_CODE
    cool_off = get_cool_off(request)
    if _is_api(request):
        seconds = max(int(cool_off.total_seconds()), 1) if cool_off else 0
        minutes = -(-seconds // 60)
        if minutes:
            message = _("登录失败次数过多，该账号已被锁定 %(minutes)d 分钟，请稍后再试。") % {"minutes": minutes}
        else:
            message = _("登录失败次数过多，该账号已被锁定，请联系系统管理员解锁。")
        response = JsonResponse(
            error_body("locked_out", message, {"retry_after": seconds} if seconds else {}), status=status
        )
        if seconds:
            response["Retry-After"] = str(seconds)
        return response
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
    }
    if cool_off:
        context.update(cooloff_time=get_cool_off_iso8601(cool_off), cooloff_timedelta=cool_off)
    return render(request, axes_settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
