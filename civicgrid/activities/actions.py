"""The write path of activities: one `@transaction.atomic` function per intent, each writing its
change-log rows and publishing its events.

Sign-up and check-in are public for every app that runs sign-ups (volunteer shifts reuse them):
`sign_up(user, activity_id)`, `cancel_sign_up(user, activity_id)`, `check_in(actor, enrolment,
method)`, and the two code paths `check_in_at_venue` (a resident's phone opened the venue code)
and `check_in_by_staff` (staff scanned or typed a resident's personal code).

Seats: every change of who holds a seat runs under the activity row's lock (select_for_update), and
`seats_taken` is written in the same transaction, so two residents taking the last seat at once
cannot both win: the second finds it taken and joins the waitlist. Cancelling a seat hands it to the
first on the waitlist, who is told through core.events.MessageSent.

Refusals raise ValidationError (a message for the person); a record outside the user's scope raises
Activity.DoesNotExist / Enrolment.DoesNotExist (the views answer 404), and changes nothing.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from civicgrid.activities import codes, conf, selectors
from civicgrid.activities.events import ActivityFinished, ActivityPublished, CheckedIn, SignedUp, SignUpCancelled
from civicgrid.activities.models import Activity, Enrolment, EnrolmentStatus, Photo, Status
from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.core.text import has_forbidden

FIELDS = (
    "title",
    "description",
    "region",
    "starts_at",
    "ends_at",
    "place",
    "lat",
    "lng",
    "capacity",
    "signup_deadline",
    "min_age",
    "max_age",
    "tag_code",
)
LOGGED = (*FIELDS, "status", "summary")
MAX_AGE = 120


@dataclass(frozen=True)
class CheckInResult:
    enrolment: Enrolment
    already: bool  # checked in before: nothing changed


def _event_fields(activity, at):
    return {"activity_id": activity.pk, "kind": activity.kind, "region_code": activity.region_code, "at": at}


def _tell(user_ids, title, body, activity):
    user_ids = tuple(sorted(set(user_ids)))
    if user_ids:
        url = reverse("activities:detail", args=[activity.pk])
        events.publish(events.MessageSent(user_ids=user_ids, title=title, body=body, url=url, topic="activities"))


# --- Organising ------------------------------------------------------------------------------


def _validate(data, activity):
    from civicgrid.people.selectors import public_tags

    errors = {}
    text_max = conf.get("ACTIVITIES_TEXT_MAX")
    for name, limit in (("title", 100), ("place", 200), ("description", text_max), ("tag_code", 40)):
        value = data.get(name) or ""
        if has_forbidden(value):
            errors[name] = _("包含不可见的控制字符，请删除后再提交。")
        elif len(value) > limit:
            errors[name] = _("最多 %(limit)s 个字符。") % {"limit": limit}
    if not (data.get("title") or "").strip():
        errors["title"] = _("请填写活动名称。")
    if not (data.get("place") or "").strip():
        errors["place"] = _("请填写活动地点。")
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or capacity < 1 or capacity > conf.get("ACTIVITIES_MAX_CAPACITY"):
        errors["capacity"] = _("名额须为 1 到 %(max)s 之间的整数。") % {"max": conf.get("ACTIVITIES_MAX_CAPACITY")}
    elif activity.pk and capacity < activity.seats_taken:
        errors["capacity"] = _("名额不能少于已报名的 %(count)s 人。") % {"count": activity.seats_taken}
    starts, ends, deadline = data.get("starts_at"), data.get("ends_at"), data.get("signup_deadline")
    if not (starts and ends and deadline):
        errors["starts_at"] = _("请填写开始、结束和报名截止时间。")
    else:
        if ends <= starts:
            errors["ends_at"] = _("结束时间须晚于开始时间。")
        if deadline > starts:
            errors["signup_deadline"] = _("报名截止时间不能晚于活动开始时间。")
    lat, lng = data.get("lat"), data.get("lng")
    if (lat is None) != (lng is None):
        errors["lat"] = _("请在地图上标注地点（经纬度须同时填写）。")
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["lat"] = _("经纬度超出范围。")
    low, high = data.get("min_age"), data.get("max_age")
    for name, value in (("min_age", low), ("max_age", high)):
        if value is not None and not 0 <= value <= MAX_AGE:
            errors[name] = _("年龄须在 0 到 %(max)s 之间。") % {"max": MAX_AGE}
    if low is not None and high is not None and low > high:
        errors["max_age"] = _("最大年龄不能小于最小年龄。")
    tag = data.get("tag_code") or ""
    if tag and tag not in dict(public_tags()):
        errors["tag_code"] = _("没有这个人群标签。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_activity(user, activity, **data):
    """Create (`activity` unsaved) or edit an activity the user organises. A published activity may
    be edited too; a larger capacity hands the new seats to the waitlist at once."""
    region = data.get("region")
    if region is None or not selectors.may_organise(user, region):
        raise ValidationError({"region": _("您不能为这个区域组织活动。")})
    if activity.pk:
        activity = Activity.objects.restrict(user, "change").select_for_update().get(pk=activity.pk)
        if activity.status not in (Status.DRAFT, Status.PUBLISHED):
            raise ValidationError(_("已取消或已结束的活动不能再修改。"))
        before = snapshot(activity, LOGGED)
    else:
        before = None
        activity.organiser = user
        activity.status = Status.DRAFT
    _validate(data, activity)
    for name in FIELDS:
        setattr(activity, name, data.get(name) if name not in ("description", "tag_code") else data.get(name) or "")
    activity.region_code = region.code
    activity.save()
    if before is None:
        record_change(user, activity, ObjectChange.Action.CREATE, None, snapshot(activity, LOGGED))
    else:
        record_change(user, activity, ObjectChange.Action.UPDATE, before, snapshot(activity, LOGGED))
        Enrolment.objects.filter(activity=activity).update(region_code=activity.region_code)
        Photo.objects.filter(activity=activity).update(region_code=activity.region_code)
        if activity.status == Status.PUBLISHED:
            _fill_seats(activity, user)
    return activity


def _staff_activity(user, activity_id, *statuses):
    activity = Activity.objects.restrict(user, "change").select_for_update().get(pk=activity_id)
    if statuses and activity.status not in statuses:
        raise ValidationError(
            _("活动当前状态为“%(status)s”，不能这样操作。") % {"status": activity.get_status_display()}
        )
    return activity


def _set_status(user, activity, status, **fields):
    before = snapshot(activity, LOGGED)
    activity.status = status
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save()
    record_change(user, activity, ObjectChange.Action.UPDATE, before, snapshot(activity, LOGGED))


@transaction.atomic
def publish_activity(user, activity_id):
    activity = _staff_activity(user, activity_id, Status.DRAFT)
    now = clock.now()
    if activity.signup_deadline <= now:
        raise ValidationError(_("报名截止时间已过，请先修改时间再发布。"))
    _set_status(user, activity, Status.PUBLISHED, published_at=now)
    events.publish(
        ActivityPublished(**_event_fields(activity, now), title=activity.title, starts_at=activity.starts_at)
    )
    return activity


@transaction.atomic
def cancel_activity(user, activity_id):
    """Cancel a draft or published activity; everyone signed up or waiting is told."""
    activity = _staff_activity(user, activity_id, Status.DRAFT, Status.PUBLISHED)
    _set_status(user, activity, Status.CANCELLED, cancelled_at=clock.now())
    waiting = Enrolment.objects.filter(
        activity=activity, status__in=[EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED]
    )
    _tell(
        waiting.values_list("user_id", flat=True),
        _("活动已取消：%(title)s") % {"title": activity.title},
        _("您报名的活动已取消，给您带来不便，敬请谅解。"),
        activity,
    )
    return activity


def _finish(actor, activity, now, summary=None):
    no_shows = Enrolment.objects.filter(
        activity=activity, status=EnrolmentStatus.CONFIRMED, checked_in_at__isnull=True
    ).update(no_show=True)
    checked_in = Enrolment.objects.filter(activity=activity, checked_in_at__isnull=False).count()
    fields = {"finished_at": now}
    if summary is not None:
        fields["summary"] = summary
    _set_status(actor, activity, Status.FINISHED, **fields)
    events.publish(ActivityFinished(**_event_fields(activity, now), checked_in=checked_in, no_shows=no_shows))
    return activity


def _check_summary(summary):
    if has_forbidden(summary):
        raise ValidationError({"summary": _("包含不可见的控制字符，请删除后再提交。")})
    if len(summary) > conf.get("ACTIVITIES_TEXT_MAX"):
        raise ValidationError({"summary": _("最多 %(limit)s 个字符。") % {"limit": conf.get("ACTIVITIES_TEXT_MAX")}})


@transaction.atomic
def finish_activity(user, activity_id, summary=None):
    """结束: once it has started; confirmed participants who did not check in become no-shows."""
    if summary is not None:
        _check_summary(summary)
    activity = _staff_activity(user, activity_id, Status.PUBLISHED)
    now = clock.now()
    if now < activity.starts_at:
        raise ValidationError(_("活动还没有开始，不能结束。"))
    return _finish(user, activity, now, summary)


def finish_due_activities():
    """The periodic job: finish published activities ACTIVITIES_FINISH_AFTER_HOURS after their end."""
    cutoff = clock.now() - timedelta(hours=conf.get("ACTIVITIES_FINISH_AFTER_HOURS"))
    finished = 0
    for pk in Activity.objects.filter(status=Status.PUBLISHED, ends_at__lt=cutoff).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            activity = Activity.objects.select_for_update().filter(pk=pk, status=Status.PUBLISHED).first()
            if activity is not None:
                _finish(None, activity, clock.now())
                finished += 1
    return f"{finished} activities finished"


@transaction.atomic
def save_summary(user, activity_id, summary):
    _check_summary(summary)
    activity = _staff_activity(user, activity_id, Status.FINISHED)
    before = snapshot(activity, LOGGED)
    activity.summary = summary
    activity.save(update_fields=["summary", "updated_at"])
    record_change(user, activity, ObjectChange.Action.UPDATE, before, snapshot(activity, LOGGED))
    return activity


@transaction.atomic
def add_photos(user, activity_id, files):
    """Photos afterwards, through the cases' upload checks (content sniffing, size, pixels; stripped
    of metadata); stored in the private attachment storage."""
    from django.core.files.base import ContentFile

    from civicgrid.cases import uploads

    activity = _staff_activity(user, activity_id, Status.PUBLISHED, Status.FINISHED)
    if not files:
        raise ValidationError({"photos": _("请选择照片。")})
    if Photo.objects.filter(activity=activity).count() + len(files) > conf.get("ACTIVITIES_MAX_PHOTOS"):
        raise ValidationError(
            {"photos": _("每个活动最多 %(max)s 张照片。") % {"max": conf.get("ACTIVITIES_MAX_PHOTOS")}}
        )
    try:
        checked = [uploads.check_photo(upload) for upload in files]
    except uploads.UploadError as error:
        raise ValidationError({"photos": error.message}) from None
    storage, now, written, saved = uploads.attachment_storage(), clock.now(), [], []
    try:
        for item in checked:
            stem = f"activities/{now:%Y/%m}/{secrets.token_hex(16)}"
            name = storage.save(f"{stem}.{item.extension}", ContentFile(item.content))
            written.append(name)
            thumb = storage.save(f"{stem}-thumb.{item.extension}", ContentFile(uploads.thumbnail_bytes(item.content)))
            written.append(thumb)
            photo = Photo.objects.create(
                activity=activity,
                region_code=activity.region_code,
                file=name,
                thumbnail=thumb,
                content_type=item.content_type,
                width=item.width,
                height=item.height,
                uploaded_by=user,
                uploaded_at=now,
            )
            record_change(user, photo, ObjectChange.Action.CREATE, None, {"activity": activity.pk, "file": name})
            saved.append(photo)
    except Exception:
        for name in written:
            storage.delete(name)
        raise
    return saved


# --- Signing up (public: other apps' sign-ups run through these) -----------------------------


def _eligibility_errors(user, activity):
    """Why the user may not sign up, or None. Region: their home (RESIDENT role) lies in the
    activity's region; age and tag: from base data (people.selectors.resident_facts)."""
    from civicgrid.people.selectors import resident_facts

    home = selectors.resident_home(user)
    if home is None or not home.code.startswith(activity.region_code):
        return _("本活动只面向%(region)s的居民。") % {"region": activity.region.name}
    if activity.min_age is None and activity.max_age is None and not activity.tag_code:
        return None
    facts = resident_facts(user.phone, home.code[: selectors.COMMUNITY_CODE_LENGTH])
    if facts is None:
        return _("本活动有报名条件，社区的基础信息中没有找到您的登记，请联系社区工作人员。")
    if activity.min_age is not None or activity.max_age is not None:
        if facts.birth_date is None:
            return _("社区的基础信息中没有您的出生日期，请联系社区工作人员。")
        today = clock.now().date()
        born = facts.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if (activity.min_age is not None and age < activity.min_age) or (
            activity.max_age is not None and age > activity.max_age
        ):
            return _("本活动的年龄要求为 %(low)s–%(high)s 岁。") % {
                "low": activity.min_age if activity.min_age is not None else 0,
                "high": activity.max_age if activity.max_age is not None else MAX_AGE,
            }
    if activity.tag_code and activity.tag_code not in facts.tag_codes:
        return _("本活动只面向特定人群，请联系社区工作人员。")
    return None


def eligibility_error(user, activity):
    """Why `user` may not sign up for `activity` (for the page, before they try), or None."""
    return _eligibility_errors(user, activity)


def _locked_for_resident(user, activity_id, kind):
    visible = selectors.for_resident(user, kind).values("pk")
    return Activity.objects.select_for_update().select_related("region").get(pk=activity_id, pk__in=visible)


def _log_enrolment(user, enrolment, action, before, note=""):
    fields = ("status", "checked_in_at", "no_show")
    record_change(user, enrolment, action, before, snapshot(enrolment, fields), note=note)


@transaction.atomic
def sign_up(user, activity_id, *, kind=selectors.COMMUNITY, check_eligibility=True):
    """报名: a seat while any is left, else a place at the end of the waitlist. Signing up again
    (already holding a seat or a place) changes nothing. Another app passes its own `kind` and, if
    it checks eligibility itself, check_eligibility=False."""
    activity = _locked_for_resident(user, activity_id, kind)
    now = clock.now()
    if activity.status != Status.PUBLISHED:
        raise ValidationError(_("活动不在报名中。"))
    if now > activity.signup_deadline:
        raise ValidationError(_("报名已截止。"))
    enrolment = Enrolment.objects.select_for_update().filter(activity=activity, user=user).first()
    if enrolment is not None and enrolment.status != EnrolmentStatus.CANCELLED:
        return enrolment
    if check_eligibility:
        problem = _eligibility_errors(user, activity)
        if problem:
            raise ValidationError(problem)
    seat = activity.seats_taken < activity.capacity
    status = EnrolmentStatus.CONFIRMED if seat else EnrolmentStatus.WAITLISTED
    before = None
    if enrolment is None:
        enrolment = Enrolment(activity=activity, user=user, region_code=activity.region_code)
    else:
        before = snapshot(enrolment, ("status", "checked_in_at", "no_show"))
    enrolment.status, enrolment.queued_at, enrolment.cancelled_at = status, now, None
    enrolment.region_code = activity.region_code
    enrolment.save()
    if seat:
        Activity.objects.filter(pk=activity.pk).update(seats_taken=F("seats_taken") + 1)
        activity.seats_taken += 1
    _log_enrolment(
        user, enrolment, ObjectChange.Action.CREATE if before is None else ObjectChange.Action.UPDATE, before
    )
    events.publish(
        SignedUp(**_event_fields(activity, now), enrolment_id=enrolment.pk, user_id=user.pk, waitlisted=not seat)
    )
    return enrolment


def _fill_seats(activity, actor):
    """Hand free seats to the waitlist, first come first served (the activity row is locked)."""
    promoted = []
    while activity.seats_taken < activity.capacity:
        first = (
            Enrolment.objects.select_for_update()
            .filter(activity=activity, status=EnrolmentStatus.WAITLISTED)
            .order_by("queued_at", "pk")
            .first()
        )
        if first is None:
            break
        before = snapshot(first, ("status", "checked_in_at", "no_show"))
        first.status = EnrolmentStatus.CONFIRMED
        first.save(update_fields=["status"])
        Activity.objects.filter(pk=activity.pk).update(seats_taken=F("seats_taken") + 1)
        activity.seats_taken += 1
        _log_enrolment(actor, first, ObjectChange.Action.UPDATE, before, note="waitlist")
        _tell(
            [first.user_id],
            _("候补成功：%(title)s") % {"title": activity.title},
            _("有人取消了报名，您已从候补转为正式报名，请按时参加。"),
            activity,
        )
        promoted.append(first)
    return promoted


@transaction.atomic
def cancel_sign_up(user, activity_id, *, kind=selectors.COMMUNITY):
    """取消报名: gives up the seat (the first waitlisted takes it) or the waitlist place."""
    activity = _locked_for_resident(user, activity_id, kind)
    if activity.status != Status.PUBLISHED:
        raise ValidationError(_("活动不在报名中，不能取消报名。"))
    now = clock.now()
    if now >= activity.starts_at:
        raise ValidationError(_("活动已经开始，不能取消报名。"))
    enrolment = Enrolment.objects.select_for_update().filter(activity=activity, user=user).first()
    if enrolment is None or enrolment.status == EnrolmentStatus.CANCELLED:
        raise ValidationError(_("您没有报名这个活动。"))
    before = snapshot(enrolment, ("status", "checked_in_at", "no_show"))
    had_seat = enrolment.status == EnrolmentStatus.CONFIRMED
    enrolment.status, enrolment.cancelled_at = EnrolmentStatus.CANCELLED, now
    enrolment.save(update_fields=["status", "cancelled_at"])
    _log_enrolment(user, enrolment, ObjectChange.Action.UPDATE, before)
    promoted = []
    if had_seat:
        Activity.objects.filter(pk=activity.pk).update(seats_taken=F("seats_taken") - 1)
        activity.seats_taken -= 1
        promoted = _fill_seats(activity, None)
    events.publish(
        SignUpCancelled(
            **_event_fields(activity, now),
            enrolment_id=enrolment.pk,
            user_id=user.pk,
            promoted_user_id=promoted[0].user_id if promoted else None,
        )
    )
    return enrolment


# --- Checking in ----------------------------------------------------------------------------


def check_in_window_error(activity, now):
    if activity.status != Status.PUBLISHED:
        return _("活动不在进行中，不能签到。")
    opens = activity.starts_at - timedelta(minutes=conf.get("ACTIVITIES_CHECKIN_OPENS_MINUTES"))
    if now < opens:
        return _("签到还没有开始（活动开始前 %(minutes)s 分钟开放）。") % {
            "minutes": conf.get("ACTIVITIES_CHECKIN_OPENS_MINUTES")
        }
    if now > activity.ends_at:
        return _("活动已经结束，不能签到。")
    return None


@transaction.atomic
def check_in(actor, enrolment_id, method):
    """签到 one confirmed sign-up (the caller has checked who may): idempotent, a second check-in
    changes nothing and publishes nothing."""
    enrolment = Enrolment.objects.select_for_update().select_related("activity").get(pk=enrolment_id)
    activity = enrolment.activity
    if enrolment.checked_in_at is not None:
        return CheckInResult(enrolment, already=True)
    if enrolment.status != EnrolmentStatus.CONFIRMED:
        raise ValidationError(_("没有正式报名（候补或已取消），不能签到。"))
    now = clock.now()
    problem = check_in_window_error(activity, now)
    if problem:
        raise ValidationError(problem)
    before = snapshot(enrolment, ("status", "checked_in_at", "no_show"))
    enrolment.checked_in_at, enrolment.checked_in_by, enrolment.checkin_method = now, actor, method
    enrolment.save(update_fields=["checked_in_at", "checked_in_by", "checkin_method"])
    _log_enrolment(actor, enrolment, ObjectChange.Action.UPDATE, before, note=f"check-in:{method}")
    events.publish(
        CheckedIn(
            **_event_fields(activity, now),
            enrolment_id=enrolment.pk,
            user_id=enrolment.user_id,
            method=method,
            actor_id=actor.pk if actor is not None else None,
        )
    )
    return CheckInResult(enrolment, already=False)


def _code_error(error):
    if error.expired:
        return ValidationError(_("签到码已过期，请扫描现场屏幕上最新的签到码。"))
    return ValidationError(_("签到码无效，请核对后重试。"))


def check_in_at_venue(user, code, *, activity_id=None, kind=selectors.COMMUNITY):
    """The resident's phone opened the venue code's URL (a signed token), or the resident typed the
    six-digit short code on the activity's page (`activity_id`)."""
    if activity_id is not None and codes.looks_short(code):
        if not codes.short_matches(codes.VENUE, activity_id, code):
            raise ValidationError(_("签到码不正确或已过期，请查看现场屏幕上最新的签到码。"))
        target = activity_id
    else:
        try:
            target = codes.read_token(codes.VENUE, code)
        except codes.CodeError as error:
            raise _code_error(error) from None
        if activity_id is not None and target != activity_id:
            raise ValidationError(_("这个签到码不属于本活动。"))
    activity = selectors.for_resident(user, kind).filter(pk=target).first()
    if activity is None:
        raise Activity.DoesNotExist
    enrolment = Enrolment.objects.filter(activity=activity, user=user).first()
    if enrolment is None or enrolment.status == EnrolmentStatus.CANCELLED:
        raise ValidationError(_("您没有报名这个活动，不能签到。"))
    return check_in(user, enrolment.pk, "venue")


def personal_code(enrolment):
    return codes.make_token(codes.PERSONAL, enrolment.pk)


def personal_short_code(enrolment):
    return codes.make_short(codes.PERSONAL, enrolment.pk)


def venue_code(activity):
    return codes.make_token(codes.VENUE, activity.pk)


def venue_short_code(activity):
    return codes.make_short(codes.VENUE, activity.pk)


def check_in_by_staff(user, activity_id, code):
    """Staff scanned or typed a resident's personal code (the token, or its six-digit short code) on
    the activity's check-in page."""
    activity = Activity.objects.restrict(user, "view").get(pk=activity_id)
    allowed = Enrolment.objects.restrict(user, "change").filter(activity=activity)
    code = (code or "").strip()
    if not code:
        raise ValidationError(_("请输入或扫描居民的签到码。"))
    if codes.looks_short(code):
        matches = [
            pk
            for pk in allowed.filter(status=EnrolmentStatus.CONFIRMED).values_list("pk", flat=True)
            if codes.short_matches(codes.PERSONAL, pk, code)
        ]
        if len(matches) != 1:
            raise ValidationError(_("签到码不正确或已过期，请让居民刷新后重试。"))
        enrolment_id = matches[0]
    else:
        try:
            enrolment_id = codes.read_token(codes.PERSONAL, code)
        except codes.CodeError as error:
            raise _code_error(error) from None
        if not allowed.filter(pk=enrolment_id).exists():
            raise ValidationError(_("这个签到码不属于本活动。"))
    return check_in(user, enrolment_id, "staff")


# --- Checking out and confirming hours (volunteer shifts; civicgrid.activities.checkout) -------

from civicgrid.activities.checkout import (  # noqa: E402, F401
    CheckOutResult,
    check_out,
    confirm_hours,
    parse_hours,
    scheduled_hours,
)
