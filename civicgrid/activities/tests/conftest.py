"""A small world for activity tests: the region tree, community staff on S1C1 and on S1C2 (the
neighbour), street staff on S1, residents of S1C1 (three) and of S1C2 (one), and helpers that create
and publish an activity."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.activities import actions
from civicgrid.activities.models import Activity
from civicgrid.regions import locator
from civicgrid.testing import build_tree, make_user


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world():
    tree = build_tree()
    locator.invalidate()
    people = SimpleNamespace(
        community=make_user("community", Role.COMMUNITY_STAFF, tree["S1C1"]),
        neighbour_staff=make_user("neighbour_staff", Role.COMMUNITY_STAFF, tree["S1C2"]),
        street=make_user("street", Role.STREET_STAFF, tree["S1"]),
        grid=make_user("grid", Role.GRID_WORKER, tree["S1C1G1"]),
        resident=make_user("resident", Role.RESIDENT, tree["S1C1"], phone="13800000001"),
        resident2=make_user("resident2", Role.RESIDENT, tree["S1C1"], phone="13800000002"),
        resident3=make_user("resident3", Role.RESIDENT, tree["S1C1"], phone="13800000003"),
        outsider=make_user("outsider", Role.RESIDENT, tree["S1C2"], phone="13800000009"),
    )
    return SimpleNamespace(tree=tree, people=people)


@pytest.fixture
def world(db):
    return build_world()


def activity_fields(world, **overrides):
    starts = timezone.now() + timedelta(days=2)
    fields = {
        "title": "邻里文化节",
        "description": "唱歌、书法。",
        "region": world.tree["S1C1"],
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "place": "社区广场",
        "lat": 34.72,
        "lng": 113.62,
        "capacity": 2,
        "signup_deadline": starts - timedelta(hours=1),
        "min_age": None,
        "max_age": None,
        "tag_code": "",
    }
    fields.update(overrides)
    return fields


def published(world, by=None, **overrides):
    by = by or world.people.community
    activity = actions.save_activity(by, Activity(), **activity_fields(world, **overrides))
    return actions.publish_activity(by, activity.pk)


def running(world, **overrides):
    """A published activity that started ten minutes ago (check-in open)."""
    from civicgrid.activities.models import Activity as Model

    activity = published(world, **overrides)
    starts = timezone.now() - timedelta(minutes=10)
    Model.objects.filter(pk=activity.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=2), signup_deadline=starts - timedelta(minutes=1)
    )
    activity.refresh_from_db()
    return activity
