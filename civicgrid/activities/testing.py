"""Builders for tests elsewhere (the scope walk): one side's activities, made through the actions."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from civicgrid.activities import actions
from civicgrid.activities.models import Activity


def fields(region, *, starts=None, **overrides):
    starts = starts or timezone.now() + timedelta(days=2)
    data = {
        "title": f"{region.name} 活动",
        "description": "",
        "region": region,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "place": "社区广场",
        "lat": region.centroid_lat,
        "lng": region.centroid_lon,
        "capacity": 10,
        "signup_deadline": starts - timedelta(hours=1),
        "min_age": None,
        "max_age": None,
        "tag_code": "",
    }
    data.update(overrides)
    return data


def scope_objects(staff, resident, community):
    """A draft, a coming published activity (the resident not signed up), a running one (the resident
    signed up, not checked in) and a finished one with a photo, all for `community`."""
    from civicgrid.cases.tests.media_files import jpeg

    draft = actions.save_activity(staff, Activity(), **fields(community))
    coming = actions.publish_activity(staff, actions.save_activity(staff, Activity(), **fields(community)).pk)
    running = actions.publish_activity(staff, actions.save_activity(staff, Activity(), **fields(community)).pk)
    enrolment = actions.sign_up(resident, running.pk)
    started = timezone.now() - timedelta(minutes=10)
    Activity.objects.filter(pk=running.pk).update(
        starts_at=started, ends_at=started + timedelta(hours=3), signup_deadline=started - timedelta(minutes=5)
    )
    running.refresh_from_db()
    finished = actions.publish_activity(staff, actions.save_activity(staff, Activity(), **fields(community)).pk)
    Activity.objects.filter(pk=finished.pk).update(
        starts_at=started, ends_at=started + timedelta(hours=3), signup_deadline=started - timedelta(minutes=5)
    )
    actions.finish_activity(staff, finished.pk, summary="顺利")
    photo = actions.add_photos(staff, finished.pk, [jpeg()])[0]
    return SimpleNamespace(
        draft=draft, coming=coming, running=running, enrolment=enrolment, finished=finished, photo=photo
    )
