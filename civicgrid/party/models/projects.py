"""一支部一项目: each branch runs a project a year through 立项 → 推进 → 督导 → 验收, with milestones
(节点) and a timeline of notes — the branch's progress reports (进展报告), supervisors' comments
(督导意见), the approval, returns and the acceptance (验收). Pictures and PDF documents attached to
notes and milestones are checked like case uploads and kept in the private attachment storage;
only the project file view serves them, to those who see the project (the public board shows none).

The stage moves only as actions/projects.py `FLOW` allows (one table)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel
from civicgrid.party.models.files import StoredFile

__all__ = [
    "Milestone",
    "NoteKind",
    "Project",
    "ProjectCategory",
    "ProjectFile",
    "ProjectNote",
    "Stage",
    "STAGE_ORDER",
]


class ProjectCategory(models.TextChoices):
    SERVICE = "service", _("为民服务")
    GOVERNANCE = "governance", _("基层治理")
    RURAL = "rural", _("乡村振兴")
    EDUCATION = "education", _("党员教育")
    OTHER = "other", _("其他")


class Stage(models.TextChoices):
    PROPOSED = "proposed", _("立项")
    IN_PROGRESS = "in_progress", _("推进")
    SUPERVISED = "supervised", _("督导")
    ACCEPTED = "accepted", _("验收")


# The four steps in order, as the board draws them.
STAGE_ORDER = (Stage.PROPOSED, Stage.IN_PROGRESS, Stage.SUPERVISED, Stage.ACCEPTED)


class Project(ScopedModel, TimeStampedModel):
    """A branch's project of a year. `region_code` is the organisation's (kept by the actions)."""

    organisation = models.ForeignKey(
        "party.Organisation", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="projects"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("项目名称"), max_length=60)
    summary = models.TextField(_("项目简介"), max_length=1000)
    goal = models.TextField(_("项目目标"), max_length=1000)
    category = models.CharField(_("类别"), max_length=16, choices=ProjectCategory, default=ProjectCategory.SERVICE)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage, default=Stage.PROPOSED, db_index=True)
    started_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("计划完成日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("立项时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立项审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verdict = models.TextField(_("验收意见"), max_length=1000, blank=True)
    score = models.PositiveSmallIntegerField(_("验收评分"), null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(_("退回整改次数"), default=0)

    class Meta:
        ordering = ["-year", "organisation__path", "pk"]
        verbose_name = _("支部项目")
        verbose_name_plural = _("支部项目")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=~Q(stage="accepted"),
                name="party_project_one_open_per_year",
            ),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100), name="party_project_score"),
        ]
        indexes = [models.Index(fields=["year", "stage"])]

    def __str__(self):
        return self.title

    @property
    def step(self):
        """1–4: the stage's place on the board's progress bar."""
        return STAGE_ORDER.index(Stage(self.stage)) + 1


class Milestone(models.Model):
    """A step of the project (节点) with its due date; completed with evidence (text and files)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点名称"), max_length=60)
    due_on = models.DateField(_("计划完成日期"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence = models.TextField(_("完成情况"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("添加人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")

    def __str__(self):
        return self.title


class NoteKind(models.TextChoices):
    PROPOSED = "proposed", _("申报立项")
    APPROVED = "approved", _("立项批复")
    PROGRESS = "progress", _("进展报告")
    MILESTONE = "milestone", _("节点完成")
    SUPERVISION = "supervision", _("督导意见")
    RETURNED = "returned", _("退回整改")
    ACCEPTED = "accepted", _("验收通过")


class ProjectNote(models.Model):
    """One entry of the project's timeline."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("类型"), max_length=16, choices=NoteKind)
    body = models.TextField(_("内容"), max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("节点"), null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    stage_from = models.CharField(_("原阶段"), max_length=16, choices=Stage, blank=True)
    stage_to = models.CharField(_("新阶段"), max_length=16, choices=Stage, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("项目动态")
        verbose_name_plural = _("项目动态")

    def __str__(self):
        return f"{self.project_id} {self.kind}"


class ProjectFile(StoredFile):
    """A picture (re-encoded, no metadata) or PDF document of a note, under a random name in the
    private attachment storage."""

    note = models.ForeignKey(ProjectNote, verbose_name=_("动态"), on_delete=models.CASCADE, related_name="files")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("项目附件")
        verbose_name_plural = _("项目附件")
