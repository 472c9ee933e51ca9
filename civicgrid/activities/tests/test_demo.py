"""The demo shows activities: in each demo community a finished one (check-ins and no-shows, a
summary) and coming ones with sign-ups, one of them full with a waitlist."""

import pytest
from django.core.management import call_command

from civicgrid.activities.models import Activity, Enrolment, EnrolmentStatus, Status

pytestmark = pytest.mark.django_db


def test_demo_has_past_and_future_activities_with_sign_ups():
    call_command("seed_demo", "--scale", "small", "--seed", "7")
    # The community's own (volunteer shifts, another app's kind, are seeded by that app).
    finished = Activity.objects.filter(status=Status.FINISHED, kind="community")
    coming = Activity.objects.filter(status=Status.PUBLISHED, kind="community")
    assert finished.exists() and coming.count() == 2 * finished.count()
    assert Enrolment.objects.filter(activity__in=finished, checked_in_at__isnull=False).exists()
    assert Enrolment.objects.filter(activity__in=finished, no_show=True).exists()
    assert Enrolment.objects.filter(activity__in=coming, status=EnrolmentStatus.WAITLISTED).exists()
    assert all(a.summary for a in finished)
    for activity in Activity.objects.all():
        confirmed = activity.enrolments.filter(status=EnrolmentStatus.CONFIRMED).count()
        assert activity.seats_taken == confirmed <= activity.capacity
