"""What the write path raises. Views show `error.message` (already translated) to the user.

CaseNotFound is also an Http404 and ActionNotAllowed a PermissionDenied, so a view that lets them
through still answers 404 / 403, and a case outside the user's scope answers exactly like a case
that does not exist (docs/architecture.md).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class CaseError(Exception):
    default_message = _("案件操作失败。")

    def __init__(self, message=None):
        self.message = str(message if message is not None else self.default_message)
        super().__init__(self.message)


class CaseNotFound(CaseError, Http404):
    default_message = _("案件不存在。")


class CaseChanged(CaseError):
    """Optimistic concurrency: the caller acted on a version of the case that is no longer current."""

    default_message = _("案件已被他人更新，请刷新后重试。")


class InvalidTransition(CaseError):
    default_message = _("案件当前状态不允许此操作。")


class ActionNotAllowed(CaseError, PermissionDenied):
    default_message = _("您无权对该案件执行此操作。")


class CaseInputError(CaseError):
    """Bad input to an action (a missing reason, a department that does not serve the area…)."""


class RateLimited(CaseError):
    pass
