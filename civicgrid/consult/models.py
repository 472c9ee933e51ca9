"""议事协商: consultations and polls (questions, options, ballots, opinions) and round-table meetings
(participants, agenda cases, decisions).

A poll belongs to a community (`region_code`, its code) and optionally to one compound of it: the
electorate is then that compound's households or adults (old-compound renovation opens such polls
through `actions.create_poll`). A ballot carries a keyed hash of the voter's base-data identity
(household or person), unique per poll, so even an anonymous poll counts each eligible voter once;
a named poll also keeps the account. Tallies (Option.votes, Poll.ballot_count) are caches kept in the
voting transaction with F() expressions; `manage.py check_poll_counts` recomputes them from the rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel


class Electorate(models.TextChoices):
    HOUSEHOLD = "household", _("每户一票")
    ADULT = "adult", _("每位成年居民一票")


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("已发布")
    CLOSED = "closed", _("已结束")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TEXT = "text", _("意见建议")


class Poll(ScopedModel, TimeStampedModel):
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    community = models.ForeignKey("regions.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "people.Compound", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    electorate = models.CharField(_("投票资格"), max_length=16, choices=Electorate, default=Electorate.HOUSEHOLD)
    anonymous = models.BooleanField(_("匿名"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=PollStatus, default=PollStatus.DRAFT, db_index=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    results_published = models.BooleanField(_("结果已公布"), default=False)
    ballot_count = models.PositiveIntegerField(_("已投票数"), default=0)
    # Who opened it: "consult" (the community) or another app reusing polls (e.g. "renovation").
    origin = models.CharField(_("来源"), max_length=32, default="consult")
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("转办案件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["region_code", "status", "closes_at"], name="consult_poll_open")]
        verbose_name = _("议事投票")
        verbose_name_plural = _("议事投票")

    def __str__(self):
        return self.title


class Question(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions")
    seq = models.PositiveSmallIntegerField()
    kind = models.CharField(_("题型"), max_length=16, choices=QuestionKind)
    text = models.CharField(_("题目"), max_length=200)
    min_choices = models.PositiveSmallIntegerField(_("最少选择"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("最多选择"), default=1)
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        ordering = ["poll", "seq"]
        constraints = [models.UniqueConstraint(fields=["poll", "seq"], name="consult_question_seq")]

    def __str__(self):
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    seq = models.PositiveSmallIntegerField()
    text = models.CharField(_("选项"), max_length=100)
    votes = models.PositiveIntegerField(_("票数"), default=0)

    class Meta:
        ordering = ["question", "seq"]
        constraints = [models.UniqueConstraint(fields=["question", "seq"], name="consult_option_seq")]

    def __str__(self):
        return self.text


class Ballot(models.Model):
    """One eligible voter's ballot: `voter_key` is a keyed hash of (poll, household or person), never
    the account; `user` only in a named poll."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    voter_key = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField(_("投票时间"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "voter_key"], name="consult_one_ballot_per_voter")]

    def __str__(self):
        return f"{self.poll_id}:{self.voter_key[:8]}"


class Turnout(models.Model):
    """The roll of accounts that voted in a poll (not how, nor which ballot): the home-screen badge
    ("open polls I have not voted in") in one query. Written in the vote's transaction."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "poll"], name="consult_turnout_once")]

    def __str__(self):
        return f"{self.poll_id}:{self.user_id}"


class Choice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "option"], name="consult_choice_once")]

    def __str__(self):
        return f"{self.ballot_id}:{self.option_id}"


class Opinion(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="opinions")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="opinions")
    text = models.TextField(_("意见"))
    reply = models.TextField(_("答复"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text[:40]


# --- Round-table meetings -------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("已召集")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class Meeting(ScopedModel, TimeStampedModel):
    title = models.CharField(_("议题"), max_length=100)
    community = models.ForeignKey("regions.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("召开时间"))
    place = models.CharField(_("地点"), max_length=100)
    status = models.CharField(_("状态"), max_length=16, choices=MeetingStatus, default=MeetingStatus.PLANNED)
    minutes = models.TextField(_("会议纪要"), blank=True)
    held_at = models.DateTimeField(_("纪要记录时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("圆桌会")
        verbose_name_plural = _("圆桌会")

    def __str__(self):
        return self.title


class ParticipantKind(models.TextChoices):
    PROPERTY = "property", _("物业公司")
    OWNERS = "owners", _("业主委员会")
    RESIDENTS = "residents", _("居民代表")
    DEPARTMENT = "department", _("职能部门")
    OTHER = "other", _("其他")


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("类别"), max_length=16, choices=ParticipantKind)
    name = models.CharField(_("名称"), max_length=100)
    property_company = models.ForeignKey(
        "people.PropertyCompany", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "regions.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="consult_agenda_once")]

    def __str__(self):
        return f"{self.meeting_id}:{self.case_id}"


class DecisionKind(models.TextChoices):
    TASK = "task", _("任务")
    CASE = "case", _("转为案件")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("落实中")
    CLOSED = "closed", _("已办结")


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("决定事项"), max_length=500)
    kind = models.CharField(_("落实方式"), max_length=16, choices=DecisionKind, default=DecisionKind.TASK)
    owner = models.CharField(_("责任方"), max_length=100)
    due_date = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=16, choices=DecisionStatus, default=DecisionStatus.OPEN)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    note = models.CharField(_("办结说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["case"], name="consult_decision_case")]

    def __str__(self):
        return self.text[:40]
