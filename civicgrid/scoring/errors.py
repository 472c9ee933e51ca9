"""What the scoring actions raise: the view shows `message`; NotFound answers 404."""

from django.utils.translation import gettext_lazy as _


class ScoringError(Exception):
    default = _("操作未能完成。")

    def __init__(self, message=None):
        self.message = str(message or self.default)
        super().__init__(self.message)


class NotFound(ScoringError):
    """Missing, or outside the user's permission (the same answer: 404)."""

    default = _("未找到该记录。")


class InputError(ScoringError):
    default = _("填写内容有误。")
