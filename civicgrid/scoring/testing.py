"""Scoring objects for the site-wide scope walk (civicgrid/site/tests): one side's grid worker
scored for a patrol in the side's grid, and the side's department scored for a case in it."""

from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from civicgrid.core import events
from civicgrid.gridwork.events import PatrolEnded
from civicgrid.scoring import ledger
from civicgrid.scoring.models import Kind


def scope_objects(grid_worker, department, grid, patrol_id):
    now = timezone.now()
    with transaction.atomic():
        events.publish(
            PatrolEnded(
                patrol_id=patrol_id,
                user_id=grid_worker.pk,
                grid_code=grid.code,
                started_at=now - timezone.timedelta(hours=2),
                ended_at=now,
                seconds=7200,
                coverage=0.6,
                checkins=1,
            )
        )
        ledger.record(
            kind=Kind.DEPARTMENT,
            metric="dept_handled_on_time",
            source="cases.case",
            source_id=f"walk-{patrol_id}",
            at=now,
            region_code=grid.code,
            department_id=department.pk,
        )
    return SimpleNamespace(worker=grid_worker, department=department)
