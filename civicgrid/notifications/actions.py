"""Turning a case Notice into inbox rows and channel deliveries.

`deliver_case_event` listens to every case event (civicgrid.cases.events) after the commit of the
action that published it, and delivers the notices the workflow attached (docs/architecture.md). It resolves the recipients
(named users, the staff of departments, everyone holding a role on a unit), leaves out whoever did
the action, writes one Notification per recipient, and hands the external channels to Celery.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicgrid.accounts.models import RoleAssignment
from civicgrid.accounts.roles import DEPARTMENT_ROLES
from civicgrid.cases import access
from civicgrid.cases import notifications as case_notices
from civicgrid.core import background
from civicgrid.notifications import channels
from civicgrid.notifications.models import DeliveryMode, Kind, Notification, NotificationPreference

logger = logging.getLogger("civicgrid.notifications")

# Notes a follower hears (the public timeline's: the handler's reply, the reason for rejection).
PUBLIC_NOTE_TYPES = access.PUBLIC_NOTE_TYPES

BODIES = {
    Kind.NEW_CASE: _("新案件待受理立案。"),
    Kind.ASSIGNED: _("案件已派遣给您或您的单位，请及时签收处置。"),
    Kind.RETURNED: _("处置单位退回了案件，请重新派遣。"),
    Kind.RECALLED: _("案件超时未办结，已由上级收回重新派遣，您无需再处置。"),
    Kind.REWORK: _("核查未通过，请返工处置。"),
    Kind.AWAITING_VERIFICATION: _("案件已处置完毕，请现场核查。"),
    Kind.AWAITING_CLOSURE: _("案件已核查通过，请结案。"),
    Kind.CLOSED: _("您关注的案件已办结，欢迎对办理结果进行评价。"),
    Kind.REJECTED: _("您上报的问题未予立案。"),
    Kind.SUPERVISED: _("案件被督办，请加快办理。"),
    Kind.SUSPENDED: _("案件已挂账。"),
    Kind.APPROVAL_NEEDED: _("有待您审批的申请。"),
    Kind.DECIDED: _("您的申请已审批。"),
    Kind.MERGED: _("您上报的问题已并入另一件案件办理，办理进展将继续通知您。"),
    Kind.NEAR_DUE: _("当前环节即将超期（黄灯），请尽快办理。"),
    Kind.OVERDUE: _("当前环节已超期（红灯），请立即办理。"),
    Kind.ACCEPTED: _("您反映的问题已受理，我们会尽快安排处理。"),
    Kind.DISPATCHED: _("您反映的问题已交给负责的单位处理。"),
    Kind.HANDLED: _("您反映的问题已处理，待核查后结案。"),
}


def recipients(notice, exclude=()):
    """Active users the Notice names: its users, the staff of its departments, its units' members."""
    condition = Q(pk__in=[u for u in notice.users if u])
    if notice.departments:
        condition |= Q(
            pk__in=RoleAssignment.objects.active()
            # Whoever works the department's cases: its staff, a property company's staff.
            .filter(role__in=DEPARTMENT_ROLES, department_id__in=[d for d in notice.departments if d])
            .values("user_id")
        )
    for role, region_id in notice.units:
        condition |= Q(pk__in=RoleAssignment.objects.active().filter(role=role, region_id=region_id).values("user_id"))
    users = get_user_model().objects.filter(condition, is_active=True).exclude(pk__in=[u for u in exclude if u])
    return list(users.order_by("pk"))


def _title(kind, case, public=False):
    from civicgrid.cases.access import public_title

    label = Kind(kind).label if kind in Kind.values else kind
    if case is None:
        return str(label)
    return f"{label}：{case.number} {public_title(case) if public else case.title}"[:200]


def _follows_only(user, case):
    from civicgrid.cases.access import Reading, reading

    return reading(user, case) < Reading.REPORTER


def notify(notice, *, actor_id=None, note="", now=None, title=None, body=None):
    """Write the inbox rows for `notice` and send them on each recipient's channels (or keep them for
    the digest, as each recipient chose). The only writer of Notification rows. `title` and `body`
    replace the kind's own (a warning's message). Returns the rows."""
    from civicgrid.cases.models import Case, CaseEvent

    case = (
        Case.objects.select_related("category", "community").filter(pk=notice.case_id).first()
        if notice.case_id
        else None
    )
    event_type = ""
    if notice.event_id:
        event = CaseEvent.objects.filter(pk=notice.event_id).values("actor_id", "note", "type").first()
        if event:
            event_type = event["type"]
            if actor_id is None:
                actor_id, note = event["actor_id"], note or event["note"]
    now = now or timezone.now()
    base = str(BODIES.get(notice.kind, "")) if body is None else body
    rows = []
    for user in recipients(notice, exclude=(actor_id,)):
        # Someone named for a case they only follow (a merged duplicate's reporter) hears of its
        # public version: its public title, and only a public note (cases.access).
        public = case is not None and user.pk in notice.users and _follows_only(user, case)
        shown_note = note if not public or event_type in PUBLIC_NOTE_TYPES else ""
        rows.append(
            Notification(
                recipient=user,
                kind=notice.kind,
                case=case,
                event_id=notice.event_id,
                title=title[:200] if title is not None else _title(notice.kind, case, public=public),
                body=f"{base}\n{shown_note}" if base and shown_note else shown_note or base,
                created_at=now,
            )
        )
    Notification.objects.bulk_create(rows)
    forget_unread([row.recipient_id for row in rows])
    if rows:
        _send_instant(rows)
    return rows


def deliver_case_event(event):
    """Subscribed to every case event (civicgrid.cases.events), after the commit: tell whoever the
    workflow named. One failing notice must not keep the others from going out."""
    for notice in event.notices:
        try:
            notify(notice)
        except Exception:
            logger.exception("notice %s for case %s failed", notice.kind, notice.case_id)
    # The reporter hears of acceptance, dispatch and handling too, with only a public note (the
    # handler's reply), never the staff's internal remarks.
    try:
        progress = case_notices.progress_notices(event)
        note = (event.row.note if event.row is not None else "") if event.type in PUBLIC_NOTE_TYPES else ""
        for notice in progress:
            notify(notice, actor_id=event.actor_id or 0, note=note)
    except Exception:
        logger.exception("progress notice for case %s failed", event.case_id)


MESSAGE_BATCH = 2000


def deliver_message(event):
    """Subscribed to core.events.MessageSent, after the commit: one inbox row per active user named
    (in batches, so a long list stays flat in memory), sent on each user's channels."""
    User = get_user_model()
    link = event.url if _is_local_path(event.url) else ""
    ids = sorted({int(pk) for pk in event.user_ids if pk})
    now = timezone.now()
    written = []
    for start in range(0, len(ids), MESSAGE_BATCH):
        users = User.objects.filter(pk__in=ids[start : start + MESSAGE_BATCH], is_active=True)
        rows = [
            Notification(
                recipient=user,
                kind=Kind.MESSAGE,
                title=str(event.title)[:200],
                body=str(event.body),
                link=link,
                created_at=now,
            )
            for user in users
        ]
        Notification.objects.bulk_create(rows)
        forget_unread([row.recipient_id for row in rows])
        if rows:
            _send_instant(rows)
        written.extend(rows)
    return written


def _is_local_path(url):
    return isinstance(url, str) and url.startswith("/") and not url.startswith("//") and len(url) <= 300


def link_for(row, user_id):
    """Where an inbox row leads its recipient: its own link, else its case's page."""
    return row.link or case_url(row.case, user_id)


def preference_for(user):
    pref = getattr(user, "_notification_pref", None)
    if pref is None:
        pref = NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)
        user._notification_pref = pref
    return pref


def channels_for(user, kind, pref=None):
    """The external channels `user` gets `kind` on: their choice, else every enabled one they can use."""
    pref = pref or preference_for(user)
    enabled = channels.enabled_channels()
    chosen = pref.channels.get(kind) if isinstance(pref.channels, dict) else None
    names = enabled if chosen is None else [c for c in chosen if c in enabled]
    return [name for name in names if channels.get(name).available_for(user)]


def _send_instant(rows):
    from civicgrid.notifications.tasks import send_via_channel

    prefs = {
        p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=[row.recipient_id for row in rows])
    }
    for row in rows:
        pref = prefs.get(row.recipient_id) or NotificationPreference(user=row.recipient)
        if pref.mode == DeliveryMode.DIGEST:
            continue
        for name in channels_for(row.recipient, row.kind, pref):
            try:
                send_via_channel.delay(name, row.recipient_id, [row.pk])
            except Exception:
                # Eager mode re-raises after the last retry; the inbox row stands regardless.
                logger.exception("channel %s failed for notification %s", name, row.pk)


def case_url(case, user_id=None):
    """The case's page for the recipient: the reporter's own page, else the staff page."""
    if case is None:
        return ""
    names = [("cases:staff_detail", case.number)]
    if user_id is not None and (user_id == case.reporter_id or _follower(user_id, case)):
        # The reporter's own page; for a follower, the public version on the same page.
        names.insert(0, ("cases:my_report", case.number))
    for name, arg in names:
        try:
            return reverse(name, args=[arg])
        except NoReverseMatch:
            continue
    return ""


def _follower(user_id, case):
    from civicgrid.cases.models import CaseParticipant

    return CaseParticipant.objects.filter(
        case=case, user_id=user_id, role=CaseParticipant.Role.FOLLOWER, is_active=True
    ).exists()


def messages_for(notification_ids):
    rows = Notification.objects.filter(pk__in=notification_ids).select_related("case").order_by("created_at", "pk")
    return [
        {
            "id": row.pk,
            "kind": row.kind,
            "title": row.title,
            "body": row.body,
            "case": row.case.number if row.case_id else None,
            "url": link_for(row, row.recipient_id),
            "created_at": row.created_at.isoformat(),
        }
        for row in rows
    ]


def mark_read(user, notification_id, now=None):
    """Mark one of `user`'s notifications read; returns it, or None if it is not theirs."""
    row = Notification.objects.filter(recipient=user, pk=notification_id).select_related("case").first()
    if row is not None and row.read_at is None:
        row.read_at = now or timezone.now()
        row.save(update_fields=["read_at"])
        forget_unread([user.pk])
    return row


def mark_all_read(user, now=None):
    count = Notification.objects.filter(recipient=user).unread().update(read_at=now or timezone.now())
    forget_unread([user.pk])
    return count


UNREAD_TTL = 60  # seconds; every change of a user's inbox also drops the cached count


def _unread_key(user_id):
    return f"notifications:unread:{user_id}"


def unread_count(user):
    """The navbar badge: cached, so an ordinary page costs no query for it."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user).unread().count()
        cache.set(key, count, UNREAD_TTL)
    return count


def forget_unread(user_ids):
    cache.delete_many([_unread_key(pk) for pk in set(user_ids)])


def queue_case_event(event):
    """Subscribed to every case event after the commit: hand the notices to the worker when a broker
    is configured (the request returns at once), else deliver them here (civicgrid.core.background)."""
    if not background.broker_configured():
        deliver_case_event(event)
        return
    background.dispatch("civicgrid.notifications.actions.deliver_case_event_message", (event_message(event),))


def event_message(event):
    """A case event as JSON values (what a broker carries); `event_from_message` turns it back."""
    from dataclasses import asdict, fields

    data = {f.name: getattr(event, f.name) for f in fields(event) if f.name not in ("case", "row", "notices")}
    data["at"] = event.at.isoformat()
    data["notices"] = [asdict(notice) for notice in event.notices]
    return {"class": f"{type(event).__module__}.{type(event).__qualname__}", "fields": data}


def event_from_message(message):
    from datetime import datetime

    from django.utils.module_loading import import_string

    from civicgrid.cases.events import CaseEventRecorded
    from civicgrid.cases.models import CaseEvent

    cls = import_string(message["class"])
    if not (isinstance(cls, type) and issubclass(cls, CaseEventRecorded)):
        raise ValueError(f"not a case event: {message['class']!r}")
    data = dict(message["fields"])
    data["at"] = datetime.fromisoformat(data["at"])
    data["notices"] = tuple(
        case_notices.Notice(
            **{
                **n,
                "users": tuple(n.get("users", ())),
                "departments": tuple(n.get("departments", ())),
                "units": tuple(tuple(u) for u in n.get("units", ())),
            }
        )
        for n in data["notices"]
    )
    data["row"] = CaseEvent.objects.filter(pk=data["event_id"]).first()
    return cls(**data)


@background.task
def deliver_case_event_message(message):
    """The worker's side of `queue_case_event`."""
    deliver_case_event(event_from_message(message))
