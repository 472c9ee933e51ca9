"""Every API error is JSON: {"code": a stable machine code, "message": a translated sentence,
"details": field errors or extra facts}. The workflow's own errors (civicgrid.cases.errors) keep
their translated messages and get their own codes and statuses."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import csrf
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from civicgrid.cases import errors as case_errors
from civicgrid.cases.uploads import UploadError

logger = logging.getLogger("civicgrid.api")


class ApiError(exceptions.APIException):
    """An error with an explicit code, message and details."""

    def __init__(self, code, message, status_code=400, details=None):
        self.code, self.message, self.status_code, self.details = code, str(message), status_code, details or {}
        super().__init__(detail=self.message, code=code)


CASE_ERRORS = (
    # (class, HTTP status, code) — most specific first.
    (case_errors.CaseNotFound, 404, "not_found"),
    (case_errors.CaseChanged, 409, "case_changed"),
    (case_errors.InvalidTransition, 409, "invalid_transition"),
    (case_errors.ActionNotAllowed, 403, "permission_denied"),
    (case_errors.RateLimited, 429, "rate_limited"),
    (UploadError, 400, "upload_rejected"),
    (case_errors.CaseInputError, 400, "invalid_input"),
    (case_errors.CaseError, 400, "case_error"),
)

DRF_CODES = {
    exceptions.ValidationError: ("invalid", lambda: _("请求内容有误。")),
    exceptions.ParseError: ("parse_error", lambda: _("请求内容无法解析。")),
    exceptions.AuthenticationFailed: ("authentication_failed", None),
    exceptions.NotAuthenticated: ("not_authenticated", lambda: _("请先登录或提供有效的令牌或 API 密钥。")),
    exceptions.PermissionDenied: ("permission_denied", lambda: _("您无权执行此操作。")),
    exceptions.NotFound: ("not_found", lambda: _("请求的资源不存在。")),
    exceptions.MethodNotAllowed: ("method_not_allowed", lambda: _("不支持该请求方法。")),
    exceptions.NotAcceptable: ("not_acceptable", lambda: _("无法按请求的格式返回。")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", lambda: _("不支持该请求内容类型。")),
    exceptions.Throttled: ("throttled", None),
}


def error_body(code, message, details=None):
    return {"code": code, "message": str(message), "details": details or {}}


def _case_error(exc):
    for cls, http_status, code in CASE_ERRORS:
        if isinstance(exc, cls):
            return Response(error_body(code, exc.message), status=http_status)
    return None


def exception_handler(exc, context):
    if isinstance(exc, case_errors.CaseError):
        return _case_error(exc)
    if isinstance(exc, ApiError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        if settings.DEBUG or not isinstance(exc, Exception):
            return None  # the debug page, with its traceback
        # Still JSON for the client; the traceback goes to the log.
        logger.error("API error in %s", context.get("view").__class__.__name__, exc_info=exc)
        return Response(server_error_body(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    code, message = "error", None
    for cls, (known_code, default_message) in DRF_CODES.items():
        if isinstance(exc, cls):
            code = known_code
            message = default_message() if default_message else None
            break
    details = {}
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    elif isinstance(exc, exceptions.Throttled):
        message = _("请求过于频繁，请 %(seconds)s 秒后再试。") % {"seconds": int(exc.wait or 1)}
        details = {"retry_after": int(exc.wait or 1)}
    if message is None:
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else _("请求失败。")
    response.data = error_body(code, message, details)
    return response


@csrf_exempt  # it changes nothing; without this a session's POST met the HTML CSRF page, not the 404
def not_found(request, *args, **kwargs):
    """Unknown paths under /api/: a JSON 404 rather than the HTML page."""
    return JsonResponse(error_body("not_found", _("请求的资源不存在。")), status=status.HTTP_404_NOT_FOUND)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: under /api/ a JSON 403 in the API's error format; elsewhere
    Django's page (templates/403_csrf.html)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("csrf_failed", _("CSRF 校验失败：请刷新页面后重试，或改用令牌或 API 密钥。")),
            status=status.HTTP_403_FORBIDDEN,
        )
    return csrf.csrf_failure(request, reason)


def server_error_body():
    return error_body("server_error", _("服务器内部错误，请稍后再试。"))
