"""Staff awards (奖励积分): with a reason; above POINTS_APPROVAL_THRESHOLD the award waits until a
second person (not the one who asked) approves it. Garbage-sorting streaks and enterprises'
sponsorships are recorded by staff and paid by their rule (with its caps). A wrong entry is
corrected by a reversing entry, never edited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.core import clock, events
from civicgrid.points import conf, earn, ledger
from civicgrid.points.actions.common import clean_int, clean_text
from civicgrid.points.events import PointsAwarded
from civicgrid.points.models import POINT_KINDS, Account, Award, Entry, Rule, Trigger

MAX_AWARD = 10_000


def _may(user, permission):
    from civicgrid.accounts.scopes import scope_codes

    return scope_codes(user, permission) != []


def _account_in_scope(user, account_id, action="view"):
    return Account.objects.restrict(user, action).get(pk=account_id)


def _post(award, actor):
    entry = ledger.post(
        award.account,
        award.kind,
        award.amount,
        "award",
        f"points.award:{award.pk}",
        "points.PointsAwarded",
        actor=actor,
        memo=award.reason,
    )
    award.status, award.decided_by, award.decided_at = Award.Status.POSTED, actor, clock.now()
    award.save(update_fields=["status", "decided_by", "decided_at"])
    events.publish(
        PointsAwarded(
            award_id=award.pk,
            account_id=award.account_id,
            kind=award.kind,
            amount=award.amount,
            region_code=award.region_code,
            at=award.decided_at,
            actor_id=actor.pk,
        )
    )
    return entry


@transaction.atomic
def award(user, account_id, *, kind, amount, reason):
    """奖励: posted at once up to the threshold, else pending a second person's approval."""
    if not _may(user, "points.add_award"):
        raise Account.DoesNotExist
    account = _account_in_scope(user, account_id)
    errors = {}
    if kind not in POINT_KINDS:
        errors["kind"] = _("请选择积分类别。")
    try:
        amount = clean_int(amount, "amount", 1, MAX_AWARD)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        reason = clean_text(reason, "reason", 200)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    pending = amount > conf.get("POINTS_APPROVAL_THRESHOLD")
    item = Award.objects.create(
        account=account,
        region_code=account.region_code,
        kind=kind,
        amount=amount,
        reason=reason,
        status=Award.Status.PENDING if pending else Award.Status.POSTED,
        requested_by=user,
        requested_at=clock.now(),
    )
    if not pending:
        _post(item, user)
    return item


def _pending(user, award_id):
    item = Award.objects.restrict(user, "change").select_for_update().select_related("account").get(pk=award_id)
    if item.status != Award.Status.PENDING:
        raise ValidationError(_("这项奖励已经处理过。"))
    if item.requested_by_id == user.pk:
        raise ValidationError(_("需要另一位工作人员审批。"))
    return item


@transaction.atomic
def approve_award(user, award_id):
    item = _pending(user, award_id)
    _post(item, user)
    return item


@transaction.atomic
def reject_award(user, award_id):
    item = _pending(user, award_id)
    item.status, item.decided_by, item.decided_at = Award.Status.REJECTED, user, clock.now()
    item.save(update_fields=["status", "decided_by", "decided_at"])
    return item


@transaction.atomic
def record_by_rule(user, account_id, trigger, note):
    """A garbage-sorting streak (a person) or a sponsorship (an enterprise): paid by the trigger's
    rules, within their caps. Returns the entries posted."""
    if trigger not in (Trigger.GARBAGE_STREAK, Trigger.SPONSORSHIP) or not _may(user, "points.add_award"):
        raise Account.DoesNotExist
    account = _account_in_scope(user, account_id)
    note = clean_text(note, "note", 200)
    rules = earn.rules_for(trigger)
    if not rules:
        raise ValidationError(_("没有启用的积分规则。"))
    record = Award.objects.create(
        account=account,
        region_code=account.region_code,
        trigger=trigger,
        kind=rules[0].kind,
        amount=rules[0].points,
        reason=note,
        status=Award.Status.POSTED,
        requested_by=user,
        requested_at=clock.now(),
        decided_by=user,
        decided_at=clock.now(),
    )
    posted = [
        earn.earn(account, rule, f"points.award:{record.pk}", f"points.{trigger}", actor=user, memo=note)
        for rule in rules
    ]
    posted = [entry for entry in posted if entry is not None]
    if not posted:
        raise ValidationError(_("已达到这项规则的每日或每月上限。"))
    return posted


@transaction.atomic
def reverse_entry(user, entry_id, memo):
    """冲正 an entry of an account in scope (once)."""
    if not _may(user, "points.change_award"):
        raise Entry.DoesNotExist
    entry = Entry.objects.restrict(user, "view").select_related("account").get(pk=entry_id)
    memo = clean_text(memo, "memo", 200)
    try:
        reversal = ledger.reverse(entry, user, memo)
    except ledger.Overdraft:
        raise ValidationError(_("余额不足，不能冲正。")) from None
    if reversal is None:
        raise ValidationError(_("这条记录已经冲正过。"))
    return reversal


@transaction.atomic
def save_rule(user, rule):
    """A system admin changes a rule's figures (points, caps, active); later earnings follow it."""
    from civicgrid.accounts.scopes import scope_codes

    if not user.is_superuser and scope_codes(user, "points.change_rule") is not None:
        raise ValidationError(_("只有系统管理员可以修改积分规则。"))
    if rule.kind not in POINT_KINDS or rule.points < 0:
        raise ValidationError(_("规则的积分类别或分值无效。"))
    Rule.objects.select_for_update().get(pk=rule.pk)
    rule.save(update_fields=["name", "kind", "points", "daily_cap", "monthly_cap", "active", "updated_at"])
    transaction.on_commit(earn.forget_rules)  # this process at once; the others within the reload time
    return rule
