"""Reads of grid work, each starting from the user's scope."""

from datetime import timedelta

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from civicgrid.core import clock
from civicgrid.core.scoping import subtree_q
from civicgrid.gridwork import conf
from civicgrid.gridwork.models import (
    KeyPlace,
    Patrol,
    PatrolStatus,
    Target,
    Task,
    TaskStatus,
    TrackPoint,
    Visit,
    VisitPlan,
)


def day_bounds(day):
    start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    return start, start + timedelta(days=1)


def active_patrol(user):
    return Patrol.objects.filter(user=user, status=PatrolStatus.ACTIVE).select_related("grid").first()


def daily_time(user, days=7):
    """[(day, seconds, share of the norm)] for the worker's last `days` days, newest first."""
    today = timezone.localdate(clock.now())
    start, _end = day_bounds(today - timedelta(days=days - 1))
    totals = {}
    for started, seconds in Patrol.objects.filter(user=user, started_at__gte=start).values_list(
        "started_at", "seconds"
    ):
        day = timezone.localdate(started)
        totals[day] = totals.get(day, 0) + seconds
    norm = conf.get("GRIDWORK_DAILY_PATROL_SECONDS")
    rows = []
    for offset in range(days):
        day = today - timedelta(days=offset)
        seconds = totals.get(day, 0)
        rows.append(
            {
                "day": day,
                "seconds": seconds,
                "minutes": seconds // 60,
                "share": min(seconds / norm, 1.0),
                "met": seconds >= norm,
            }
        )
    return rows


def track(patrol, after=0):
    return list(
        TrackPoint.objects.filter(patrol=patrol, seq__gte=after).order_by("at", "seq").values_list("lat", "lng")
    )


def key_places(grid):
    return list(KeyPlace.objects.filter(grid=grid, is_active=True).order_by("name"))


def key_place_grids(user, permission):
    """The active grids of the user's subtree for `permission` (all for system-wide roles)."""
    from civicgrid.accounts.scopes import scope_codes
    from civicgrid.regions.models import Level, Region

    grids = Region.objects.filter(level=Level.GRID, is_active=True).defer("boundary").order_by("code")
    codes = scope_codes(user, permission)
    return grids if codes is None else grids.filter(subtree_q("code", codes))


def key_places_of(user, grid):
    """A grid's key places the user may see, switched-off ones last."""
    return list(KeyPlace.objects.restrict(user, "view").filter(grid=grid).order_by("-is_active", "name"))


def grid_boundary(grid):
    from civicgrid.regions.models import Region

    return Region.objects.filter(pk=grid.pk).values_list("boundary", flat=True).first()


def visible_patrol(user, pk):
    """A patrol the user may see: their own, or one in their gridwork.view_patrol scope."""
    own = Patrol.objects.filter(user=user, pk=pk).select_related("grid", "user").first()
    if own is not None:
        return own
    return Patrol.objects.restrict(user, "view").select_related("grid", "user").get(pk=pk)


def todays_patrols(user):
    """Today's patrols of the user's subtree (the supervisor's live map)."""
    start, end = day_bounds(timezone.localdate(clock.now()))
    return (
        Patrol.objects.restrict(user, "view")
        .filter(started_at__gte=start, started_at__lt=end)
        .select_related("user", "grid")
        .order_by("region_code", "started_at")
    )


def live_data(user, boundary_of):
    """The supervisor map's data: each of today's patrols with its track (thinned) and its grid."""
    live_after = clock.now() - timedelta(seconds=conf.get("GRIDWORK_LIVE_SECONDS"))
    patrols, grids = [], {}
    for patrol in todays_patrols(user)[:300]:
        points = track(patrol)
        step = max(1, len(points) // 300)
        points = points[::step] + ([points[-1]] if points and (len(points) - 1) % step else [])
        live = (
            patrol.status == PatrolStatus.ACTIVE
            and patrol.last_point_at is not None
            and patrol.last_point_at >= live_after
        )
        patrols.append(
            {
                "id": patrol.pk,
                "worker": patrol.user.display_name,
                "grid": patrol.grid.name,
                "grid_code": patrol.region_code,
                "status": patrol.get_status_display(),
                "active": patrol.status == PatrolStatus.ACTIVE,
                "live": live,
                "minutes": (patrol.seconds // 60) if patrol.status == PatrolStatus.ENDED else None,
                "coverage": patrol.coverage,
                "track": [[round(a, 6), round(b, 6)] for a, b in points],
            }
        )
        if patrol.region_code not in grids:
            grids[patrol.region_code] = {"name": patrol.grid.name, "boundary": boundary_of(patrol.grid_id)}
    return {"patrols": patrols, "grids": grids}


# --- Visits ---------------------------------------------------------------------------------


def visits_of_house(user, house):
    return Visit.objects.restrict(user, "view").filter(house=house).select_related("user", "person", "case")[:50]


def my_visits(user, limit=20):
    return Visit.objects.filter(user=user).select_related("house__building", "person")[:limit]


def plans(user):
    return VisitPlan.objects.restrict(user, "view").select_related("region")


def due_visits(user, limit=200):
    """Persons due for a visit under the active plans of the user's scope: [{person, plan, last,
    house}], the longest unvisited first. Names masked by the caller's template when public."""
    from civicgrid.accounts.scopes import scope_codes
    from civicgrid.people.models import Person

    codes = scope_codes(user, "gridwork.view_visitplan")
    now = clock.now()
    due = []
    last_visit = (
        Visit.objects.filter(house=OuterRef("house")).order_by().values("house").annotate(m=Max("at")).values("m")
    )
    for plan in VisitPlan.objects.filter(is_active=True).order_by("every_days"):
        scope = [plan.region_code] if codes is None else [c for c in codes if c.startswith(plan.region_code)]
        scope += [] if codes is None else [plan.region_code for c in codes if plan.region_code.startswith(c)]
        if not scope:
            continue
        cutoff = now - timedelta(days=plan.every_days)
        persons = (
            Person.objects.filter(
                subtree_q("region_code", scope),
                moved_out_at__isnull=True,
                house__isnull=False,
                person_tags__tag__code=plan.tag_code,
            )
            .annotate(last=Subquery(last_visit))
            .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
            .select_related("house__building", "house__unit")
            .order_by("last", "region_code")
            .distinct()[:limit]
        )
        seen = {row["person"].pk for row in due}
        for person in persons:
            if person.pk not in seen:
                days = (now - person.last).days if person.last else None
                due.append({"person": person, "plan": plan, "last": person.last, "days": days, "house": person.house})
    return due[:limit]


def houses_for_visit(user, query="", limit=30):
    from civicgrid.accounts.scopes import scope_codes
    from civicgrid.people.models import House

    codes = scope_codes(user, "gridwork.add_visit")
    houses = House.objects.all() if codes is None else House.objects.filter(subtree_q("region_code", codes))
    if query:
        houses = houses.filter(Q(building__name__contains=query) | Q(number__contains=query))
    return houses.select_related("building", "unit")[:limit]


# --- Tasks ----------------------------------------------------------------------------------


def worker_tasks(user):
    """Open tasks with targets in the worker's scope, with their own counts."""
    targets = Target.objects.restrict(user, "change").filter(task__status=TaskStatus.OPEN)
    counts = {
        row["task_id"]: row
        for row in targets.values("task_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(filled_at__isnull=False)))
        .order_by()
    }
    tasks = list(Task.objects.filter(pk__in=counts).order_by("deadline"))
    for task in tasks:
        task.mine_total, task.mine_done = counts[task.pk]["total"], counts[task.pk]["done"]
    return tasks


def worker_targets(user, task_id):
    return Target.objects.restrict(user, "change").filter(task_id=task_id).select_related("task")


def staff_tasks(user):
    return Task.objects.restrict(user, "view").select_related("region")


def progress(task):
    """Per grid and per worker: targets, filled."""
    from civicgrid.regions.models import Region

    rows = Target.objects.filter(task=task)
    grids = list(
        rows.values("grid_code")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(filled_at__isnull=False)))
        .order_by("grid_code")
    )
    names = dict(Region.objects.filter(code__in=[g["grid_code"] for g in grids]).values_list("code", "name"))
    for grid in grids:
        grid["name"] = names.get(grid["grid_code"], grid["grid_code"])
        grid["share"] = grid["done"] / grid["total"] if grid["total"] else 0
    workers = list(
        rows.filter(filled_by__isnull=False)
        .values("filled_by", "filled_by__name")
        .annotate(done=Count("pk"))
        .order_by("-done")
    )
    return {"grids": grids, "workers": workers}


def patrol_totals(user, days=30):
    start = clock.now() - timedelta(days=days)
    return (
        Patrol.objects.restrict(user, "view")
        .filter(started_at__gte=start)
        .values("user_id", "user__name")
        .annotate(seconds=Sum("seconds"), patrols=Count("pk"))
        .order_by("-seconds")
    )
