"""What the consult actions raise: the view shows `message`; NotFound answers 404."""

from django.utils.translation import gettext_lazy as _


class ConsultError(Exception):
    default = _("操作未能完成。")

    def __init__(self, message=None):
        self.message = str(message or self.default)
        super().__init__(self.message)


class NotFound(ConsultError):
    """Missing, or outside the user's scope or permission (the same answer: 404)."""

    default = _("未找到该记录。")


class InputError(ConsultError):
    default = _("填写内容有误。")


class NotEligible(ConsultError):
    default = _("您不在本次投票的范围内（需为本社区登记在册的居民）。")


class AlreadyVoted(ConsultError):
    default = _("您（或您的家庭）已经投过票了。")


class NotOpen(ConsultError):
    default = _("投票未在进行中。")


class WrongState(ConsultError):
    default = _("当前状态下不能进行此操作。")
