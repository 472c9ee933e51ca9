"""The case's append-only, hash-chained event history (CaseEvent) and its event types."""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicgrid.cases.models.case import Case
from civicgrid.cases.models.vocabulary import Status


class EventType(models.TextChoices):
    REPORTED = "reported", _("上报")
    ACCEPTED = "accepted", _("受理立案")
    REJECTED = "rejected", _("不予立案")
    DISPATCHED = "dispatched", _("派遣")
    SIGNED = "signed", _("签收")
    PROGRESS = "progress", _("处置进展")
    FED_BACK = "fed_back", _("处置反馈")
    VERIFIED = "verified", _("核查通过")
    REWORK = "rework", _("核查不通过，返工")
    CLOSED = "closed", _("结案")
    EVALUATED = "evaluated", _("评价")
    REOPENED = "reopened", _("重新办理")
    RETURNED = "returned", _("退回")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_DENIED = "extension_denied", _("不同意延期")
    SUSPENDED = "suspended", _("挂账")
    RESUMED = "resumed", _("恢复办理")
    VOID_REQUESTED = "void_requested", _("申请作废")
    VOIDED = "voided", _("作废")
    VOID_DENIED = "void_denied", _("驳回作废申请")
    ESCALATED = "escalated", _("吹哨上报")
    SUPERVISED = "supervised", _("督办")
    RECALLED = "recalled", _("超时收回")
    CONVERTED_TO_PROJECT = "converted_to_project", _("议题转项目")
    MILESTONE_DONE = "milestone_done", _("完成项目节点")
    LOCATION_CORRECTED = "location_corrected", _("更正位置")
    CATEGORY_CORRECTED = "category_corrected", _("更正类别")
    MERGED = "merged", _("作为重复件合并")
    DUPLICATE_ATTACHED = "duplicate_attached", _("并入重复件")
    FOLLOWED = "followed", _("关注")
    PRIORITY_RAISED = "priority_raised", _("列为紧急")


# What the reporter's public-safe timeline shows (with notes only where noted in the pages).
PUBLIC_EVENT_TYPES = frozenset(
    {
        EventType.REPORTED,
        EventType.ACCEPTED,
        EventType.REJECTED,
        EventType.DISPATCHED,
        EventType.SIGNED,
        EventType.FED_BACK,
        EventType.VERIFIED,
        EventType.REWORK,
        EventType.CLOSED,
        EventType.EVALUATED,
        EventType.REOPENED,
        EventType.SUSPENDED,
        EventType.RESUMED,
        EventType.VOIDED,
        EventType.MERGED,
        EventType.CONVERTED_TO_PROJECT,
        EventType.MILESTONE_DONE,
    }
)

GENESIS_HASH = "0" * 64


class AppendOnlyError(ValidationError):
    pass


class CaseEventQuerySet(models.QuerySet):
    # The database refuses UPDATE (and DELETE on PostgreSQL) by trigger (migration 0002); these
    # make the mistake visible in Python first, with a clear message.
    def update(self, **kwargs):
        raise AppendOnlyError(_("案件事件只能追加，不能修改。"))

    def delete(self):
        raise AppendOnlyError(_("案件事件只能追加，不能删除。"))


class CaseEvent(models.Model):
    """One step in a case's history: typed, append-only and hash-chained.

    `hash` is SHA-256 over a canonical JSON of the event's fields and the previous event's hash, so
    editing, removing or reordering any event breaks every later link (`verify_case_chain`).
    """

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    type = models.CharField(_("类型"), max_length=32, choices=EventType)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The role the actor acted in ("community_staff", "reporter"…): the same person may hold several.
    actor_role = models.CharField(_("操作身份"), max_length=32, blank=True)
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status, blank=True)
    note = models.TextField(_("说明"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"))
    prev_hash = models.CharField(_("前一事件摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["case_id", "seq"]
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        indexes = [models.Index(fields=["type", "created_at"], name="case_event_type_time")]

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.get_type_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("案件事件只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("案件事件只能追加，不能删除。"))

    @property
    def is_public(self):
        return self.type in PUBLIC_EVENT_TYPES

    def canonical(self):
        """The bytes the hash covers: sorted keys, no whitespace, UTF-8, UTC microseconds."""
        payload = {
            "case": self.case_id,
            "seq": self.seq,
            "type": self.type,
            "actor": self.actor_id,
            "actor_role": self.actor_role,
            "from": self.from_status,
            "to": self.to_status,
            "note": self.note,
            "details": self.details,
            "created_at": self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "prev": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def compute_hash(self):
        return hashlib.sha256(self.canonical()).hexdigest()
