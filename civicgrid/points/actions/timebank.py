"""The time bank (时间银行): a resident records an hour of help given or received, naming the other
side by phone; the other side confirms (or declines) and only then do the minutes move, from the
receiver's account to the giver's, as two entries summing to zero. A person's time balance may go
down to -POINTS_TIMEBANK_CREDIT_MINUTES (a newcomer can be helped first)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.core import clock, events
from civicgrid.points import ledger, selectors
from civicgrid.points.actions.common import clean_text
from civicgrid.points.events import HelpConfirmed
from civicgrid.points.models import Account, Help, OwnerKind

MAX_HOURS = Decimal(12)


@transaction.atomic
def record_help(user, *, other_phone, gave, hours, what):
    """记录: `gave` True when the user helped the other, False when the other helped the user."""
    what = clean_text(what, "what", 100)
    try:
        hours = Decimal(str(hours).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("时长请填写 0.5 到 12 之间的小时数（以 0.5 为单位）。")}) from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS or (hours * 2) % 1:
        raise ValidationError({"hours": _("时长请填写 0.5 到 12 之间的小时数（以 0.5 为单位）。")})
    home = selectors.home_community_code(user)
    if not home:
        raise ValidationError(_("只有登记了社区的居民可以使用时间银行。"))
    other = selectors.user_by_phone((other_phone or "").strip())
    if other is None or other.pk == user.pk or selectors.home_community_code(other) != home:
        raise ValidationError({"other_phone": _("本社区没有使用这个手机号的居民。")})
    giver, receiver = (user, other) if gave else (other, user)
    return Help.objects.create(
        giver=giver,
        receiver=receiver,
        minutes=int(hours * 60),
        what=what,
        region_code=home,
        recorded_by=user,
        recorded_at=clock.now(),
    )


def _waiting(user, help_id):
    record = Help.objects.select_for_update().get(pk=help_id, status=Help.Status.PROPOSED)
    if user.pk not in (record.giver_id, record.receiver_id) or record.recorded_by_id == user.pk:
        raise Help.DoesNotExist
    return record


@transaction.atomic
def confirm_help(user, help_id):
    """确认: the other side agrees; the minutes move (receiver → giver) in this transaction."""
    record = _waiting(user, help_id)
    giver = ledger.person_account(record.giver, record.region_code)
    receiver = ledger.person_account(record.receiver, record.region_code)
    try:
        ledger.transfer(
            receiver,
            giver,
            "time",
            record.minutes,
            "transfer",
            f"points.help:{record.pk}",
            "points.HelpConfirmed",
            actor=user,
            memo=record.what,
        )
    except ledger.Overdraft:
        raise ValidationError(_("受助人的时间银行余额已到透支上限。")) from None
    now = clock.now()
    record.status, record.decided_at = Help.Status.CONFIRMED, now
    record.save(update_fields=["status", "decided_at"])
    events.publish(
        HelpConfirmed(
            help_id=record.pk, giver_id=record.giver_id, receiver_id=record.receiver_id, minutes=record.minutes, at=now
        )
    )
    return record


@transaction.atomic
def decline_help(user, help_id):
    record = _waiting(user, help_id)
    record.status, record.decided_at = Help.Status.DECLINED, clock.now()
    record.save(update_fields=["status", "decided_at"])
    return record


@transaction.atomic
def set_board_visibility(user, shown):
    """A resident shows or hides themselves on the community leaderboard."""
    account = ledger.person_account(user)
    Account.objects.filter(pk=account.pk, owner_kind=OwnerKind.PERSON).update(hidden_from_board=not shown)
    return account
