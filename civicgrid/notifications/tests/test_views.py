"""The inbox: a user sees and changes only their own notifications."""

import pytest
from django.urls import reverse
from django.utils import timezone

from civicgrid.notifications.models import Kind, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def note(user, title="派遣：2026-000001 楼道杂物"):
    return Notification.objects.create(recipient=user, kind=Kind.ASSIGNED, title=title, created_at=timezone.now())


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.people.grid)
    return client


def test_inbox_lists_only_my_notifications_and_the_badge(signed_in, world):
    mine = note(world.people.grid, "我的消息")
    note(world.people.community, "别人的消息")
    page = signed_in.get(reverse("notifications:inbox"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "我的消息" in text and "别人的消息" not in text
    assert 'id="notification-badge"' in text and ">1</span>" in text
    signed_in.post(reverse("notifications:mark_read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None
    badge = signed_in.get(reverse("notifications:badge")).content.decode()
    assert "badge rounded-pill" not in badge


def test_another_users_notification_is_404_and_unchanged(signed_in, world):
    theirs = note(world.people.community)
    response = signed_in.post(reverse("notifications:mark_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_mine(signed_in, world):
    note(world.people.grid)
    note(world.people.grid)
    theirs = note(world.people.community)
    signed_in.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=world.people.grid, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_is_post_only_and_needs_login(client, world):
    row = note(world.people.grid)
    assert client.post(reverse("notifications:mark_read", args=[row.pk])).status_code == 302  # to login
    row.refresh_from_db()
    assert row.read_at is None


def test_preferences_form_saves(signed_in, world, settings):
    settings.NOTIFICATIONS_CHANNELS = ["console", "email"]
    assert signed_in.get(reverse("notifications:preferences")).status_code == 200
    data = {"mode": "digest", f"kind_{Kind.ASSIGNED}": ["email"]}
    response = signed_in.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world.people.grid)
    assert pref.mode == "digest"
    assert pref.channels[Kind.ASSIGNED] == ["email"] and pref.channels[Kind.OVERDUE] == []


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(signed_in, world):
    from civicgrid.cases.tests.conftest import make_case

    case = make_case(world)
    row = Notification.objects.create(
        recipient=world.people.grid, kind=Kind.ASSIGNED, case=case, title="派遣", created_at=timezone.now()
    )
    response = signed_in.post(reverse("notifications:mark_read", args=[row.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:staff_detail", args=[case.number])
    row.refresh_from_db()
    assert row.read_at is not None
