"""The pages: residents' (list, detail, sign-up, my codes, the venue code's URL) and staff's (list,
create, detail with counts, venue screen, finish, summary and photos); out of scope answers 404 and
changes nothing; bad input never answers 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civicgrid.activities import actions
from civicgrid.activities.models import Activity, Enrolment, EnrolmentStatus, Status
from civicgrid.activities.tests.conftest import published, running
from civicgrid.activities.tests.test_actions import state


def client_for(client, user):
    client.force_login(user)
    return client


def test_resident_pages(world, client):
    p = world.people
    activity = published(world, title="包饺子活动")
    c = client_for(client, p.resident)
    page = c.get(reverse("activities:list"))
    assert page.status_code == 200 and "包饺子活动" in page.content.decode()
    detail = c.get(reverse("activities:detail", args=[activity.pk]))
    assert detail.status_code == 200 and "报名参加" in detail.content.decode()
    response = c.post(reverse("activities:sign_up", args=[activity.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.get(user=p.resident).status == EnrolmentStatus.CONFIRMED
    mine = c.get(reverse("activities:mine")).content.decode()
    assert "data-personal-code" in mine and "data-short-code" in mine
    c.post(reverse("activities:cancel_sign_up", args=[activity.pk]))
    assert Enrolment.objects.get(user=p.resident).status == EnrolmentStatus.CANCELLED


def test_resident_of_another_community_gets_404_and_nothing_changes(world, client):
    p = world.people
    activity = published(world)
    c = client_for(client, p.outsider)
    before = state()
    assert c.get(reverse("activities:detail", args=[activity.pk])).status_code == 404
    assert c.post(reverse("activities:sign_up", args=[activity.pk])).status_code == 404
    assert c.post(reverse("activities:enter_code", args=[activity.pk]), {"code": "123456"}).status_code == 404
    assert c.get(reverse("activities:checkin", args=[actions.venue_code(activity)])).status_code == 404
    assert c.post(reverse("activities:checkin", args=[actions.venue_code(activity)])).status_code == 404
    assert state() == before
    assert "邻里文化节" not in c.get(reverse("activities:list")).content.decode()


def test_venue_url_checks_in_by_button(world, client):
    p = world.people
    activity = running(world)
    actions_enrolment = Enrolment.objects.create(
        activity=activity,
        user=p.resident,
        status="confirmed",
        queued_at=timezone.now(),
        region_code=activity.region_code,
    )
    c = client_for(client, p.resident)
    url = reverse("activities:checkin", args=[actions.venue_code(activity)])
    page = c.get(url)
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    assert Enrolment.objects.get(pk=actions_enrolment.pk).checked_in_at is None  # a GET writes nothing
    assert c.post(url).status_code == 302
    assert Enrolment.objects.get(pk=actions_enrolment.pk).checked_in_at is not None
    forged = c.get(reverse("activities:checkin", args=["1:abc:def"]))
    assert forged.status_code == 400 and "签到码无效" in forged.content.decode()


def test_staff_create_publish_and_see_counts(world, client):
    p = world.people
    c = client_for(client, p.community)
    assert c.get(reverse("activities:create")).status_code == 200
    starts = timezone.localtime() + timedelta(days=3)
    data = {
        "title": "社区义诊",
        "description": "量血压",
        "region": world.tree["S1C1"].pk,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "signup_deadline": (starts - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "活动室",
        "lat": "34.72",
        "lng": "113.62",
        "capacity": "0",
    }
    bad = c.post(reverse("activities:create"), data)
    assert bad.status_code == 400 and not Activity.objects.exists()
    bad = c.post(reverse("activities:create"), {**data, "capacity": "5", "title": "坏\x00"})
    assert bad.status_code == 400 and not Activity.objects.exists()
    bad = c.post(reverse("activities:create"), {**data, "capacity": "5", "starts_at": "not a date"})
    assert bad.status_code == 400 and not Activity.objects.exists()
    response = c.post(reverse("activities:create"), {**data, "capacity": "5"})
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.organiser == p.community and activity.status == Status.DRAFT
    c.post(reverse("activities:publish", args=[activity.pk]))
    assert Activity.objects.get(pk=activity.pk).status == Status.PUBLISHED
    actions.sign_up(p.resident, activity.pk)
    page = c.get(reverse("activities:staff_detail", args=[activity.pk])).content.decode()
    assert 'data-count="confirmed">1<' in page and p.resident.display_name in page
    listing = c.get(reverse("activities:manage")).content.decode()
    assert "社区义诊" in listing


def test_staff_pages_out_of_scope(world, client):
    p = world.people
    activity = published(world)
    before = state()
    for user, code in ((p.neighbour_staff, 404), (p.resident, 404), (p.grid, 404)):
        c = client_for(client, user)
        assert c.get(reverse("activities:staff_detail", args=[activity.pk])).status_code == code
        assert c.get(reverse("activities:venue", args=[activity.pk])).status_code == code
        assert c.get(reverse("activities:edit", args=[activity.pk])).status_code == code
        for name in ("publish", "cancel", "finish", "summary", "venue"):
            assert c.post(reverse(f"activities:{name}", args=[activity.pk]), {"code": "1"}).status_code == code, name
    assert client_for(client, p.resident).get(reverse("activities:manage")).status_code == 404
    assert state() == before


def test_venue_screen_and_staff_check_in(world, client):
    p = world.people
    activity = running(world)
    enrolment = Enrolment.objects.create(
        activity=activity,
        user=p.resident,
        status="confirmed",
        queued_at=timezone.now(),
        region_code=activity.region_code,
    )
    c = client_for(client, p.community)
    page = c.get(reverse("activities:venue", args=[activity.pk])).content.decode()
    assert "/activities/checkin/" in page and 'id="venue-short-code"' in page
    bad = c.post(reverse("activities:venue", args=[activity.pk]), {"code": "forged-code"})
    assert bad.status_code == 400 and "签到码无效" in bad.content.decode()
    ok = c.post(reverse("activities:venue", args=[activity.pk]), {"code": actions.personal_code(enrolment)})
    assert ok.status_code == 302
    assert Enrolment.objects.get(pk=enrolment.pk).checked_in_by == p.community


def test_finish_summary_and_photos(world, client):
    from civicgrid.cases.tests.media_files import jpeg

    p = world.people
    activity = running(world)
    c = client_for(client, p.community)
    c.post(reverse("activities:finish", args=[activity.pk]), {"summary": "圆满结束"})
    activity.refresh_from_db()
    assert activity.status == Status.FINISHED and activity.summary == "圆满结束"
    c.post(reverse("activities:summary", args=[activity.pk]), {"summary": "补充", "photos": [jpeg()]})
    activity.refresh_from_db()
    assert activity.summary == "补充" and activity.photos.count() == 1
    photo = activity.photos.get()
    assert c.get(reverse("activities:photo_thumb", args=[photo.pk])).status_code == 200
    # Residents of the community see it; others do not.
    assert client_for(client, p.resident).get(reverse("activities:photo", args=[photo.pk])).status_code == 200
    assert client_for(client, p.outsider).get(reverse("activities:photo", args=[photo.pk])).status_code == 404


@pytest.mark.parametrize("code", ["", "\x00", "x" * 5000, "12345", "１２３４５６"])
def test_odd_codes_never_answer_500(world, client, code):
    p = world.people
    activity = running(world)
    c = client_for(client, p.resident)
    assert c.post(reverse("activities:enter_code", args=[activity.pk]), {"code": code}).status_code == 302
    staff = client_for(client, p.community)
    assert staff.post(reverse("activities:venue", args=[activity.pk]), {"code": code}).status_code == 400
