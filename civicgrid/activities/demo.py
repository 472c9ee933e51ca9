"""Demo activities: in every community of the demo district, a finished one last week (with
check-ins and no-shows, a summary) and two coming ones with sign-ups (one full, with a waitlist)."""

from datetime import timedelta
from unittest import mock

from django.utils import timezone

from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.activities import actions
from civicgrid.core import clock, events
from civicgrid.regions.models import Level, Region

TITLES = [
    ("邻里文化节", "社区广场", "唱歌、书法、手工展示，欢迎全家参加。"),
    ("老年人健康讲座", "社区活动室", "社区医生讲解冬季慢病防治，现场免费测血压。"),
    ("垃圾分类志愿宣传", "小区东门", "向居民发放分类指南，讲解投放时间。"),
]


def _staff_and_residents(community):
    assignments = RoleAssignment.objects.active().filter(region=community).select_related("user")
    staff = [a.user for a in assignments if a.role == Role.COMMUNITY_STAFF]
    residents = [a.user for a in assignments if a.role == Role.RESIDENT]
    return (staff[0] if staff else None), residents


def seed_demo(run):
    district = run.made.get("district")
    communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True)
    if district is not None:
        communities = communities.filter(code__startswith=district.code)
    made = 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with events.quiet():
        for community in communities.order_by("code")[:40]:
            organiser, residents = _staff_and_residents(community)
            if organiser is None or not residents:
                continue
            lat, lng = community.centroid_lat, community.centroid_lon
            # Last week: signed up, checked in (all but one), finished with a summary.
            past_start = now - timedelta(days=7)
            with mock.patch.object(clock, "now", lambda at=past_start - timedelta(days=3): at):
                past = _create(organiser, community, TITLES[0], past_start, len(residents) + 5, lat, lng)
                actions.publish_activity(organiser, past.pk)
                for resident in residents:
                    actions.sign_up(resident, past.pk)
            with mock.patch.object(clock, "now", lambda at=past_start + timedelta(minutes=10): at):
                for enrolment in past.enrolments.all()[: max(len(residents) - 1, 1)]:
                    actions.check_in(organiser, enrolment.pk, "staff")
            with mock.patch.object(clock, "now", lambda at=past_start + timedelta(hours=3): at):
                actions.finish_activity(organiser, past.pk, summary="活动顺利举行，居民参与热情高。")
            # Coming: one with seats left, one full with a waitlist.
            soon = _create(organiser, community, TITLES[1], now + timedelta(days=3), 30, lat, lng)
            actions.publish_activity(organiser, soon.pk)
            for resident in residents[:2]:
                actions.sign_up(resident, soon.pk)
            full = _create(
                organiser, community, TITLES[2], now + timedelta(days=5), max(len(residents) - 1, 1), lat, lng
            )
            actions.publish_activity(organiser, full.pk)
            for resident in residents:
                actions.sign_up(resident, full.pk)
            made += 3
    return f"{made} activities"


def _create(organiser, community, texts, starts, capacity, lat, lng):
    from civicgrid.activities.models import Activity

    title, place, description = texts
    return actions.save_activity(
        organiser,
        Activity(),
        title=title,
        description=description,
        region=community,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place=place,
        lat=lat,
        lng=lng,
        capacity=capacity,
        signup_deadline=starts - timedelta(hours=2),
        min_age=None,
        max_age=None,
        tag_code="",
    )
