"""The write path: save a draft (with its files), publish (or send for approval, or schedule),
approve, withdraw, pin, mark read, remind the unread, and the scheduled publishing job.

State changes are conditional updates on (status, version): two people acting on one notice at once
cannot both win (the second is told it changed). Every write records the change log."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core import background, changelog, events
from civicgrid.core.models import ObjectChange
from civicgrid.core.text import has_forbidden
from civicgrid.notices import conf, files, selectors
from civicgrid.notices import events as notice_events
from civicgrid.notices.models import Kind, Notice, NoticeRead, Status

EDITABLE = (Status.DRAFT, Status.PENDING, Status.SCHEDULED)
LOGGED = ("region_code", "kind", "title", "status", "audience_roles", "audience_tag_id", "pinned", "publish_at")


def _snapshot(notice):
    data = {name: getattr(notice, name) for name in LOGGED}
    data["publish_at"] = notice.publish_at.isoformat() if notice.publish_at else None
    return data


def _check_text(errors, field, value, limit, label):
    if not value or not value.strip():
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif len(value) > limit:
        errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit}
    elif has_forbidden(value):
        errors[field] = _("包含不可见的控制字符，请删除后再提交。")


def _changed_elsewhere():
    return ValidationError(_("这条通知刚被其他人修改或处理过，请刷新后再试。"), code="stale")


@transaction.atomic
def save_notice(
    user,
    notice,
    *,
    region,
    kind,
    title,
    body,
    audience_roles=(),
    audience_tag=None,
    publish_at=None,
    pinned=False,
    photos=(),
    media=(),
    remove_files=(),
    version=None,
):
    """Add (`notice.pk` None) or edit a notice that is not published yet. Refused (nothing written):
    a node outside the user's writing scope (PermissionDenied), bad input (ValidationError)."""
    adding = notice.pk is None
    if not adding:
        if not selectors.staff_notices(user, "change").filter(pk=notice.pk).exists():
            raise PermissionDenied
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status not in EDITABLE:
            raise ValidationError(_("已发布或已撤回的通知不能再修改。"), code="state")
        if version is not None and int(version) != notice.version:
            raise _changed_elsewhere()
    if region is None or not selectors.places(user).filter(pk=region.pk).exists():
        raise PermissionDenied
    errors = {}
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    _check_text(errors, "title", title, 100, _("标题"))
    _check_text(errors, "body", body, conf.get("NOTICES_BODY_MAX"), _("正文"))
    if kind not in Kind.values:
        errors["kind"] = _("请选择类别。")
    roles = [str(r) for r in audience_roles or ()]
    allowed = {str(r) for r in selectors.AUDIENCE_ROLES}
    if any(r not in allowed for r in roles):
        errors["audience_roles"] = _("请选择有效的面向角色。")
    if audience_tag is not None and not selectors.audience_tags(user).filter(pk=audience_tag.pk).exists():
        errors["audience_tag"] = _("请选择有效的面向人群。")
    now = timezone.now()
    if publish_at is not None and publish_at <= now:
        errors["publish_at"] = _("定时发布时间须晚于现在。")
    if errors:
        raise ValidationError(errors)
    checked = files.check(photos, media, existing=[] if adding else notice.files.exclude(pk__in=remove_files))
    before = None if adding else _snapshot(notice)
    if adding:
        notice.author = user
    notice.region = region
    notice.region_code = region.code
    notice.kind = kind
    notice.title = title
    notice.body = body
    notice.audience_roles = f",{','.join(sorted(set(roles)))}," if roles else ""
    notice.audience_tag = audience_tag
    notice.publish_at = publish_at
    notice.pinned = bool(pinned)
    if not adding:
        notice.version = F("version") + 1
        if notice.status != Status.DRAFT:
            notice.status = Status.DRAFT  # an edited notice goes through publishing (and approval) again
    notice.save()
    notice.refresh_from_db()
    if not adding and remove_files:
        files.remove(notice, remove_files)
    files.store(notice, checked, user)
    if adding:
        changelog.record_change(user, notice, ObjectChange.Action.CREATE, after=_snapshot(notice))
    else:
        changelog.record_change(user, notice, ObjectChange.Action.UPDATE, before, _snapshot(notice))
    return notice


def _move(notice, user, frm, note, **values):
    """Conditional update from the states `frm` (and the version the caller saw): one writer wins."""
    before = _snapshot(notice)
    changed = Notice.objects.filter(pk=notice.pk, status__in=frm, version=notice.version).update(
        version=F("version") + 1, **values
    )
    if not changed:
        raise _changed_elsewhere()
    notice.refresh_from_db()
    changelog.record_change(user, notice, ObjectChange.Action.UPDATE, before, _snapshot(notice), note)
    return notice


def _go_live(notice, user, frm, note, **extra):
    now = timezone.now()
    if notice.publish_at and notice.publish_at > now:
        return _move(notice, user, frm, note, status=Status.SCHEDULED, **extra)
    notice = _move(notice, user, frm, note, status=Status.PUBLISHED, published_at=now, **extra)
    _announce(notice)
    return notice


def _announce(notice):
    events.publish(
        notice_events.NoticePublished(
            notice_id=notice.pk,
            region_code=notice.region_code,
            kind=notice.kind,
            title=notice.title,
            audience_roles=tuple(notice.roles),
            audience_tag=notice.audience_tag.code if notice.audience_tag_id else "",
            published_at=notice.published_at.isoformat(),
        )
    )
    # The inbox for a small audience: on the worker after the commit, or the delivery job's next run
    # (never in the publishing request: messaging a few thousand accounts takes seconds).
    background.after_commit("civicgrid.notices.delivery.announce", notice.pk, in_process=False)


def _get(user, notice, action):
    found = selectors.staff_notices(user, action).filter(pk=notice.pk).first()
    if found is None:
        raise PermissionDenied
    return found


def _keep_version(found, notice):
    if getattr(notice, "version", None) is not None and notice.version != found.version:
        raise _changed_elsewhere()
    return found


@transaction.atomic
def publish_notice(user, notice):
    """发布: a draft goes live (or is scheduled); where approval is configured it waits for a second
    staff member instead."""
    found = _keep_version(_get(user, notice, "change"), notice)
    if found.status != Status.DRAFT:
        raise ValidationError(_("只有草稿可以发布。"), code="state")
    if found.publish_at and found.publish_at <= timezone.now():
        raise ValidationError({"publish_at": _("定时发布时间须晚于现在。")})
    if conf.approval_required(found.region_code):
        return _move(found, user, (Status.DRAFT,), _("提交审核"), status=Status.PENDING)
    return _go_live(found, user, (Status.DRAFT,), _("发布"))


@transaction.atomic
def approve_notice(user, notice):
    """审核通过: by a staff member other than the author who may approve on the notice's node or
    above it. Two approvers at once: one wins, the other is told it changed."""
    found = _keep_version(_get(user, notice, "approve"), notice)
    if found.status != Status.PENDING:
        raise ValidationError(_("这条通知不在待审核状态。"), code="state")
    if found.author_id == user.pk:
        raise ValidationError(_("不能审核自己撰写的通知，请由另一位工作人员审核。"), code="self")
    return _go_live(found, user, (Status.PENDING,), _("审核通过"), approved_by=user, approved_at=timezone.now())


@transaction.atomic
def return_notice(user, notice):
    """退回: a notice waiting for approval goes back to its author as a draft."""
    found = _keep_version(_get(user, notice, "approve"), notice)
    if found.status != Status.PENDING:
        raise ValidationError(_("这条通知不在待审核状态。"), code="state")
    return _move(found, user, (Status.PENDING,), _("退回修改"), status=Status.DRAFT)


@transaction.atomic
def withdraw_notice(user, notice):
    found = _keep_version(_get(user, notice, "change"), notice)
    if found.status not in (Status.PENDING, Status.SCHEDULED, Status.PUBLISHED):
        raise ValidationError(_("这条通知不能撤回。"), code="state")
    found = _move(
        found,
        user,
        (Status.PENDING, Status.SCHEDULED, Status.PUBLISHED),
        _("撤回"),
        status=Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
        pinned=False,
    )
    events.publish(notice_events.NoticeWithdrawn(notice_id=found.pk, region_code=found.region_code, actor_id=user.pk))
    return found


@transaction.atomic
def pin_notice(user, notice, pinned=True):
    found = _keep_version(_get(user, notice, "change"), notice)
    if found.status in (Status.WITHDRAWN,):
        raise ValidationError(_("已撤回的通知不能置顶。"), code="state")
    if found.pinned == bool(pinned):
        return found
    return _move(found, user, tuple(Status.values), _("置顶") if pinned else _("取消置顶"), pinned=bool(pinned))


def mark_read(user, notice):
    """The reader opened `notice`: their receipt, once (a second opening, or two tabs at once, write
    nothing more). Returns True when this opening wrote it."""
    if not user.is_authenticated:
        return False
    try:
        with transaction.atomic():
            NoticeRead.objects.create(notice=notice, user=user, region_code=notice.region_code)
            events.publish(
                notice_events.NoticeRead(notice_id=notice.pk, region_code=notice.region_code, user_id=user.pk)
            )
    except IntegrityError:
        return False
    return True


@transaction.atomic
def remind_unread(user, notice):
    """提醒未读: a message to every account of the audience that has not opened the notice (sent after
    the commit, in batches, through the inbox). At most once per NOTICES_REMIND_MINUTES."""
    found = _get(user, notice, "change")
    if found.status != Status.PUBLISHED:
        raise ValidationError(_("只有已发布的通知可以提醒未读。"), code="state")
    now = timezone.now()
    since = now - timedelta(minutes=conf.get("NOTICES_REMIND_MINUTES"))
    recent = Notice.objects.filter(pk=found.pk, reminded_at__gt=since).exists()
    if recent or not Notice.objects.filter(pk=found.pk, status=Status.PUBLISHED).exclude(reminded_at__gt=since).update(
        reminded_at=now
    ):
        raise ValidationError(
            _("%(n)d 分钟内已提醒过，请稍后再试。") % {"n": conf.get("NOTICES_REMIND_MINUTES")}, code="recent"
        )
    changelog.record_change(
        user, found, ObjectChange.Action.UPDATE, {"reminded_at": None}, {"reminded_at": now.isoformat()}, _("提醒未读")
    )
    background.after_commit("civicgrid.notices.delivery.remind", found.pk, in_process=False)
    return True


def publish_due(now=None):
    """The periodic job (publish_due_notices): scheduled notices whose time has come go live."""
    now = now or timezone.now()
    published = 0
    for pk in list(
        Notice.objects.filter(status=Status.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at")
        .values_list("pk", flat=True)[:500]
    ):
        with transaction.atomic():
            notice = Notice.objects.filter(pk=pk, status=Status.SCHEDULED).first()
            if notice is None:
                continue
            try:
                _move(notice, None, (Status.SCHEDULED,), _("定时发布"), status=Status.PUBLISHED, published_at=now)
            except ValidationError:
                continue  # withdrawn or edited meanwhile
            notice.refresh_from_db()
            _announce(notice)
            published += 1
    return f"published {published} scheduled notices"
