"""Community activities (社区活动) and their sign-ups.

An `Activity` is organised by street or community staff for a region of their subtree (its
`region_code`: who may come); residents sign up (`Enrolment`), within the capacity or on the
waitlist, and check in at the venue by a signed, expiring code. The sign-up and check-in are one
implementation for every app that needs them: another app (volunteer shifts) creates an Activity of
its own `kind` and calls the same actions (civicgrid.activities.actions).

`seats_taken` counts the confirmed enrolments; the actions keep it in the same transaction, under
the activity row's lock, so two residents taking the last seat at once cannot both win.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")
    FINISHED = "finished", _("已结束")


class Activity(ScopedModel, TimeStampedModel):
    # What the activity belongs to: "community" for the community's own activities; another app
    # names its own (e.g. "volunteer_shift") and shows its activities on its own pages.
    kind = models.CharField(_("类别"), max_length=30, default="community", db_index=True)
    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("活动介绍"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("组织者"), on_delete=models.PROTECT, related_name="+"
    )
    # Who may come: residents of this region's subtree (a street, a community or a grid).
    region = models.ForeignKey("regions.Region", verbose_name=_("面向区域"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("活动地点"), max_length=200)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("名额"))
    signup_deadline = models.DateTimeField(_("报名截止时间"))
    min_age = models.PositiveSmallIntegerField(_("最小年龄"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("最大年龄"), null=True, blank=True)
    tag_code = models.CharField(_("限定人群标签"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.DRAFT)
    seats_taken = models.PositiveIntegerField(_("已报名"), default=0)
    summary = models.TextField(_("活动总结"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束登记时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("社区活动")
        verbose_name_plural = _("社区活动")
        indexes = [models.Index(fields=["status", "starts_at"], name="activities_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activities_capacity_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="activities_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    @property
    def seats_left(self):
        return max(self.capacity - self.seats_taken, 0)


class EnrolmentStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITLISTED = "waitlisted", _("候补中")
    CANCELLED = "cancelled", _("已取消")


class Enrolment(ScopedModel):
    """One person's sign-up for one activity (one row per person and activity: signing up again
    after cancelling reuses it, at the end of the waitlist)."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报名人"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=EnrolmentStatus)
    queued_at = models.DateTimeField(_("报名时间"))
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checkin_method = models.CharField(_("签到方式"), max_length=10, blank=True)
    no_show = models.BooleanField(_("未到场"), default=False)
    # Check-out and confirmed hours (volunteer shifts: the organiser checks out and confirms the
    # hours served, once; community activities leave them empty).
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=2, null=True, blank=True)
    hours_confirmed_at = models.DateTimeField(_("时长确认时间"), null=True, blank=True)
    hours_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("时长确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints = [models.UniqueConstraint(fields=["activity", "user"], name="activities_one_enrolment")]
        indexes = [models.Index(fields=["user", "status"], name="activities_enrolment_user")]

    def __str__(self):
        return f"{self.activity_id}:{self.user_id}"


class Photo(ScopedModel):
    """A photo of the activity afterwards, checked and re-encoded like a case's (cases.uploads)."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos")
    file = models.CharField(max_length=300)
    thumbnail = models.CharField(max_length=300, blank=True)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
