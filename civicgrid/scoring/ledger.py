"""Writing points: `record()` adds one score entry for one source and keeps the monthly tallies
and totals in the same transaction (the listeners call it IN_TRANSACTION).

Idempotent: an entry is unique per (subject, metric, source, source id), so a replayed event finds
its entry and writes nothing. The subject's tally row for the metric is locked first
(select_for_update), so two events racing against a monthly cap cannot both pass it."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from civicgrid.regions.codes import ancestor_codes
from civicgrid.regions.models import Level, Region
from civicgrid.scoring import metrics
from civicgrid.scoring.models import Kind, MonthlyScore, MonthlyTally, ScoreEntry, ScoreRule

CENT = Decimal("0.01")


def month_of(at):
    local = timezone.localtime(at) if timezone.is_aware(at) else at
    return date(local.year, local.month, 1)


def _subject(kind, user_id, department_id):
    return {"user_id": user_id} if kind == Kind.WORKER else {"department_id": department_id}


def _bump(model, key, points, extra=None, update=None):
    """Add `points` (and one entry) to the row `key`, creating it when missing."""
    changes = {"points": F("points") + points, "entries": F("entries") + 1, **(update or {})}
    if model.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **(extra or {}), **(update or {}), points=points, entries=1)
    except IntegrityError:  # created meanwhile by a concurrent event
        model.objects.filter(**key).update(**changes)


def _regions_above(code):
    """The grid, community, street and district holding `code` (deepest first)."""
    codes = [*ancestor_codes(code), code]
    return list(
        Region.objects.filter(code__in=codes, level__lte=Level.GRID).only("pk", "code", "level").order_by("-level")
    )


def record(*, kind, metric, source, source_id, at, region_code, quantity=1.0, user_id=None, department_id=None):
    """Score one source for one subject under `metric`'s rule (its default when the rule has no
    row); returns the entry, or None when the rule is off, or the source was scored already."""
    if (kind == Kind.WORKER and not user_id) or (kind == Kind.DEPARTMENT and not department_id):
        return None
    rule = ScoreRule.objects.filter(metric=metric).first()
    if rule is None:  # no row (yet): the metric's default rule (civicgrid.scoring.metrics)
        spec = metrics.BY_CODE.get(metric)
        if spec is None:
            return None
        rule = ScoreRule(metric=metric, points=spec.points, monthly_cap=spec.cap)
    if not rule.is_active:
        return None
    subject = _subject(kind, user_id, department_id)
    source_id = str(source_id)
    if ScoreEntry.objects.filter(kind=kind, metric=metric, source=source, source_id=source_id, **subject).exists():
        return None
    month = month_of(at)
    region_code = region_code or ""
    tally, _created = MonthlyTally.objects.select_for_update().get_or_create(
        kind=kind, month=month, metric=metric, **subject, defaults={"region_code": region_code}
    )
    points = (rule.points * Decimal(str(quantity))).quantize(CENT, rounding=ROUND_HALF_UP)
    if rule.monthly_cap is not None and points > 0:
        points = max(min(points, rule.monthly_cap - tally.points), Decimal(0))
    try:
        with transaction.atomic():
            entry = ScoreEntry.objects.create(
                kind=kind,
                metric=metric,
                source=source,
                source_id=source_id,
                at=at,
                month=month,
                region_code=region_code,
                quantity=quantity,
                points=points,
                **subject,
            )
    except IntegrityError:  # the same source, scored by a concurrent replay
        return None
    MonthlyTally.objects.filter(pk=tally.pk).update(
        count=F("count") + 1, quantity=F("quantity") + quantity, points=F("points") + points
    )
    if kind == Kind.WORKER:
        _bump(
            MonthlyScore,
            {"kind": kind, "user_id": user_id, "month": month},
            points,
            update={"region_code": region_code},
        )
        for region in _regions_above(region_code):
            _bump(
                MonthlyScore,
                {"kind": Kind.REGION, "region_id": region.pk, "month": month},
                points,
                extra={"level": region.level, "region_code": region.code},
            )
    else:
        _bump(
            MonthlyScore,
            {"kind": kind, "department_id": department_id, "month": month},
            points,
            extra={"region_code": region_code},
        )
    return entry
