from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civicgrid.cases.tests.media_files import jpeg
from civicgrid.core import events
from civicgrid.core.models import ObjectChange
from civicgrid.notices import actions, delivery, selectors
from civicgrid.notices import events as notice_events
from civicgrid.notices.models import Kind, Notice, NoticeFile, NoticeRead, Status
from civicgrid.notices.tests.conftest import published, write
from civicgrid.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(Notice.objects.order_by("pk").values()),
        NoticeRead.objects.count(),
        NoticeFile.objects.count(),
        ObjectChange.objects.count(),
    )


def test_draft_publish_read_happy_path(world, django_capture_on_commit_callbacks):
    seen = []
    events.subscribe(notice_events.NoticePublished, seen.append, phase=events.IN_TRANSACTION)
    try:
        notice = write(world, photos=[jpeg()])
        assert notice.status == Status.DRAFT and notice.files.count() == 1
        assert selectors.unread_count(world.resident) == 0
        with django_capture_on_commit_callbacks(execute=True):
            notice = actions.publish_notice(world.community, notice)
        assert not Notification.objects.exists()  # not in the publishing request
        with django_capture_on_commit_callbacks(execute=True):
            assert "announced 1 notices (4 messages)" in delivery.deliver_due()
        assert "announced 0 notices" in delivery.deliver_due()  # once
    finally:
        events.unsubscribe(notice_events.NoticePublished, seen.append, phase=events.IN_TRANSACTION)
    assert notice.status == Status.PUBLISHED and notice.published_at
    assert [e.notice_id for e in seen] == [notice.pk]
    assert selectors.unread_count(world.resident) == 1
    assert selectors.unread_count(world.grid) == 1  # staff below the node are in the audience
    assert selectors.unread_count(world.stranger) == 0
    assert actions.mark_read(world.resident, notice) is True
    assert actions.mark_read(world.resident, notice) is False  # once
    assert selectors.unread_count(world.resident) == 0
    assert selectors.unread_count(world.neighbour) == 1
    # Small audience: the inbox got a message for each account but the author.
    assert Notification.objects.filter(recipient=world.resident, link=f"/notices/{notice.pk}/").exists()
    assert not Notification.objects.filter(recipient=world.community).exists()


def test_audience_roles_and_levels(world):
    only_residents = published(world, audience_roles=["resident"])
    street_wide = published(world, world.street, world.tree["S1"], title="街道通知")
    workers = published(world, audience_roles=["grid_worker"], title="网格员会议")
    assert set(selectors.mine(world.resident)) == {only_residents, street_wide}
    assert set(selectors.mine(world.grid)) == {street_wide, workers}
    assert set(selectors.mine(world.stranger)) == set()
    assert selectors.unread_count(world.resident) == 2


def test_tag_audience_reaches_only_tagged_residents(world):
    from civicgrid.people.actions import set_tags
    from civicgrid.people.testing import add_person, ensure_tags, make_building

    ensure_tags()
    house = make_building(world.tree["S1C1G1M1"]).houses.order_by("pk").first()
    person = add_person(world.community, house, name="王奶奶", phone="13800000011")
    set_tags(world.community, person, ["elderly_alone"])
    tag = selectors.audience_tags().get(code="elderly_alone")
    notice = published(world, audience_tag=tag, title="上门走访")
    assert list(selectors.mine(world.resident)) == [notice]
    assert list(selectors.mine(world.neighbour)) == []
    assert list(selectors.mine(world.grid)) == []
    assert selectors.audience_user_ids(notice) == [world.resident.pk]
    r = selectors.receipts(notice)
    assert (r["audience"], r["read"], r["unread"]) == (1, 0, 1)


def test_receipts_counts_and_masked_unread_list(world):
    notice = published(world, audience_roles=["resident"])
    actions.mark_read(world.resident, notice)
    r = selectors.receipts(notice)
    assert (r["audience"], r["read"], r["unread"]) == (2, 1, 1)
    assert r["unread_people"] == [{"name": "n********", "phone": "138****0012"}]
    assert r["by_role"][0][1:] == (2, 1)


def test_scheduled_publishing_job(world):
    notice = write(world, publish_at=timezone.now() + timedelta(hours=1))
    notice = actions.publish_notice(world.community, notice)
    assert notice.status == Status.SCHEDULED
    assert selectors.unread_count(world.resident) == 0
    actions.publish_due(now=timezone.now())
    assert Notice.objects.get(pk=notice.pk).status == Status.SCHEDULED
    actions.publish_due(now=timezone.now() + timedelta(hours=2))
    assert Notice.objects.get(pk=notice.pk).status == Status.PUBLISHED
    assert selectors.unread_count(world.resident) == 1


def test_approval_by_a_second_staff_member(world, settings):
    settings.NOTICES_APPROVAL_REGIONS = [world.tree["S1"].code]
    notice = actions.publish_notice(world.community, write(world))
    assert notice.status == Status.PENDING
    with pytest.raises(ValidationError):
        actions.approve_notice(world.community, notice)  # not one's own
    with pytest.raises(PermissionDenied):
        actions.approve_notice(world.other_community, notice)  # another community
    notice = actions.approve_notice(world.street, notice)  # a higher node
    assert notice.status == Status.PUBLISHED and notice.approved_by == world.street


def test_withdraw_pin_and_remind(world, django_capture_on_commit_callbacks):
    notice = published(world)
    notice = actions.pin_notice(world.community, notice, True)
    assert notice.pinned
    actions.mark_read(world.resident, notice)
    delivery.deliver_due()  # the publishing's own messages
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        actions.remind_unread(world.community, notice)
    with django_capture_on_commit_callbacks(execute=True):
        assert "1 reminders" in delivery.deliver_due()
    assert "0 reminders" in delivery.deliver_due()
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert world.neighbour.pk in told and world.resident.pk not in told
    with pytest.raises(ValidationError):
        actions.remind_unread(world.community, notice)  # not twice within the hour
    notice = actions.withdraw_notice(world.community, Notice.objects.get(pk=notice.pk))
    assert notice.status == Status.WITHDRAWN and not notice.pinned
    assert selectors.unread_count(world.neighbour) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "停水\x00通知"}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"body": "正文\x07"}, "body"),
        ({"body": "字" * 20001}, "body"),
        ({"kind": "ad"}, "kind"),
        ({"audience_roles": ["system_admin"]}, "audience_roles"),
        ({"publish_at": timezone.now() - timedelta(minutes=1)}, "publish_at"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(world, fields, field):
    before = _state()
    with pytest.raises(ValidationError) as caught:
        write(world, **fields)
    assert field in caught.value.message_dict
    assert _state() == before


def test_bad_file_is_refused_and_writes_nothing(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = _state()
    with pytest.raises(ValidationError) as caught:
        write(world, photos=[SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script>", "image/jpeg")])
    assert "photos" in caught.value.message_dict
    with pytest.raises(ValidationError):
        write(world, media=[SimpleUploadedFile("x.mp4", b"MZ\x90\x00" * 10, "video/mp4")])
    assert _state() == before


def test_permissions_change_nothing(world):
    notice = write(world)
    before = _state()
    # Another community's staff, a resident, the operator (read only): refused.
    for user in (world.other_community, world.resident, world.operator):
        with pytest.raises(PermissionDenied):
            actions.publish_notice(user, notice)
        with pytest.raises(PermissionDenied):
            actions.withdraw_notice(user, notice)
        with pytest.raises(PermissionDenied):
            actions.save_notice(user, notice, region=world.tree["S1C1"], kind=Kind.NOTICE, title="改", body="改")
    # Writing for a node outside one's subtree.
    with pytest.raises(PermissionDenied):
        write(world, world.grid, world.tree["S1C1"])
    with pytest.raises(PermissionDenied):
        write(world, world.community, world.tree["S2C1"])
    assert _state() == before


def test_edit_draft_with_stale_version_is_refused(world):
    notice = write(world)
    actions.save_notice(
        world.community, notice, region=world.tree["S1C1"], kind=Kind.NEWS, title="新标题", body="正文", version=1
    )
    before = _state()
    with pytest.raises(ValidationError):
        actions.save_notice(
            world.community2, notice, region=world.tree["S1C1"], kind=Kind.NEWS, title="旧", body="正文", version=1
        )
    assert _state() == before
