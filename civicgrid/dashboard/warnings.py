"""Warnings (预警): configurable rules evaluated periodically (`run_warning_rules`, scheduled by
run_scheduler and Celery beat), each firing recorded once per subject while it is open or
acknowledged, then cleared when the condition no longer holds.

A rule's action runs once, when it fires: notify the holders of a role on the firing's region (and
its ancestors), auto-escalate the case (吹哨, through civicgrid.cases.actions, on behalf of its
current handler), or open a task for the role.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from civicgrid.core.scoping import subtree_q
from civicgrid.core.text import CONTROL_MESSAGE, has_forbidden
from civicgrid.dashboard import people
from civicgrid.dashboard.models import (
    FiringStatus,
    OpenRollup,
    OwnerKind,
    OwnerRollup,
    RuleAction,
    RuleKind,
    Task,
    WarningFiring,
    WarningRule,
)
from civicgrid.regions.models import Level, Region

METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class Condition:
    key: str
    message: str
    region_code: str = ""
    case_id: int | None = None
    lat: float | None = None
    lon: float | None = None


def _scope(rule):
    return subtree_q("region_code", [rule.region.code]) if rule.region_id else None


def _cases(rule):
    from civicgrid.cases.models import Case

    cases = Case.objects.all()
    scope = _scope(rule)
    return cases.filter(scope) if scope is not None else cases


def near_due(rule, now):
    """Open cases whose running step is past its due time (threshold 0) or already yellow (≥ 1)."""
    from civicgrid.cases.models import OPEN_STATUSES

    cases = _cases(rule).filter(status__in=OPEN_STATUSES)
    yellow = rule.threshold >= 1
    cases = cases.filter(step_warn_at__lte=now) if yellow else cases.filter(step_due_at__lte=now)
    label = _("即将超期") if yellow else _("已超期")
    return [
        Condition(
            key=f"case:{c.pk}:{c.step}:{c.step_due_at.isoformat() if c.step_due_at else ''}",
            message=f"{label}：{c.number} {c.title}"[:300],
            region_code=c.region_code,
            case_id=c.pk,
            lat=c.lat,
            lon=c.lon,
        )
        for c in cases.only("pk", "number", "title", "step", "step_due_at", "region_code", "lat", "lon").order_by(
            "step_due_at"
        )
    ]


def grid_open(rule, now):
    """Grids with more than `threshold` open cases (from the rollups)."""
    from civicgrid.regions.codes import code_length

    length = code_length(Level.GRID)
    rows = OpenRollup.objects.all()
    if rule.region_id:
        rows = rows.filter(subtree_q("region_code", [rule.region.code]))
    counts = defaultdict(int)
    for code, n in rows.values_list("region_code", "open"):
        if len(code) == length:
            counts[code] += n
    over = {code: n for code, n in counts.items() if n > rule.threshold}
    nodes = {r.code: r for r in Region.objects.filter(code__in=list(over)).defer("boundary")}
    return [
        Condition(
            key=f"grid:{code}",
            message=_("%(grid)s 在办案件 %(count)s 件，超过 %(limit)s 件")
            % {"grid": nodes[code].name if code in nodes else code, "count": n, "limit": int(rule.threshold)},
            region_code=code,
            lat=nodes[code].centroid_lat if code in nodes else None,
            lon=nodes[code].centroid_lon if code in nodes else None,
        )
        for code, n in sorted(over.items())
    ]


def hotspot(rule, now):
    """≥ threshold cases of one (minor) category within `radius_m` metres, reported in the last
    `days` days. Cases are bucketed in cells of the radius; the busiest case's neighbourhood is
    taken first, its cases removed, and so on."""
    radius = max(rule.radius_m, 1)
    need = max(int(rule.threshold), 2)
    rows = (
        _cases(rule)
        .filter(reported_at__gte=now - timedelta(days=rule.days), lat__isnull=False, lon__isnull=False)
        .values_list("pk", "category_id", "category__name", "lat", "lon", "region_code")
    )
    by_category = defaultdict(list)
    for row in rows:
        by_category[row[1]].append(row)
    conditions = []
    for category_id, cases in sorted(by_category.items()):
        if len(cases) < need:
            continue
        for case, group, cell in _clusters(cases, radius, need):
            conditions.append(
                Condition(
                    key=f"hotspot:{category_id}:{cell[0]}:{cell[1]}",
                    message=_("%(category)s 高发：%(days)s 天内 %(radius)s 米范围 %(count)s 件")
                    % {"category": case[2], "days": rule.days, "radius": radius, "count": len(group)},
                    region_code=case[5],
                    case_id=case[0],
                    lat=case[3],
                    lon=case[4],
                )
            )
    return conditions


def _clusters(cases, radius, need):
    """[(centre case, its neighbours within `radius`, centre cell)] with ≥ `need` cases each; rows
    are (pk, category id, category name, lat, lon, region code)."""
    dlat = radius / METRES_PER_DEGREE_LAT
    dlon = radius / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(cases[0][3])), 0.01))

    def cell_of(case):
        return math.floor(case[3] / dlat), math.floor(case[4] / dlon)

    cells = defaultdict(list)
    for case in cases:
        cells[cell_of(case)].append(case)

    def neighbours(case, alive):
        cy, cx = cell_of(case)
        return [
            other
            for y in (cy - 1, cy, cy + 1)
            for x in (cx - 1, cx, cx + 1)
            for other in cells.get((y, x), ())
            if other[0] in alive and _metres(case, other) <= radius
        ]

    alive = {case[0] for case in cases}
    found = []
    for case in sorted(cases, key=lambda c: (-len(neighbours(c, alive)), c[0])):
        if case[0] not in alive:
            continue
        group = neighbours(case, alive)
        if len(group) < need:
            continue
        for other in group:
            alive.discard(other[0])
        found.append((case, group, cell_of(case)))
    return found


def _metres(a, b):
    dy = (a[3] - b[3]) * METRES_PER_DEGREE_LAT
    dx = (a[4] - b[4]) * METRES_PER_DEGREE_LAT * math.cos(math.radians(a[3]))
    return math.hypot(dx, dy)


def elderly_not_visited(rule, now):
    """Elderly people living alone whose household was not visited for `threshold` days. The message
    goes to the wall screen, tasks and notifications, seen by many: a masked name (张*) and never the
    tag, "重点关爱对象" instead; the full name stays on the person's own page."""
    roots = [rule.region] if rule.region_id else list(Region.objects.filter(parent__isnull=True).defer("boundary"))
    conditions = []
    for root in roots:
        persons = people.elderly_alone_not_visited(root, int(rule.threshold))
        for person in persons:
            region = getattr(person, "region", None)
            code = getattr(person, "region_code", "") or getattr(region, "code", "") or root.code
            conditions.append(
                Condition(
                    key=f"person:{person.pk}",
                    message=_("%(group)s %(name)s 已超过 %(days)s 天未走访")
                    % {"group": people.CARE_LABEL, "name": people.mask_name(person.name), "days": int(rule.threshold)},
                    region_code=code,
                )
            )
    return conditions


def department_on_time(rule, now):
    """Departments whose on-time closure rate over the last `days` days is below `threshold` %."""
    from civicgrid.cases.stats import Indicators
    from civicgrid.dashboard.figures import INDICATOR_FIELDS
    from civicgrid.regions.models import Department

    roots = [rule.region] if rule.region_id else list(Region.objects.filter(parent__isnull=True).defer("boundary"))
    today = timezone.localdate(now)
    conditions = []
    for root in roots:
        rows = (
            OwnerRollup.objects.filter(
                region_code=root.code, kind=OwnerKind.DEPARTMENT, day__gt=today - timedelta(days=rule.days)
            )
            .values("owner_id")
            .annotate(**{name: Sum(name) for name in INDICATOR_FIELDS})
            .order_by()
        )
        names = dict(Department.objects.values_list("pk", "name"))
        for row in rows:
            ind = Indicators()
            for name in INDICATOR_FIELDS:
                setattr(ind, name, row[name] or 0)
            rate = ind.on_time_closure_rate
            if rate is None or rate * 100 >= rule.threshold:
                continue
            conditions.append(
                Condition(
                    key=f"department:{row['owner_id']}",
                    message=_("%(department)s 近 %(days)s 天按期结案率 %(rate).1f%%，低于 %(limit)s%%")
                    % {
                        "department": names.get(row["owner_id"], row["owner_id"]),
                        "days": rule.days,
                        "rate": rate * 100,
                        "limit": rule.threshold,
                    },
                    region_code=root.code,
                )
            )
    return conditions


EVALUATORS = {
    RuleKind.NEAR_DUE: near_due,
    RuleKind.GRID_OPEN: grid_open,
    RuleKind.HOTSPOT: hotspot,
    RuleKind.ELDERLY_NOT_VISITED: elderly_not_visited,
    RuleKind.DEPARTMENT_ON_TIME: department_on_time,
}


# --- Firing ----------------------------------------------------------------------------------


def run_rules(now=None):
    """Evaluate every active rule once. Returns {"fired": n, "cleared": n}."""
    now = now or timezone.now()
    fired = cleared = 0
    for rule in WarningRule.objects.filter(is_active=True).select_related("region"):
        conditions = EVALUATORS[rule.kind](rule, now)
        new, gone = apply(rule, conditions, now)
        fired, cleared = fired + new, cleared + gone
    return {"fired": fired, "cleared": cleared}


@transaction.atomic
def apply(rule, conditions, now):
    """Record new firings for `conditions` (at most settings.DASHBOARD_WARNINGS_PER_RUN each run),
    skip those already open or acknowledged, clear those whose condition is gone."""
    live = {
        f.key: f
        for f in WarningFiring.objects.select_for_update().filter(rule=rule).exclude(status=FiringStatus.CLEARED)
    }
    keys = {c.key for c in conditions}
    gone = [f.pk for key, f in live.items() if key not in keys]
    if gone:
        WarningFiring.objects.filter(pk__in=gone).update(status=FiringStatus.CLEARED, cleared_at=now)
    new = 0
    for condition in conditions:
        if condition.key in live or new >= settings.DASHBOARD_WARNINGS_PER_RUN:
            continue
        firing = WarningFiring.objects.create(
            rule=rule,
            key=condition.key,
            region_code=condition.region_code,
            case_id=condition.case_id,
            message=condition.message[:300],
            lat=condition.lat,
            lon=condition.lon,
            fired_at=now,
        )
        firing.action_result = act(rule, firing, now)[:300]
        firing.save(update_fields=["action_result"])
        new += 1
    return new, len(gone)


def _units(rule, region_code):
    codes = [region_code] if region_code else []
    node = Region.objects.filter(code=region_code).defer("boundary").first() if region_code else None
    if node is not None:
        codes += node.ancestor_codes()
    ids = Region.objects.filter(code__in=codes).values_list("pk", flat=True)
    return tuple((rule.notify_role, pk) for pk in ids)


def act(rule, firing, now):
    if rule.action == RuleAction.NOTIFY:
        return notify(rule, firing, now)
    if rule.action == RuleAction.ESCALATE:
        return escalate(rule, firing)
    Task.objects.create(
        firing=firing, title=firing.message, region_code=firing.region_code, role=rule.notify_role, created_at=now
    )
    return _("已生成任务")


def notify(rule, firing, now):
    """Tell the rule's role on the firing's region and the regions above it, after the commit, through
    the notifications app (inbox, instant channels or the digest, as each recipient chose)."""
    from civicgrid.cases.notifications import Kind, Notice

    if not rule.notify_role:
        return _("未设置通知角色")
    notice = Notice(kind=Kind.WARNING, case_id=firing.case_id, units=_units(rule, firing.region_code))
    firing_id, title, body = firing.pk, _("预警：%(message)s") % {"message": firing.message}, str(rule.name)

    def send():
        from civicgrid.notifications.actions import notify as deliver

        rows = deliver(notice, title=title, body=body, now=now)
        WarningFiring.objects.filter(pk=firing_id).update(action_result=_("已通知 %(count)s 人") % {"count": len(rows)})

    transaction.on_commit(send)
    return _("通知已安排")


def escalate(rule, firing):
    """吹哨 the firing's case on behalf of its current handler (the workflow's own rules apply)."""
    from civicgrid.cases import actions
    from civicgrid.cases.errors import CaseError
    from civicgrid.cases.models import Case

    case = Case.objects.filter(pk=firing.case_id).first() if firing.case_id else None
    if case is None:
        return _("无关联案件，未吹哨")
    if case.assignee is None:
        return _("案件尚无处置人，未吹哨")
    try:
        with transaction.atomic():
            actions.escalate_case(
                case,
                case.assignee,
                version=case.version,
                reason=_("预警自动吹哨：%(rule)s") % {"rule": rule.name},
            )
    except CaseError as error:
        return _("未能吹哨：%(error)s") % {"error": error}
    return _("已自动吹哨上报")


# --- What a shared screen shows ---------------------------------------------------------------

# Kinds whose rule names the special group its subjects belong to (a tag): on the wall screen the
# group is called by the neutral CARE_LABEL instead, as are the rules of that kind (their names are
# typed by administrators and usually say the group too).
CARE_KINDS = {RuleKind.ELDERLY_NOT_VISITED: _lazy("重点关爱对象久未走访")}


def shared_kind_label(kind):
    return str(CARE_KINDS.get(kind) or RuleKind(kind).label)


def shared_rule_name(rule):
    return shared_kind_label(rule.kind) if rule.kind in CARE_KINDS else rule.name


# --- People's side ---------------------------------------------------------------------------


def visible_firings(codes):
    """Firings on the subtrees of `codes` (None: everywhere)."""
    firings = WarningFiring.objects.select_related("rule")
    if codes is None:
        return firings
    return firings.filter(subtree_q("region_code", codes))


@transaction.atomic
def acknowledge(user, firing_id, note=""):
    """确认 an open firing in the user's scope. Raises WarningFiring.DoesNotExist outside it (404),
    ValidationError for a note with control characters (400) and ValueError when it is no longer open."""
    from civicgrid.accounts.scopes import scope_codes

    codes = scope_codes(user, "dashboard.acknowledge_warning")
    if codes == []:
        raise WarningFiring.DoesNotExist
    if has_forbidden(note):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")
    firing = visible_firings(codes).select_for_update(of=("self",)).get(pk=firing_id)
    if firing.status != FiringStatus.OPEN:
        raise ValueError(_("该预警已确认或已解除。"))
    firing.status = FiringStatus.ACKNOWLEDGED
    firing.acknowledged_by = user
    firing.acknowledged_at = timezone.now()
    firing.acknowledge_note = (note or "").strip()[:300]
    firing.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledge_note"])
    return firing


@transaction.atomic
def complete_task(user, task_id):
    """Mark a warning's task done (someone holding the screen on its region). Task.DoesNotExist
    outside the user's scope, ValueError when already done."""
    from civicgrid.accounts.scopes import scope_codes

    codes = scope_codes(user, "dashboard.acknowledge_warning")
    if codes == []:
        raise Task.DoesNotExist
    tasks = Task.objects.select_for_update()
    if codes is not None:
        tasks = tasks.filter(subtree_q("region_code", codes))
    task = tasks.get(pk=task_id)
    if task.done_at is not None:
        raise ValueError(_("该任务已完成。"))
    task.done_at, task.done_by = timezone.now(), user
    task.save(update_fields=["done_at", "done_by"])
    return task
