"""The cases' words: category kinds, handling levels, steps, sources, statuses and lights."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("部件")
    EVENT = "event", _("事件")
    COMMUNITY = "community", _("社区事项")


class HandlingLevel(models.TextChoices):
    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")
    DEPARTMENT = "department", _("职能部门")


class Priority(models.TextChoices):
    """How urgent a case is: an emergency read from its words is raised to URGENT (issue 16)."""

    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Step(models.TextChoices):
    """The time-limited steps of the standard workflow (CJ/T 315)."""

    INTAKE = "intake", _("受理立案")
    DISPATCH = "dispatch", _("派遣")
    HANDLE = "handle", _("处置")
    VERIFY = "verify", _("核查")


class LimitUnit(models.TextChoices):
    HOURS = "h", _("工作时")
    DAYS = "d", _("工作日")


class Source(models.TextChoices):
    RESIDENT = "resident", _("居民上报")
    GRID_PHOTO = "grid_photo", _("网格员随手拍")
    HOTLINE = "hotline", _("12345热线")
    STAFF_ENTRY = "staff_entry", _("工作人员代录")
    DEPUTIES = "deputies", _("两代一委")
    API = "api", _("API·Open311")


class Status(models.TextChoices):
    REPORTED = "reported", _("待受理")
    REGISTERED = "registered", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("处置中")
    PROJECT = "project", _("项目推进中")
    HANDLED = "handled", _("待核查")
    VERIFIED = "verified", _("待结案")
    CLOSED = "closed", _("已结案")
    SUSPENDED = "suspended", _("挂账")
    REJECTED = "rejected", _("不予立案")
    VOIDED = "voided", _("已作废")
    MERGED = "merged", _("已合并")


# What a resident reads for each status: plain words about their report, not the office's steps
# (待派遣, 待签收, 挂账 are how staff see the same moments).
RESIDENT_STATUS = {
    Status.REPORTED: _("已提交，等待受理"),
    Status.REGISTERED: _("已受理"),
    Status.DISPATCHED: _("已交办"),
    Status.HANDLING: _("正在处理"),
    Status.PROJECT: _("已纳入整治项目"),
    Status.HANDLED: _("已处理，正在核查"),
    Status.VERIFIED: _("已核查，即将办结"),
    Status.CLOSED: _("已办结"),
    Status.SUSPENDED: _("暂缓处理（需多方协调）"),
    Status.REJECTED: _("未予受理"),
    Status.VOIDED: _("已撤销"),
    Status.MERGED: _("已并入同一问题"),
}


# Statuses a case never leaves (CLOSED can still be reopened by an unsatisfied reporter, so it is
# "finished" but not terminal).
TERMINAL_STATUSES = frozenset({Status.REJECTED, Status.VOIDED, Status.MERGED})
FINISHED_STATUSES = TERMINAL_STATUSES | {Status.CLOSED}
OPEN_STATUSES = frozenset(Status) - FINISHED_STATUSES


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")
    BLUE = "blue", _("蓝灯")  # stage light only


# Yanji's stage light (延吉 practice): red = found, nobody has taken it yet; blue = whistled or
# transferred to a handler; yellow = handled, awaiting acceptance; green = closed.
STAGE_LIGHTS = {
    Status.REPORTED: Light.RED,
    Status.REGISTERED: Light.RED,
    Status.DISPATCHED: Light.BLUE,
    Status.HANDLING: Light.BLUE,
    Status.PROJECT: Light.BLUE,
    Status.SUSPENDED: Light.BLUE,
    Status.HANDLED: Light.YELLOW,
    Status.VERIFIED: Light.YELLOW,
    Status.CLOSED: Light.GREEN,
}
