"""The demo shows compound governance: criteria, parties, ledgers (open and closed items), a
confirmed rise, the street's target, and the demo resident's compound's renovation with its poll
and fund ledger; a second run changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from civicgrid.compounds import demo, selectors
from civicgrid.compounds.models import (
    Party,
    Payment,
    Pledge,
    RectificationItem,
    RenovationProject,
    RiseStatus,
    StarCriterion,
    StarRise,
    StreetTarget,
)

pytestmark = pytest.mark.django_db


def test_the_demo_shows_governance_and_a_renovation_the_demo_resident_can_open():
    call_command("seed_demo", "--scale", "small", "--seed", "7")
    assert StarCriterion.objects.filter(level=1).exists()
    assert Party.objects.exists() and RectificationItem.objects.filter(status="closed").exists()
    assert RectificationItem.objects.filter(status="open").exists()
    assert StarRise.objects.filter(status=RiseStatus.CONFIRMED).count() == 1 and StreetTarget.objects.exists()
    project = RenovationProject.objects.get()
    assert project.poll_id and Pledge.objects.filter(project=project).exists() and Payment.objects.exists()
    resident = get_user_model().objects.get(username="jumin")
    assert selectors.resident_project(resident, project.pk) == project
    counts = (Party.objects.count(), Pledge.objects.count(), StarRise.objects.count())
    assert demo.seed_demo(None) == "compounds: already seeded"
    assert (Party.objects.count(), Pledge.objects.count(), StarRise.objects.count()) == counts
