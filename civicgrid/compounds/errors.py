"""What the compounds actions raise: the view shows `message`; NotFound answers 404."""

from django.utils.translation import gettext_lazy as _


class CompoundsError(Exception):
    default = _("操作未能完成。")

    def __init__(self, message=None):
        self.message = str(message or self.default)
        super().__init__(self.message)


class NotFound(CompoundsError):
    """Missing, or outside the user's scope or permission (the same answer: 404)."""

    default = _("未找到该记录。")


class InputError(CompoundsError):
    default = _("填写内容有误。")


class WrongState(CompoundsError):
    default = _("当前状态下不能进行此操作。")
