"""Party building: study (学习教育). Micro-lessons (微党课: video, audio or a PDF document, checked by
content and kept privately), monthly required study (月度必学) pushed to the members of an
organisation's subtree with completion per member, a question bank (题库), quizzes (微测试) drawing a
random paper from it, and each member's attempts with a server-side deadline and automatic marking.

An organisation's subtree is the audience of what it publishes: a member sees the lessons, plans
and quizzes of their own organisation and of every organisation above it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Attempt",
    "Lesson",
    "LessonKind",
    "Question",
    "QuestionKind",
    "Quiz",
    "StudyPlan",
    "StudyRecord",
]


class LessonKind(models.TextChoices):
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")
    DOCUMENT = "document", _("文档")


class Lesson(models.Model):
    """A micro-lesson (微党课) published by an organisation to its subtree. The file lives in the
    private attachment storage under a random name; only the lesson-file view serves it."""

    organisation = models.ForeignKey(
        "party.Organisation", verbose_name=_("发布组织"), on_delete=models.PROTECT, related_name="lessons"
    )
    title = models.CharField(_("标题"), max_length=100)
    summary = models.CharField(_("简介"), max_length=500, blank=True)
    kind = models.CharField(_("类型"), max_length=8, choices=LessonKind)
    file = models.CharField(_("文件"), max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("内容类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    minutes = models.PositiveSmallIntegerField(
        _("学习时长（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("微党课")
        verbose_name_plural = _("微党课")

    def __str__(self):
        return self.title


class StudyPlan(models.Model):
    """月度必学: the lessons every member of the organisation's subtree is to study in a month."""

    organisation = models.ForeignKey(
        "party.Organisation", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="study_plans"
    )
    month = models.DateField(_("月份"))  # the first day of the month
    title = models.CharField(_("标题"), max_length=100)
    lessons = models.ManyToManyField(Lesson, verbose_name=_("必学课程"), related_name="plans")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "organisation__path", "pk"]
        verbose_name = _("月度必学计划")
        verbose_name_plural = _("月度必学计划")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="party_plan_once_per_month"),
        ]

    def __str__(self):
        return self.title


class StudyRecord(models.Model):
    """A member's study of one lesson: opened (started_at), then finished (completed_at)."""

    member = models.ForeignKey(
        "party.Member", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="study_records"
    )
    lesson = models.ForeignKey(Lesson, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="records")
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "pk"]
        verbose_name = _("学习记录")
        verbose_name_plural = _("学习记录")
        constraints = [
            models.UniqueConstraint(fields=["member", "lesson"], name="party_record_once_per_lesson"),
        ]

    def __str__(self):
        return f"{self.lesson} #{self.member_id}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUEFALSE = "truefalse", _("判断题")


class Question(models.Model):
    """A question of an organisation's bank (题库): quizzes of its subtree draw from it.
    `options` is a list of 2–8 strings; `answer` the sorted list of the right options' indices."""

    organisation = models.ForeignKey(
        "party.Organisation", verbose_name=_("题库所属组织"), on_delete=models.PROTECT, related_name="questions"
    )
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind)
    text = models.CharField(_("题干"), max_length=500)
    options = models.JSONField(_("选项"), default=list)
    answer = models.JSONField(_("答案"), default=list)
    topic = models.CharField(_("专题"), max_length=50, blank=True, db_index=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        ordering = ["organisation__path", "topic", "pk"]
        verbose_name = _("试题")
        verbose_name_plural = _("试题")

    def __str__(self):
        return self.text[:40]


class Quiz(models.Model):
    """A quiz (微测试) for the organisation's subtree: each attempt draws `question_count` questions at
    random from the active questions of the banks of the organisation and those above it (of
    `topic` when given), to be answered within `time_limit_minutes`."""

    organisation = models.ForeignKey(
        "party.Organisation", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="quizzes"
    )
    title = models.CharField(_("标题"), max_length=100)
    topic = models.CharField(_("专题"), max_length=50, blank=True)
    question_count = models.PositiveSmallIntegerField(
        _("题量"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("限时（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    pass_score = models.PositiveSmallIntegerField(_("及格分"), default=60, validators=[MaxValueValidator(100)])
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    attempts_allowed = models.PositiveSmallIntegerField(
        _("可答次数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("测试")
        verbose_name_plural = _("测试")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="party_quiz_closes_after"),
        ]

    def __str__(self):
        return self.title


class Attempt(models.Model):
    """One member's paper of a quiz: the questions drawn when started, the answers given
    ({question id: [option indices]}), the deadline (started + the limit; the server's), the mark."""

    quiz = models.ForeignKey(Quiz, verbose_name=_("测试"), on_delete=models.CASCADE, related_name="attempts")
    member = models.ForeignKey(
        "party.Member", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    question_ids = models.JSONField(_("试卷题目"), default=list)
    answers = models.JSONField(_("作答"), default=dict)
    started_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("交卷期限"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    late = models.BooleanField(_("超时"), default=False)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    correct = models.PositiveSmallIntegerField(_("答对题数"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        indexes = [models.Index(fields=["quiz", "member"])]

    def __str__(self):
        return f"{self.quiz} #{self.pk}"

    @property
    def passed(self):
        return self.score is not None and self.score >= self.quiz.pass_score
