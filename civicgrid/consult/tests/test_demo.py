"""The demo seeder: an open and a closed poll with votes (result published), a round-table meeting
with minutes and a task and a case decision; the demo resident may vote in the open poll."""

import io
import random

import pytest
from django.core.management import call_command

from civicgrid.accounts.models import Role
from civicgrid.consult import demo, selectors
from civicgrid.consult.models import Decision, Meeting, Poll, PollStatus
from civicgrid.core.demo import DemoRun
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_polls_votes_and_a_meeting(world, voters):
    make_user("shequ", Role.COMMUNITY_STAFF, world.tree["S1C1"])
    jumin = make_user("jumin", Role.RESIDENT, world.tree["S1C1"], phone=demo.DEMO_RESIDENT_PHONE)
    line = demo.seed_demo(DemoRun(scale="small", seed=1, rng=random.Random(1), stdout=io.StringIO()))
    assert "1 round-table meeting" in line
    closed = Poll.objects.get(status=PollStatus.CLOSED)
    assert closed.results_published and closed.ballot_count >= 2
    opened = Poll.objects.get(status=PollStatus.OPEN)
    assert selectors.voter_view(opened, jumin)[0] is None  # eligible
    meeting = Meeting.objects.get()
    assert meeting.minutes and Decision.objects.filter(meeting=meeting, case__isnull=False).exists()
    call_command("check_poll_counts", stdout=io.StringIO())
