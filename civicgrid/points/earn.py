"""Earning by the rules (Rule rows): the listeners on other apps' events, and `earn()` that posts
what a rule pays, within its daily and monthly caps.

The listeners run IN_TRANSACTION (civicgrid.core.events): the points commit or roll back with the
change that earned them. Each names its source ("activities.enrolment:12"), so a replayed event
posts nothing a second time (the ledger's unique (source, account, rule)). The apps publishing these
events import nothing from here.

They run inside other apps' transactions, so they are kept cheap: each process keeps the rules it
read for POINTS_RULES_RELOAD_SECONDS (save_rule forgets them at once), and a person's earning by
rules without caps goes through ledger.post_new (two statements, no account lock); a rule with a
cap locks the account first, so two earnings racing for the last points of a day cannot both win.
"""

import threading
import time
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from civicgrid.core import clock
from civicgrid.points import conf, ledger
from civicgrid.points.models import Entry, OwnerKind, Rule, Trigger

_rules = {}
_rules_lock = threading.Lock()


def rules_for(trigger):
    """The active rules of `trigger` (read again after POINTS_RULES_RELOAD_SECONDS; 0: every time)."""
    ttl = conf.get("POINTS_RULES_RELOAD_SECONDS")
    now = time.monotonic()
    kept = _rules.get(trigger)
    if kept is not None and now - kept[0] < ttl:
        return kept[1]
    rules = tuple(Rule.objects.filter(trigger=trigger, active=True).order_by("code"))
    with _rules_lock:
        _rules[trigger] = (now, rules)
    return rules


def forget_rules():
    """Read the rules again at the next earning (after a rule is saved, and between tests)."""
    with _rules_lock:
        _rules.clear()


def _uncapped(rule):
    return rule.daily_cap is None and rule.monthly_cap is None and rule.points > 0


def _amount(rule, units):
    return int((Decimal(rule.points) * Decimal(str(units))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _capped(account, rule, amount, at):
    """`amount` cut down to what the rule's caps still allow this day and month (the account is locked)."""
    local = timezone.localtime(at)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for cap, start in ((rule.daily_cap, day_start), (rule.monthly_cap, day_start.replace(day=1))):
        if cap is None:
            continue
        so_far = (
            Entry.objects.filter(
                account=account, rule=rule.code, at__gte=start, at__lt=at + timedelta(seconds=1)
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
        amount = min(amount, max(cap - so_far, 0))
    return amount


def earn(account, rule, source, event, *, units=1, actor=None, memo="", at=None, locked=False):
    """Post what `rule` pays for `units` (hours for the hour rules) to `account`, within its caps.
    None when the caps are reached or the source was posted before. `locked`: the caller holds the
    account's row lock (`account` was read with it)."""
    at = at or clock.now()
    amount = _amount(rule, units)
    if not locked:
        account = ledger.lock(account.pk)
    if Entry.objects.filter(source=source, account=account, rule=rule.code).exists():
        return None
    amount = _capped(account, rule, amount, at)
    if amount <= 0:
        return None
    return ledger.post(
        account,
        rule.kind,
        amount,
        rule.code,
        source,
        event,
        actor=actor,
        memo=memo or rule.name,
        at=at,
        locked=True,
        fresh=True,
    )


def _earn_person(trigger, user_id, source, event, region_code="", units=1, at=None):
    rules = rules_for(trigger)
    if not rules or not user_id:
        return []
    community = _community(region_code)
    if all(_uncapped(rule) for rule in rules) and Decimal(str(units)) > 0:
        found = ledger.person_account_ref(user_id)
        # A new account, or one still without its community, goes the long way once (created, placed).
        if found is not None and (found[1] or not community):
            at = at or clock.now()
            return [
                ledger.post_new(
                    found[0], found[1], rule.kind, _amount(rule, units), rule.code, source, event, memo=rule.name, at=at
                )
                for rule in rules
                if _amount(rule, units) > 0
            ]
    account = ledger.locked_person_account(user_id, community)
    if account is None:
        return []
    return [earn(account, rule, source, event, units=units, at=at, locked=True) for rule in rules]


def _community(region_code):
    from civicgrid.points.selectors import COMMUNITY_CODE_LENGTH

    return region_code[:COMMUNITY_CODE_LENGTH] if len(region_code or "") >= COMMUNITY_CODE_LENGTH else ""


# --- Listeners --------------------------------------------------------------------------------


def on_case_closed(event):
    """A resident's own report, closed (i.e. verified and found valid): once per case, however often
    it is reopened and closed again."""
    case = event.case
    if case is None or not case.reporter_id or case.source != "resident":
        return
    _earn_person(
        Trigger.CASE_VALID,
        case.reporter_id,
        f"cases.case:{event.case_id}",
        "cases.CaseClosed",
        event.region_code,
        at=event.at,
    )


def on_checked_in(event):
    """A check-in at a community activity (a volunteer shift's hours earn through HoursConfirmed)."""
    if event.kind != "community":
        return
    _earn_person(
        Trigger.CHECK_IN,
        event.user_id,
        f"activities.enrolment:{event.enrolment_id}",
        "activities.CheckedIn",
        event.region_code,
        at=event.at,
    )


def on_hours_confirmed(event):
    """Confirmed volunteer hours: per hour to the volunteer (and to the team, by its own rule). A
    correction (the same attendance confirmed again with another figure) posts the difference."""
    hours = Decimal(str(event.hours))
    for trigger, owner in ((Trigger.VOLUNTEER_HOUR, None), (Trigger.TEAM_HOUR, event.team_id)):
        if trigger == Trigger.TEAM_HOUR and not owner:
            continue
        for rule in rules_for(trigger):
            if owner is None:
                from django.contrib.auth import get_user_model

                user = get_user_model().objects.filter(pk=event.user_id).first()
                if user is None:
                    continue
                account = ledger.person_account(user, _community(event.region_code))
            else:
                account = ledger.account_for(OwnerKind.TEAM, owner, region_code=_community(event.region_code))
            base = f"volunteers.attendance:{event.attendance_id}"
            account = ledger.lock(account.pk)
            posted = Entry.objects.filter(account=account, rule=rule.code, source__startswith=base)
            if not posted.exists():
                earn(account, rule, base, "volunteers.HoursConfirmed", units=hours, at=event.at)
                continue
            target = int((Decimal(rule.points) * hours).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            delta = target - (posted.aggregate(total=Sum("amount"))["total"] or 0)
            if delta:
                ledger.post(
                    account,
                    rule.kind,
                    delta,
                    rule.code,
                    f"{base}@{hours}",
                    "volunteers.HoursConfirmed",
                    memo=rule.name,
                    at=event.at,
                    locked=True,
                )


WISH_OWNERS = {"team": OwnerKind.TEAM, "enterprise": OwnerKind.ENTERPRISE, "organisation": OwnerKind.ORGANISATION}


def on_wish_fulfilled(event):
    source = f"volunteers.wish:{event.wish_id}"
    if event.claimer_kind == "volunteer":
        _earn_person(
            Trigger.WISH, event.claimer_user_id, source, "volunteers.WishFulfilled", event.region_code, at=event.at
        )
        return
    owner = WISH_OWNERS.get(event.claimer_kind)
    if owner is None:
        return
    account = ledger.account_for(owner, event.claimer_id, region_code=_community(event.region_code))
    for rule in rules_for(Trigger.WISH):
        earn(account, rule, source, "volunteers.WishFulfilled", at=event.at)


def on_feedback(event):
    if event.stars < 4:
        return
    _earn_person(
        Trigger.FEEDBACK,
        event.user_id,
        f"volunteers.feedback:{event.feedback_id}",
        "volunteers.FeedbackGiven",
        event.region_code,
    )


def subscribe():
    from civicgrid.activities.events import CheckedIn
    from civicgrid.cases.events import CaseClosed
    from civicgrid.core import events
    from civicgrid.volunteers.events import FeedbackGiven, HoursConfirmed, WishFulfilled

    for event_type, listener in (
        (CaseClosed, on_case_closed),
        (CheckedIn, on_checked_in),
        (HoursConfirmed, on_hours_confirmed),
        (WishFulfilled, on_wish_fulfilled),
        (FeedbackGiven, on_feedback),
    ):
        events.subscribe(event_type, listener, phase=events.IN_TRANSACTION)
