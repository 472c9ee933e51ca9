"""Builders for tests elsewhere (the scope walk): one side's grid work, made through the actions."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from civicgrid.gridwork import actions
from civicgrid.gridwork.models import KeyPlace, Patrol, Target, VisitPlan


def track(grid, first_seq, count, start):
    return [
        {
            "seq": first_seq + i,
            "at": (start + timedelta(seconds=20 * i)).isoformat(),
            "lat": grid.centroid_lat + 0.00005 * i,
            "lng": grid.centroid_lon + 0.00005 * i,
        }
        for i in range(count)
    ]


def scope_objects(staff, nodes, house):
    """The side's grid worker's open patrol (a few points) on grid G with a key place; a visit to
    `house`; the community's visit plan; the street's door-to-door task over the street's houses
    (its target for `house`)."""
    worker, community, street = staff["grid"], staff["community"], staff["street"]
    grid = nodes.G
    place = KeyPlace.objects.create(
        grid=grid, region_code=grid.code, name="重点部位", lat=grid.centroid_lat, lng=grid.centroid_lon, radius_m=80
    )
    patrol = actions.start_patrol(worker, key="walk")
    started = timezone.now() - timedelta(minutes=30)
    Patrol.objects.filter(pk=patrol.pk).update(started_at=started)
    patrol.refresh_from_db()
    actions.add_points(worker, patrol.pk, track(grid, 1, 5, started + timedelta(minutes=1)))
    visit = actions.log_visit(worker, house.pk, purpose="routine", notes="走访")
    plan = actions.save_plan(
        community, VisitPlan(), name="独居老人走访", region=nodes.C, tag_code="elderly_alone", every_days=7
    )
    task = actions.create_task(
        street,
        title="消防排查",
        region=nodes.S,
        fields=[{"label": "人数", "type": "number", "required": True}],
        target_kind="houses",
        deadline=timezone.now() + timedelta(days=5),
    )
    target = Target.objects.get(task=task, house=house)
    return SimpleNamespace(patrol=patrol, place=place, visit=visit, plan=plan, task=task, target=target, house=house)
