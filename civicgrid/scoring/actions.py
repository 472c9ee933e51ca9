"""Writes: editing the score rules and the 金牌网格员 rule (system admins and street staff; the
rules apply to the whole install, from the next scored event on — entries already written keep
their points). Points themselves are written by civicgrid.scoring.ledger from the listeners."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core import events
from civicgrid.core.changelog import record_change
from civicgrid.core.models import ObjectChange
from civicgrid.scoring import metrics
from civicgrid.scoring.errors import InputError, NotFound
from civicgrid.scoring.events import MedalRuleChanged, ScoreRuleChanged
from civicgrid.scoring.models import MedalRule, ScoreRule

MAX_POINTS = Decimal("100")
MAX_CAP = Decimal("10000")
MAX_MEDALS = 20


def _may(user, permission):
    if scope_codes(user, permission) == []:
        raise NotFound()


def _decimal(value, label, *, low, high, blank_ok=False):
    text = str(value if value is not None else "").strip()
    if not text:
        if blank_ok:
            return None
        raise InputError(_("请填写%(field)s。") % {"field": label})
    if len(text) > 12 or any(ord(c) < 32 for c in text):
        raise InputError(_("%(field)s不是有效的数字。") % {"field": label})
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InputError(_("%(field)s不是有效的数字。") % {"field": label}) from None
    if not number.is_finite() or not low <= number <= high:
        raise InputError(_("%(field)s应在 %(low)s 到 %(high)s 之间。") % {"field": label, "low": low, "high": high})
    return number.quantize(Decimal("0.01"))


def _snapshot(rule):
    return {"points": str(rule.points), "monthly_cap": str(rule.monthly_cap or ""), "is_active": rule.is_active}


@transaction.atomic
def update_rule(user, metric, *, points, monthly_cap=None, is_active=True):
    """Change one metric's points per unit, monthly cap (blank: none) and whether it scores."""
    _may(user, "scoring.change_scorerule")
    if metric not in metrics.BY_CODE:
        raise NotFound()
    points = _decimal(points, _("分值"), low=-MAX_POINTS, high=MAX_POINTS)
    cap = _decimal(monthly_cap, _("每月上限"), low=Decimal(0), high=MAX_CAP, blank_ok=True)
    spec = metrics.BY_CODE[metric]
    rule = ScoreRule.objects.select_for_update().filter(metric=metric).first()
    if rule is None:
        rule = ScoreRule.objects.create(metric=metric, points=spec.points, monthly_cap=spec.cap)
        rule = ScoreRule.objects.select_for_update().get(pk=rule.pk)
    before = _snapshot(rule)
    rule.points, rule.monthly_cap, rule.is_active, rule.updated_by = points, cap, bool(is_active), user
    rule.save(update_fields=["points", "monthly_cap", "is_active", "updated_by", "updated_at"])
    record_change(user, rule, ObjectChange.Action.UPDATE, before, _snapshot(rule))
    events.publish(
        ScoreRuleChanged(
            metric=metric,
            actor_id=user.pk,
            points=str(points),
            monthly_cap=str(cap or ""),
            is_active=rule.is_active,
        )
    )
    return rule


@transaction.atomic
def update_medal_rule(user, *, per_street, min_points, min_patrol_hours, no_bad_rating=True):
    """Change the 金牌网格员 rule (how many per street, the lowest score and patrol hours)."""
    _may(user, "scoring.change_medalrule")
    try:
        per_street = int(str(per_street).strip())
    except ValueError:
        raise InputError(_("每个街道评选人数应为整数。")) from None
    if not 1 <= per_street <= MAX_MEDALS:
        raise InputError(_("每个街道评选人数应在 1 到 %(n)d 之间。") % {"n": MAX_MEDALS})
    min_points = _decimal(min_points, _("最低得分"), low=Decimal(0), high=MAX_CAP)
    hours = _decimal(min_patrol_hours, _("最低巡格时长"), low=Decimal(0), high=Decimal(744))
    rule = MedalRule.objects.select_for_update().order_by("pk").first() or MedalRule.objects.create()
    before = {
        "per_street": rule.per_street,
        "min_points": str(rule.min_points),
        "min_patrol_hours": str(rule.min_patrol_hours),
    }
    rule.per_street, rule.min_points, rule.min_patrol_hours = per_street, min_points, hours
    rule.no_bad_rating = bool(no_bad_rating)
    rule.save()
    after = {
        "per_street": rule.per_street,
        "min_points": str(rule.min_points),
        "min_patrol_hours": str(rule.min_patrol_hours),
    }
    record_change(user, rule, ObjectChange.Action.UPDATE, before, after)
    events.publish(MedalRuleChanged(actor_id=user.pk, per_street=per_street, min_points=str(min_points)))
    return rule
