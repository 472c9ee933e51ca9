import functools

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from civicgrid.core.scoping import MAX_CODE_LENGTH, RestrictedQuerySet


@functools.cache
def _choice_labels(field):
    # The labels are lazy strings, so one table per field serves every language.
    return dict(field.flatchoices)


class ChoiceLabels(models.Model):
    """get_FOO_display() from a table built once per field: Django's own rebuilds a hashable copy of
    the field's choices on every call, which a list of 50 rows × 4 choice columns pays for in
    milliseconds (the person search, the dispatcher queue)."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            label = _choice_labels(field).get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field): Django's general way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


class TimeStampedModel(ChoiceLabels):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class ScopedModel(models.Model):
    """A row that belongs to a place (docs/architecture.md, "How to add an app"): it carries the code of
    its region node (`region_code`, a copy kept by the actions) and a RestrictedQuerySet, so every
    query starts from `Model.objects.restrict(user, action)` and is one indexed range condition.

    A model whose code field reads or indexes differently redeclares `region_code` (Django lets a
    child override a field of an abstract base); one with a richer queryset redeclares `objects`.
    """

    region_code = models.CharField(_("区域编码"), max_length=MAX_CODE_LENGTH, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_code_field = "region_code"

    class Meta:
        abstract = True


# The change log's labels are looked up, not literals: xgettext does not extract them here (core has no
# catalogue of its own), and the people app, which first used the change log, carries them in its
# catalogue (civicgrid/people/labels.py). Keys and msgids are the same Chinese text.
CHANGE_LABELS = {
    "新增": "新增",
    "修改": "修改",
    "删除": "删除",
    "导入": "导入",
    "核查": "核查",
    "匿名化": "匿名化",
    "记录类型": "记录类型",
    "记录编号": "记录编号",
    "记录": "记录",
    "操作": "操作",
    "操作人": "操作人",
    "时间": "时间",
    "修改前": "修改前",
    "修改后": "修改后",
    "说明": "说明",
    "变更记录": "变更记录",
}


class ObjectChange(models.Model):
    """One change to a base-data record: who, when, what it was before and after (JSON).

    Written by action functions through `civicgrid.core.changelog.record_change`, never by signals,
    so the log says what the action meant to do. Append-only: nothing updates or deletes rows.
    """

    class Action(models.TextChoices):
        CREATE = "create", _(CHANGE_LABELS["新增"])
        UPDATE = "update", _(CHANGE_LABELS["修改"])
        DELETE = "delete", _(CHANGE_LABELS["删除"])
        IMPORT = "import", _(CHANGE_LABELS["导入"])
        VERIFY = "verify", _(CHANGE_LABELS["核查"])
        ANONYMISE = "anonymise", _(CHANGE_LABELS["匿名化"])

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_(CHANGE_LABELS["记录类型"]),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # core_change_object_idx leads with it
        # A log row must not slow the write it records: no database-level check (checked at commit,
        # per row — an import writes one change row per person). Content types and users are never
        # deleted under a log (PROTECT), as django-simple-history does for its history rows.
        db_constraint=False,
    )
    object_id = models.CharField(_(CHANGE_LABELS["记录编号"]), max_length=64)
    object_repr = models.CharField(_(CHANGE_LABELS["记录"]), max_length=200, blank=True)
    action = models.CharField(_(CHANGE_LABELS["操作"]), max_length=16, choices=Action)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_(CHANGE_LABELS["操作人"]),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    at = models.DateTimeField(_(CHANGE_LABELS["时间"]), db_index=True)
    before = models.JSONField(_(CHANGE_LABELS["修改前"]), null=True, blank=True)
    after = models.JSONField(_(CHANGE_LABELS["修改后"]), null=True, blank=True)
    note = models.CharField(_(CHANGE_LABELS["说明"]), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="core_change_object_idx")]
        verbose_name = _(CHANGE_LABELS["变更记录"])
        verbose_name_plural = _(CHANGE_LABELS["变更记录"])

    def __str__(self):
        return f"{self.object_repr} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def changed_fields(self):
        """[(field, before, after)] for the keys whose value differs."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]

    def readable_fields(self):
        """[(label, before, after)] as pages show them: field labels, local times, choice labels
        (civicgrid.core.changewords)."""
        from civicgrid.core.changewords import readable_changes

        return readable_changes(self)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class BackgroundJob(ChoiceLabels):
    """Long work off the request (an Excel import, a large export): civicgrid.core.longjobs runs
    `function` (a dotted path, so the base imports no app) on the Celery worker or, without a
    broker, on a thread of the web process; the page polls its progress. Seen by its owner and by
    whoever holds `permission` over `region_code` (its scope)."""

    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    function = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("发起人")
    )
    permission = models.CharField(max_length=100, blank=True)
    region_code = models.CharField(_("区域编码"), max_length=MAX_CODE_LENGTH, blank=True, db_index=True)
    # At most one queued or running job per lock key (two clicks on "import" start one import).
    lock_key = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=20, blank=True)
    total = models.PositiveIntegerField(default=0)
    read = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    input_file = models.CharField(max_length=300, blank=True)
    result_file = models.CharField(max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("创建时间"), db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="core_job_owner_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["lock_key"],
                condition=models.Q(status__in=["queued", "running"]) & ~models.Q(lock_key=""),
                name="core_job_one_active_per_lock",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def active(self):
        return self.status in ACTIVE_JOB_STATUSES
