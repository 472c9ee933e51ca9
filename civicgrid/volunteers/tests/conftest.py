"""A small world for volunteering tests: the activities world (staff on S1C1, the neighbour's staff
on S1C2, street staff on S1, residents of S1C1 and one of S1C2), with the S1C1 residents and the
outsider known to base data (a person with their phone), and helpers for teams, shifts, wishes."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from civicgrid.activities.models import Activity
from civicgrid.activities.tests.conftest import build_world
from civicgrid.core import events
from civicgrid.volunteers import actions
from civicgrid.volunteers.models import Project, Team


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return make_world()


def make_world():
    from civicgrid.people.testing import add_person, make_building

    world = build_world()
    p = world.people
    houses = list(make_building(world.tree["S1C1G1M1"], code="B1").houses.order_by("pk"))
    for i, user in enumerate([p.resident, p.resident2, p.resident3]):
        add_person(p.community, houses[i % len(houses)], name=user.username, id_number=None, phone=user.phone)
    other = make_building(world.tree["S1C2G1M1"], code="B2").houses.order_by("pk").first()
    add_person(p.neighbour_staff, other, name="outsider", id_number=None, phone=p.outsider.phone)
    return world


def volunteer(world, user, verify=True, team=None):
    v = actions.register(user, skills=["elderly"], availability=["weekend_am"], team_id=team.pk if team else None)
    if verify:
        v = actions.review_volunteer(world.people.community, v.pk, approve=True)
    return v


def team(world, region="S1C1", by=None, **extra):
    data = {"name": f"{region}志愿分队", "service_items": ["助老"], "posts": ["联络员"]}
    data.update(extra)
    return actions.save_team(by or world.people.community, Team(), region=world.tree[region], **data)


def project(world, region="S1C1", by=None):
    return actions.save_project(by or world.people.community, Project(), title="关爱老人", region=world.tree[region])


def shift(world, capacity=2, region="S1C1", by=None):
    starts = timezone.now() + timedelta(days=2)
    proj = project(world, region, by)
    return actions.add_shift(
        by or world.people.community,
        proj.pk,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        signup_deadline=starts - timedelta(hours=1),
        place="服务站",
        capacity=capacity,
    )


def start(shift_row):
    """Move the shift so it started ten minutes ago (check-in open)."""
    starts = timezone.now() - timedelta(minutes=10)
    Activity.objects.filter(pk=shift_row.activity_id).update(
        starts_at=starts, ends_at=starts + timedelta(hours=2), signup_deadline=starts - timedelta(minutes=1)
    )


def open_wish(world, author=None, title="想要一台收音机"):
    wish = actions.post_wish(author or world.people.resident3, title=title, description="听戏")
    return actions.review_wish(world.people.community, wish.pk, approve=True)


@contextmanager
def capture():
    """The events published inside the block (every kind, in the publishing transaction)."""
    seen = []
    events.subscribe(events.DomainEvent, seen.append, phase=events.IN_TRANSACTION)
    try:
        yield seen
    finally:
        events.unsubscribe(events.DomainEvent, seen.append, phase=events.IN_TRANSACTION)
