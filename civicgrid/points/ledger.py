"""The ledger's one write path: every entry is posted here, with its account's balance, under the
account row's lock, inside the caller's transaction.

- `account_for(owner_kind, owner_id, ...)` finds or creates an account without a race (INSERT … ON
  CONFLICT DO NOTHING, then a read), `lock(account_id)` takes its row lock.
- `post(account, kind, amount, rule, source, event, ...)` writes one entry and moves the balance;
  a second post of the same (source, account, rule) changes nothing and returns None (a replay).
- `transfer(...)` posts two entries that sum to zero (a redemption, a refund, a time-bank help),
  locking both accounts in id order so two transfers cannot deadlock.
- `reverse(entry, actor, memo)` posts the opposite of an entry (a correction; entries are never
  edited).
- `post_new(...)` is the listeners' hot path for a positive earning without caps: one INSERT … ON
  CONFLICT DO NOTHING and, when it wrote, one balance UPDATE (which takes the row lock) — no read of
  the account row first. Two deliveries of one event cannot both write (the unique constraint), and
  the balance moves in the same transaction as its entry, so reconcile_points stays exact.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from civicgrid.core import clock
from civicgrid.points.models import BALANCE_FIELD, Account, Entry, Kind, OwnerKind


class Overdraft(ValidationError):
    pass


def account_for(owner_kind, owner_id, *, region_code="", name="", user=None):
    """The owner's account, created on first use (concurrent first uses create one row)."""
    account = Account.objects.filter(owner_kind=owner_kind, owner_id=owner_id).first()
    if account is not None:
        return account
    Account.objects.bulk_create(
        [
            Account(
                owner_kind=owner_kind,
                owner_id=owner_id,
                user=user,
                region_code=region_code,
                name=name[:100],
            )
        ],
        ignore_conflicts=True,
    )
    return Account.objects.get(owner_kind=owner_kind, owner_id=owner_id)


def person_account(user, region_code=""):
    """A person's account; its region is their home community when known."""
    if not region_code:
        from civicgrid.points.selectors import home_community_code

        region_code = home_community_code(user)
    account = account_for(OwnerKind.PERSON, user.pk, region_code=region_code, name=user.name or "", user=user)
    if not account.region_code and region_code:
        Account.objects.filter(pk=account.pk, region_code="").update(region_code=region_code)
        account.region_code = region_code
    return account


def lock(account_id):
    return Account.objects.select_for_update().get(pk=account_id)


def locked_person_account(user_id, region_code=""):
    """The person's account, locked (one query when it exists: the listeners' path); created first
    when it does not. None when there is no such user."""
    account = Account.objects.select_for_update().filter(owner_kind=OwnerKind.PERSON, owner_id=user_id).first()
    if account is None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            return None
        return lock(person_account(user, region_code).pk)
    if not account.region_code and region_code:
        Account.objects.filter(pk=account.pk, region_code="").update(region_code=region_code)
        account.region_code = region_code
    return account


def _floor(account, kind):
    if kind == Kind.TIME:
        from civicgrid.points import conf

        return -conf.get("POINTS_TIMEBANK_CREDIT_MINUTES") if account.owner_kind == OwnerKind.PERSON else None
    return 0


def post(
    account,
    kind,
    amount,
    rule,
    source,
    event,
    *,
    actor=None,
    memo="",
    at=None,
    reverses=None,
    locked=False,
    fresh=False,
):
    """Write one entry and move `account`'s balance by `amount` (the row locked here unless
    `locked`). None when (source, account, rule) was posted before (a replay: nothing changes).
    Raises Overdraft when the balance would go below its floor."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post runs inside the caller's transaction")
    kind = Kind(kind)
    amount = int(amount)
    if amount == 0:
        return None
    if not locked:
        account = lock(account.pk)
    # `fresh`: the caller holds the lock and found no entry of this source (earn()); the unique
    # (source, account, rule) still stands behind both.
    if not fresh and Entry.objects.filter(source=source, account=account, rule=rule).exists():
        return None
    field = BALANCE_FIELD[kind]
    floor = _floor(account, kind)
    if amount < 0 and floor is not None and getattr(account, field) + amount < floor:
        raise Overdraft(_("积分不足。"))
    entry = Entry.objects.create(
        account=account,
        region_code=account.region_code,
        kind=kind,
        amount=amount,
        rule=rule,
        source=source[:80],
        event=event[:60],
        memo=memo[:200],
        at=at or clock.now(),
        actor=actor,
        reverses=reverses,
    )
    Account.objects.filter(pk=account.pk).update(**{field: F(field) + amount})
    setattr(account, field, getattr(account, field) + amount)
    return entry


def transfer(debit, credit, kind, amount, rule, source, event, *, actor=None, memo=""):
    """Move `amount` from `debit` to `credit`: two entries summing to zero, or neither."""
    first, second = sorted([debit.pk, credit.pk])
    locked = {first: lock(first), second: lock(second)}
    out = post(locked[debit.pk], kind, -amount, rule, source, event, actor=actor, memo=memo, locked=True)
    back = post(locked[credit.pk], kind, amount, rule, source, event, actor=actor, memo=memo, locked=True)
    if (out is None) != (back is None):
        raise RuntimeError(f"half a transfer for {source}")
    return out, back


def reverse(entry, actor, memo=""):
    """冲正: the opposite entry (once per entry)."""
    if entry.reverses_id is not None:
        raise ValidationError(_("冲正记录不能再冲正。"))
    return post(
        entry.account,
        entry.kind,
        -entry.amount,
        "reverse",
        f"points.entry:{entry.pk}",
        "points.EntryReversed",
        actor=actor,
        memo=memo or _("冲正"),
        reverses=entry,
    )


def person_account_ref(user_id):
    """(account id, region code) of a person's account, or None: one indexed read, no lock."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('id')}, {quote('region_code')} FROM {quote(Account._meta.db_table)} "
            f"WHERE {quote('owner_kind')} = %s AND {quote('owner_id')} = %s",
            [OwnerKind.PERSON.value, int(user_id)],
        )
        return cursor.fetchone()


_ENTRY_COLUMNS = ("account_id", "region_code", "kind", "amount", "rule", "source", "event", "memo", "at")


def post_new(account_id, region_code, kind, amount, rule, source, event, *, memo="", at=None):
    """Write a positive entry once and move the balance (the listeners' path for rules without caps).
    Returns the new entry's id, or None when (source, account, rule) was posted before (a replay)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post_new runs inside the caller's transaction")
    amount = int(amount)
    if amount <= 0:
        raise ValueError("post_new posts positive amounts only")
    field = BALANCE_FIELD[Kind(kind)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in _ENTRY_COLUMNS)
    values = [
        account_id,
        region_code,
        Kind(kind).value,
        amount,
        rule,
        source[:80],
        event[:60],
        memo[:200],
        connection.ops.adapt_datetimefield_value(at or clock.now()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Entry._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(values))}) "
            f"ON CONFLICT ({quote('source')}, {quote('account_id')}, {quote('rule')}) DO NOTHING "
            f"RETURNING {quote('id')}",
            values,
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(
            f"UPDATE {quote(Account._meta.db_table)} SET {quote(field)} = {quote(field)} + %s WHERE {quote('id')} = %s",
            [amount, account_id],
        )
    return row[0]
