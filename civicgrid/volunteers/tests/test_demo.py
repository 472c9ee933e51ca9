"""The demo shows volunteering: teams, verified volunteers with confirmed hours, wishes on the wall."""

import pytest
from django.core.management import call_command

from civicgrid.volunteers.models import Team, Volunteer, VolunteerStatus, Wish, WishStatus

pytestmark = pytest.mark.django_db


def test_demo_has_teams_volunteers_hours_and_wishes():
    call_command("seed_demo", "--scale", "small", "--seed", "7")
    assert Team.objects.exists()
    verified = Volunteer.objects.filter(status=VolunteerStatus.VERIFIED)
    assert verified.exists() and all(v.hours_total > 0 for v in verified)
    statuses = set(Wish.objects.values_list("status", flat=True))
    assert {WishStatus.PENDING, WishStatus.OPEN, WishStatus.CONFIRMED} <= statuses
    assert Team.objects.count() == len(set(Team.objects.values_list("region_id", flat=True)))
