"""Micro-wishes (微心愿): a resident posts (pending), community staff check it (open on the wall, or
refused with a reason), a verified volunteer claims it for themself or their team — or staff record
an enterprise's or organisation's claim — the claimer fulfils it with a photo (the cases' upload
checks), and the author confirms (WishFulfilled) and may rate the volunteer (FeedbackGiven).

Every step locks the wish row: two volunteers claiming one wish at once cannot both win."""

import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.volunteers import selectors
from civicgrid.volunteers.actions.common import mask_name, text
from civicgrid.volunteers.events import FeedbackGiven, WishFulfilled
from civicgrid.volunteers.models import ClaimerKind, Feedback, Partner, PartnerKind, Wish, WishStatus

LOGGED = ("title", "description", "status", "review_note", "claimer_kind", "claimer_name", "fulfil_note", "photo")
OPEN_WISHES_PER_PERSON = 3


def _status_error(wish):
    return ValidationError(_("心愿当前状态为“%(status)s”，不能这样操作。") % {"status": wish.get_status_display()})


def _save(user, wish, before, *fields):
    wish.save(update_fields=[*fields, "updated_at"])
    record_change(user, wish, ObjectChange.Action.UPDATE, before, snapshot(wish, LOGGED))


@transaction.atomic
def post_wish(user, *, title, description=""):
    """许愿: a resident of a community; shows on the wall once community staff checked it. No phone
    or ID numbers in the text (the wall is public); at most three unfinished wishes at a time."""
    community = selectors.home_community(user)
    if community is None:
        raise ValidationError(_("只有登记在社区的居民才能发布微心愿。"))
    errors = {}
    title = text(errors, "title", title, 60, required=True, label=_("心愿"), public=True)
    description = text(errors, "description", description, 500, public=True)
    if errors:
        raise ValidationError(errors)
    unfinished = Wish.objects.filter(
        author=user, status__in=[WishStatus.PENDING, WishStatus.OPEN, WishStatus.CLAIMED, WishStatus.FULFILLED]
    )
    if unfinished.count() >= OPEN_WISHES_PER_PERSON:
        raise ValidationError(
            _("您已有 %(n)s 个心愿正在进行，请等它们实现后再许新的心愿。") % {"n": OPEN_WISHES_PER_PERSON}
        )
    wish = Wish.objects.create(
        author=user, region=community, region_code=community.code, title=title, description=description
    )
    record_change(user, wish, ObjectChange.Action.CREATE, None, snapshot(wish, LOGGED))
    return wish


@transaction.atomic
def withdraw_wish(user, wish_id):
    wish = Wish.objects.select_for_update().get(pk=wish_id, author=user)
    if wish.status not in (WishStatus.PENDING, WishStatus.OPEN):
        raise _status_error(wish)
    before = snapshot(wish, LOGGED)
    wish.status = WishStatus.WITHDRAWN
    _save(user, wish, before, "status")
    return wish


@transaction.atomic
def review_wish(user, wish_id, *, approve, note=""):
    """审核: staff of the wish's community put it on the wall or refuse it with a reason."""
    errors = {}
    note = text(errors, "note", note, 200, required=not approve, label=_("未通过的原因"))
    if errors:
        raise ValidationError(errors)
    wish = Wish.objects.restrict(user, "change").select_for_update().get(pk=wish_id)
    if wish.status != WishStatus.PENDING:
        raise _status_error(wish)
    before = snapshot(wish, LOGGED)
    wish.status = WishStatus.OPEN if approve else WishStatus.REJECTED
    wish.review_note, wish.reviewed_at, wish.reviewed_by = note, clock.now(), user
    _save(user, wish, before, "status", "review_note", "reviewed_at", "reviewed_by")
    return wish


def _claim(user, wish, kind, name, *, volunteer=None, team=None, partner=None):
    if wish.status != WishStatus.OPEN:
        raise ValidationError(_("这个心愿已被认领或不在认领中。"))
    before = snapshot(wish, LOGGED)
    wish.status, wish.claimer_kind, wish.claimer_name = WishStatus.CLAIMED, kind, name
    wish.claimer_volunteer, wish.claimer_team, wish.claimer_partner = volunteer, team, partner
    wish.claimed_by, wish.claimed_at = user, clock.now()
    _save(
        user,
        wish,
        before,
        "status",
        "claimer_kind",
        "claimer_name",
        "claimer_volunteer",
        "claimer_team",
        "claimer_partner",
        "claimed_by",
        "claimed_at",
    )
    return wish


@transaction.atomic
def claim_wish(user, wish_id, *, for_team=False):
    """认领: a verified volunteer claims a wish of their community's wall, for themself or (when
    they belong to one) for their team."""
    volunteer = selectors.verified_volunteer(user)
    visible = selectors.wall(user).values("pk")
    wish = Wish.objects.select_for_update().get(pk=wish_id, pk__in=visible)
    if volunteer is None:
        raise ValidationError(_("通过社区审核的志愿者才能认领心愿。"))
    if wish.author_id == user.pk:
        raise ValidationError(_("不能认领自己的心愿。"))
    if for_team:
        if volunteer.team is None:
            raise ValidationError(_("您还没有加入志愿队伍。"))
        return _claim(user, wish, ClaimerKind.TEAM, volunteer.team.name, volunteer=volunteer, team=volunteer.team)
    return _claim(user, wish, ClaimerKind.VOLUNTEER, mask_name(user.display_name), volunteer=volunteer)


@transaction.atomic
def claim_for_partner(user, wish_id, *, kind, name):
    """Staff record that an enterprise or organisation claimed a wish of their subtree."""
    errors = {}
    name = text(errors, "name", name, 100, required=True, label=_("单位名称"))
    if kind not in PartnerKind.values:
        errors["kind"] = _("选项不正确。")
    if errors:
        raise ValidationError(errors)
    wish = Wish.objects.restrict(user, "change").select_for_update().get(pk=wish_id)
    if wish.status != WishStatus.OPEN:
        raise ValidationError(_("这个心愿已被认领或不在认领中。"))
    partner, _created = Partner.objects.get_or_create(region_code=wish.region_code, kind=kind, name=name)
    return _claim(user, wish, kind, name, partner=partner)


def _store_photo(upload):
    from civicgrid.cases import uploads

    if upload is None:
        raise ValidationError({"photo": _("请上传一张心愿实现的照片。")})
    try:
        item = uploads.check_photo(upload)
    except uploads.UploadError as error:
        raise ValidationError({"photo": error.message}) from None
    storage, now = uploads.attachment_storage(), clock.now()
    stem = f"wishes/{now:%Y/%m}/{secrets.token_hex(16)}"
    name = storage.save(f"{stem}.{item.extension}", ContentFile(item.content))
    thumb = storage.save(f"{stem}-thumb.{item.extension}", ContentFile(uploads.thumbnail_bytes(item.content)))
    return storage, name, thumb, item.content_type


@transaction.atomic
def fulfil_wish(user, wish_id, *, photo, note=""):
    """实现: the one who claimed it (or staff, for a partner's claim) uploads a photo; the author is
    asked to confirm."""
    errors = {}
    note = text(errors, "note", note, 300)
    if errors:
        raise ValidationError(errors)
    wish = Wish.objects.select_for_update().filter(pk=wish_id, claimed_by=user).first()
    if wish is None:
        wish = Wish.objects.restrict(user, "change").select_for_update().get(pk=wish_id)
    if wish.status != WishStatus.CLAIMED:
        raise _status_error(wish)
    storage, name, thumb, content_type = _store_photo(photo)
    try:
        before = snapshot(wish, LOGGED)
        wish.photo, wish.photo_thumb, wish.photo_type = name, thumb, content_type
        wish.status, wish.fulfil_note, wish.fulfilled_at = WishStatus.FULFILLED, note, clock.now()
        _save(user, wish, before, "photo", "photo_thumb", "photo_type", "status", "fulfil_note", "fulfilled_at")
    except Exception:
        storage.delete(name)
        storage.delete(thumb)
        raise
    events.publish(
        events.MessageSent(
            user_ids=(wish.author_id,),
            title=_("您的心愿已实现：%(title)s") % {"title": wish.title},
            body=_("请查看照片并确认。"),
            url=reverse("volunteers:wish", args=[wish.pk]),
            topic="volunteers",
        )
    )
    return wish


def _claimer_id(wish):
    return {
        ClaimerKind.VOLUNTEER: wish.claimer_volunteer_id,
        ClaimerKind.TEAM: wish.claimer_team_id,
        ClaimerKind.ENTERPRISE: wish.claimer_partner_id,
        ClaimerKind.ORGANISATION: wish.claimer_partner_id,
    }[wish.claimer_kind]


@transaction.atomic
def confirm_wish(user, wish_id):
    """确认实现: the author confirms; WishFulfilled names whoever claimed it."""
    wish = Wish.objects.select_for_update().get(pk=wish_id, author=user)
    if wish.status != WishStatus.FULFILLED:
        raise _status_error(wish)
    before = snapshot(wish, LOGGED)
    wish.status, wish.confirmed_at = WishStatus.CONFIRMED, clock.now()
    _save(user, wish, before, "status", "confirmed_at")
    events.publish(
        WishFulfilled(
            wish_id=wish.pk,
            region_code=wish.region_code,
            claimer_kind=wish.claimer_kind,
            claimer_id=_claimer_id(wish),
            claimer_user_id=wish.claimed_by_id,
            at=wish.confirmed_at,
        )
    )
    return wish


@transaction.atomic
def give_feedback(user, wish_id, *, stars, comment=""):
    """评价: the author of a confirmed wish rates the volunteer who fulfilled it (once)."""
    errors = {}
    comment = text(errors, "comment", comment, 300, public=True)
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        errors["stars"] = _("请选择 1 到 5 星。")
    if errors:
        raise ValidationError(errors)
    wish = Wish.objects.select_for_update().get(pk=wish_id, author=user)
    if wish.status != WishStatus.CONFIRMED or wish.claimer_volunteer_id is None:
        raise ValidationError(_("心愿实现并确认后，才能评价认领的志愿者。"))
    if Feedback.objects.filter(wish=wish).exists():
        raise ValidationError(_("您已经评价过了。"))
    feedback = Feedback.objects.create(
        volunteer_id=wish.claimer_volunteer_id,
        wish=wish,
        author=user,
        stars=stars,
        comment=comment,
        created_at=clock.now(),
        region_code=wish.region_code,
    )
    record_change(user, feedback, ObjectChange.Action.CREATE, None, {"stars": stars, "wish": wish.pk})
    volunteer = wish.claimer_volunteer
    events.publish(
        FeedbackGiven(
            feedback_id=feedback.pk,
            volunteer_id=volunteer.pk,
            user_id=volunteer.user_id,
            stars=stars,
            region_code=wish.region_code,
        )
    )
    return feedback
