"""Messages other apps send (core.events.MessageSent): one inbox row per active user named, after
the commit only, leading to the local page named."""

import pytest
from django.db import transaction
from django.urls import reverse

from civicgrid.core import events
from civicgrid.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def send(committed, user_ids, url="/cases/", title="候补转正：周末义诊活动"):
    with committed(), transaction.atomic():
        events.publish(events.MessageSent(user_ids=tuple(user_ids), title=title, body="请准时参加。", url=url))


def test_a_message_reaches_each_named_active_user_once(world, committed):
    grid, community = world.people.grid, world.people.community
    community.is_active = False
    community.save(update_fields=["is_active"])
    send(committed, [grid.pk, grid.pk, community.pk])
    rows = list(Notification.objects.filter(kind=Kind.MESSAGE))
    assert [row.recipient_id for row in rows] == [grid.pk]
    assert rows[0].link == "/cases/" and rows[0].case_id is None and rows[0].body == "请准时参加。"


def test_a_rolled_back_change_tells_nobody(world, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        events.publish(events.MessageSent(user_ids=(world.people.grid.pk,), title="不应送达"))
        raise RuntimeError
    assert not Notification.objects.exists()


def test_only_a_local_path_becomes_the_link(world, committed):
    send(committed, [world.people.grid.pk], url="https://evil.example/")
    send(committed, [world.people.grid.pk], url="//evil.example/")
    assert set(Notification.objects.values_list("link", flat=True)) == {""}


def test_the_inbox_opens_the_message_link(client, world, committed):
    send(committed, [world.people.grid.pk], url="/notifications/preferences/")
    row = Notification.objects.get()
    client.force_login(world.people.grid)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "候补转正" in page and "查看案件" not in page
    answer = client.post(reverse("notifications:mark_read", args=[row.pk]), {"open": "1"})
    assert answer.status_code == 302 and answer["Location"] == "/notifications/preferences/"
    row.refresh_from_db()
    assert row.read_at is not None
