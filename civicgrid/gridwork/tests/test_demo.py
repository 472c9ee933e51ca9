"""The demo shows grid work: a month of patrols (tracks inside the grid, most about the 2-hour norm,
some short) with check-ins and a few findings, visits (some under the elderly plan), one finished and
one running door-to-door task with part of the forms filled; seeding again adds nothing."""

import random
import time

import pytest
from django.core.management import call_command

from civicgrid.core.demo import DemoRun
from civicgrid.gridwork import demo
from civicgrid.gridwork.models import (
    CheckIn,
    Finding,
    KeyPlace,
    Patrol,
    PatrolStatus,
    Target,
    Task,
    TaskStatus,
    TrackPoint,
    Visit,
)
from civicgrid.regions.models import Level, Region
from civicgrid.scoring.models import ScoreEntry

pytestmark = pytest.mark.django_db

MODELS = (Patrol, TrackPoint, KeyPlace, CheckIn, Finding, Visit, Task, Target)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "filled": Target.objects.filter(filled_at__isnull=False).count()
    }


def test_demo_has_a_month_of_grid_work_and_a_second_run_adds_nothing(monkeypatch, capsys):
    seed, took = demo.seed_demo, []

    def timed(run):
        started = time.monotonic()
        try:
            return seed(run)
        finally:
            took.append(time.monotonic() - started)

    monkeypatch.setattr(demo, "seed_demo", timed)
    call_command("seed_demo", "--scale", "small", "--seed", "7")
    monkeypatch.undo()
    with capsys.disabled():
        print(f"\ngridwork demo seeder: {took[0]:.1f}s")
    patrols = Patrol.objects.all()
    assert patrols.count() >= 100 and not patrols.filter(status=PatrolStatus.ACTIVE).exists()
    days = {p.started_at.date() for p in patrols}
    assert len(days) >= 25
    norm = patrols.filter(seconds__gte=6000).count()
    short = patrols.filter(seconds__lt=5400).count()
    assert norm > short > 0
    assert all(p.points > 10 and p.coverage > 0 for p in patrols)
    assert CheckIn.objects.exists() and KeyPlace.objects.exists()
    assert 0 < Finding.objects.count() <= 6
    assert Visit.objects.filter(plan__isnull=False, purpose="care").exists()
    assert Visit.objects.filter(plan__isnull=True).exists()
    closed = Task.objects.get(status=TaskStatus.CLOSED)
    running = Task.objects.get(status=TaskStatus.OPEN)
    for task in (closed, running):
        task.refresh_from_db()
        assert 0 < task.done < task.targets
    # The scoring listeners heard the events (they run in the transaction, also in quiet()).
    assert ScoreEntry.objects.filter(source__startswith="gridwork.").exists()
    before = _counts()
    district = Region.objects.get(level=Level.DISTRICT)
    run = DemoRun(scale="small", seed=7, rng=random.Random(7), stdout=None, made={"district": district})
    demo.seed_demo(run)
    assert _counts() == before
