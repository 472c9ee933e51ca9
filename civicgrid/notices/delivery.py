"""How a published notice reaches people beyond "my notices" and the home screen's badge.

The choice (docs/users.md, "通知公告"): publishing writes nothing per reader. After the commit,
`announce` counts the audience up to NOTICES_INBOX_MAX + 1 accounts (one indexed, limited query);
a small, targeted audience (a grid's workers, the elderly living alone of a community) also gets an
inbox message (core.events.MessageSent — the notifications app writes the rows, sends them on each
user's channels and puts them in the daily digest of those who chose it). A large audience (a whole
street's residents) is not messaged: they see the notice, with its unread badge, on their home
screen. "Remind the unread" (`remind`) messages every unread account of the audience, in batches.

Both are handed to the worker after the commit when a broker is configured; the periodic job
`deliver_notices` (every minute) runs whatever is still due, so without a broker (the embedded
default) and after a broker outage the messages go out within a minute, never in the publishing
request. Each claims its notice with a conditional update, so a message goes out once.
"""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core import background, events
from civicgrid.notices import conf, selectors
from civicgrid.notices.models import Notice, Status

BATCH = 5000


def _url(notice):
    from django.urls import reverse

    return reverse("notices:read", args=[notice.pk])


def _message(notice, ids, title):
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            events.publish(
                events.MessageSent(
                    user_ids=tuple(ids[start : start + BATCH]),
                    title=title,
                    body=notice.body[:200],
                    url=_url(notice),
                    topic="notices",
                )
            )


@background.task
def announce(notice_id):
    """Inbox messages for a small audience; returns how many accounts were messaged."""
    claimed = Notice.objects.filter(pk=notice_id, status=Status.PUBLISHED, announced_at__isnull=True).update(
        announced_at=timezone.now()
    )
    notice = Notice.objects.filter(pk=notice_id).first() if claimed else None
    if notice is None:
        return 0
    limit = conf.get("NOTICES_INBOX_MAX")
    ids = selectors.audience_user_ids(notice, limit=limit + 1)
    if len(ids) > limit:
        return 0
    ids = [pk for pk in ids if pk != notice.author_id]
    if not ids:
        return 0
    _message(notice, ids, _("【%(kind)s】%(title)s") % {"kind": notice.get_kind_display(), "title": notice.title})
    return len(ids)


@background.task
def remind(notice_id):
    """A reminder to every unread account of the audience; returns how many."""
    claimed = _reminders_due().filter(pk=notice_id).update(reminder_sent_at=timezone.now())
    notice = Notice.objects.filter(pk=notice_id).first() if claimed else None
    if notice is None:
        return 0
    ids = selectors.unread_user_ids(notice)
    _message(notice, ids, _("【提醒】请阅读：%(title)s") % {"title": notice.title})
    return len(ids)


def _reminders_due():
    return Notice.objects.filter(status=Status.PUBLISHED, reminded_at__isnull=False).filter(
        Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=F("reminded_at"))
    )


def deliver_due():
    """The periodic job (deliver_notices): the inbox step of every published notice not announced yet,
    and every reminder asked for and not sent."""
    announced = [
        announce(pk)
        for pk in Notice.objects.filter(status=Status.PUBLISHED, announced_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    ]
    reminded = [remind(pk) for pk in _reminders_due().order_by("pk").values_list("pk", flat=True)[:50]]
    return f"announced {len(announced)} notices ({sum(announced)} messages), {len(reminded)} reminders"
