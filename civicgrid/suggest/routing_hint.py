"""The routing suggestion shown to dispatchers beside the dispatch form (issue 16, item 2): the
handling level and department most likely to close a case of this category at this place.

It reads the installation's history — cases of the same category closed in the last 90 days in the
same community (or, with fewer than MIN_LOCAL there, the same street): which unit closed them and
how many on time — and falls back to the category's default route (civicgrid.cases.routing). The
history is read through Case.objects.restrict(user, "view"), so a dispatcher learns nothing about
cases outside their scope.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from civicgrid.cases import routing
from civicgrid.cases.models import Case, HandlingLevel, Status
from civicgrid.core import clock
from civicgrid.regions.models import Department

HISTORY_DAYS = 90
MIN_LOCAL = 3


@dataclass(frozen=True)
class RoutingHint:
    level: str
    level_label: str
    department_id: int | None
    department_name: str
    closed: int
    on_time: int
    source: str  # "history" or "default"
    reason: str

    def as_dict(self):
        return {
            "level": self.level,
            "level_label": self.level_label,
            "department_id": self.department_id,
            "department_name": self.department_name,
            "closed": self.closed,
            "on_time": self.on_time,
            "source": self.source,
            "reason": self.reason,
        }


def _history(user, case, area_field, area):
    since = clock.now() - timedelta(days=HISTORY_DAYS)
    rows = (
        Case.objects.restrict(user, "view")
        .filter(category_id=case.category_id, status=Status.CLOSED, closed_at__gte=since, **{area_field: area})
        .exclude(pk=case.pk)
        .order_by()
        .values("handling_level", "handling_department_id")
        .annotate(
            closed=Count("pk"),
            on_time=Count("pk", filter=Q(overall_due_at__isnull=True) | Q(closed_at__lte=F("overall_due_at"))),
        )
    )
    return sorted(rows, key=lambda row: (-row["on_time"], -row["closed"], row["handling_level"]))


def _unit_name(level, department, case):
    if level == HandlingLevel.DEPARTMENT and department is not None:
        return department.name
    place = {HandlingLevel.GRID: case.grid, HandlingLevel.COMMUNITY: case.community, HandlingLevel.STREET: case.street}
    region = place.get(level)
    return region.name if region is not None else str(HandlingLevel(level).label)


def suggest_route(user, case):
    """The RoutingHint for `case` (a Case the user may see, with its category and places loaded)."""
    for field, area, area_label in (
        ("community", case.community, _("本社区")),
        ("street", case.street, _("本街道")),
    ):
        if area is None:
            continue
        rows = _history(user, case, field, area)
        if sum(row["closed"] for row in rows) >= MIN_LOCAL or (field == "street" and rows):
            best = rows[0]
            department = (
                Department.objects.filter(pk=best["handling_department_id"]).first()
                if best["handling_department_id"]
                else None
            )
            level = best["handling_level"]
            name = _unit_name(level, department, case)
            reason = _("%(area)s近 %(days)d 天同类案件 %(n)d 件由%(unit)s办结（按时 %(on_time)d 件）") % {
                "area": area_label,
                "days": HISTORY_DAYS,
                "n": best["closed"],
                "unit": name,
                "on_time": best["on_time"],
            }
            return RoutingHint(
                level=level,
                level_label=str(HandlingLevel(level).label),
                department_id=department.pk if department else None,
                department_name=department.name if department else "",
                closed=best["closed"],
                on_time=best["on_time"],
                source="history",
                reason=reason,
            )
    place = routing.Place(
        node=case.grid or case.community or case.street, grid=case.grid, community=case.community, street=case.street
    )
    route = routing.default_route(case.category, place) if place.node is not None else None
    level = route.level if route else case.category.effective_level
    department = route.department if route else None
    name = _unit_name(level, department, case)
    return RoutingHint(
        level=level,
        level_label=str(HandlingLevel(level).label),
        department_id=department.pk if department else None,
        department_name=department.name if department else "",
        closed=0,
        on_time=0,
        source="default",
        reason=_("近 %(days)d 天本地没有同类案件办结记录，按类别默认由%(unit)s处置")
        % {"days": HISTORY_DAYS, "unit": name},
    )
