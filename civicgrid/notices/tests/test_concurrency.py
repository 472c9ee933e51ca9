"""Two approvers at once: exactly one wins; two openings of one notice at once: one receipt.
PostgreSQL only (SQLite serialises all writers with one database lock)."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone as django_timezone

from civicgrid.cases.tests.test_concurrency import race
from civicgrid.core import events
from civicgrid.core.models import ObjectChange
from civicgrid.notices import actions
from civicgrid.notices.models import Notice, NoticeRead, Status
from civicgrid.notices.tests.conftest import published, write

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)


def test_two_approvers_at_once_exactly_one_wins(transactional_db, world, monkeypatch, settings):
    settings.NOTICES_APPROVAL_REQUIRED = True
    notice = actions.publish_notice(world.community, write(world))
    assert notice.status == Status.PENDING
    changes = ObjectChange.objects.count()
    results = race(
        monkeypatch,
        lambda: actions.approve_notice(world.street, Notice.objects.get(pk=notice.pk)),
        lambda: actions.approve_notice(world.community2, Notice.objects.get(pk=notice.pk)),
        linger=(django_timezone, "now"),
    )
    winners = [r for r in results if isinstance(r, Notice)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, results
    stored = Notice.objects.get(pk=notice.pk)
    assert stored.status == Status.PUBLISHED and stored.approved_by_id == winners[0].approved_by_id
    assert stored.version == notice.version + 1
    assert ObjectChange.objects.count() == changes + 1


def test_two_openings_at_once_write_one_receipt(transactional_db, world, monkeypatch):
    notice = published(world)
    results = race(
        monkeypatch,
        lambda: actions.mark_read(world.resident, notice),
        lambda: actions.mark_read(world.resident, notice),
        linger=(events, "publish"),  # the first holds its new row, uncommitted, half a second
    )
    assert sorted(results) == [False, True], results
    assert NoticeRead.objects.filter(notice=notice, user=world.resident).count() == 1
