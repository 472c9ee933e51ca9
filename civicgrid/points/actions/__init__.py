"""The write path of points: one `@transaction.atomic` function per intent (civicgrid.points.actions.*).

- mall: merchants, their counter staff and items (staff in scope); redeem, cancel (residents) and
  verify (a merchant's counter staff);
- awards: staff awards with a reason (a second person approves above the threshold), garbage-sorting
  streaks and sponsorships by rule, reversing an entry;
- timebank: record an hour of help, confirm or decline it (the other side);
- settings: a resident hides themselves from the leaderboard.

Refusals raise ValidationError; a record outside the user's reach raises DoesNotExist (404), and
nothing changes.
"""

from civicgrid.points.actions.awards import (
    approve_award,
    award,
    record_by_rule,
    reject_award,
    reverse_entry,
    save_rule,
)
from civicgrid.points.actions.mall import (
    add_merchant_staff,
    cancel_redemption,
    redeem,
    redemption_code,
    remove_merchant_staff,
    save_item,
    save_merchant,
    verify_code,
)
from civicgrid.points.actions.timebank import confirm_help, decline_help, record_help, set_board_visibility

__all__ = [
    "add_merchant_staff",
    "approve_award",
    "award",
    "cancel_redemption",
    "confirm_help",
    "decline_help",
    "record_by_rule",
    "record_help",
    "redeem",
    "redemption_code",
    "reject_award",
    "remove_merchant_staff",
    "reverse_entry",
    "save_rule",
    "save_item",
    "save_merchant",
    "set_board_visibility",
    "verify_code",
]
