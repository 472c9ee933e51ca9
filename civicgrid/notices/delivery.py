"""How a published notice reaches people beyond "my notices" and the home screen's badge.

The choice (docs/users.md, "通知公告"): publishing writes nothing per reader. After the commit,
`announce` counts the audience up to NOTICES_INBOX_MAX + 1 accounts (one indexed, limited query);
a small, targeted audience (a grid's workers, the elderly living alone of a community) also gets an
inbox message (core.events.MessageSent — the notifications app writes the rows, sends them on each
user's channels and puts them in the daily digest of those who chose it). A large audience (a whole
street's residents) is not messaged: they see the notice, with its unread badge, on their home
screen. "Remind the unread" (`remind`) messages every unread account of the audience, in batches.

Both run as background calls (civicgrid.core.background): on the worker when a broker is
configured, otherwise after the commit in the process that published.
"""

from django.db import transaction
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
    notice = Notice.objects.filter(pk=notice_id, status=Status.PUBLISHED).first()
    if notice is None:
        return 0
    limit = conf.get("NOTICES_INBOX_MAX")
    ids = selectors.audience_user_ids(notice, limit=limit + 1)
    ids = [pk for pk in ids if pk != notice.author_id]
    if not ids or len(ids) > limit:
        return 0
    _message(notice, ids, _("【%(kind)s】%(title)s") % {"kind": notice.get_kind_display(), "title": notice.title})
    return len(ids)


@background.task
def remind(notice_id):
    """A reminder to every unread account of the audience; returns how many."""
    notice = Notice.objects.filter(pk=notice_id, status=Status.PUBLISHED).first()
    if notice is None:
        return 0
    ids = selectors.unread_user_ids(notice)
    _message(notice, ids, _("【提醒】请阅读：%(title)s") % {"title": notice.title})
    return len(ids)
