"""The write path for warning rules (the admin edits them): validated, and every creation, change
and deletion written to the change log (civicgrid.core.changelog) with who did it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.accounts.models import Role
from civicgrid.core.changelog import delete_logged, record_change, snapshot, stored_snapshot
from civicgrid.core.models import ObjectChange

Action = ObjectChange.Action
RULE_FIELDS = ["name", "kind", "region", "threshold", "radius_m", "days", "action", "notify_role", "is_active"]


def check_notify_role(value):
    """The role a rule notifies: empty (the rule's default) or one of the roles people hold."""
    if value and value not in Role.values:
        raise ValidationError(_("未知的角色 %(role)s。") % {"role": value}, code="unknown_role")
    return value


def validate_rule(rule):
    rule.full_clean()
    try:
        check_notify_role(rule.notify_role)
    except ValidationError as exc:
        raise ValidationError({"notify_role": exc.error_list}) from exc


@transaction.atomic
def save_warning_rule(rule, *, user=None):
    """Create or update a rule from the (edited) instance; raises ValidationError and writes nothing
    when it is invalid."""
    creating = rule.pk is None
    before = None if creating else stored_snapshot(rule, RULE_FIELDS)
    validate_rule(rule)
    rule.save()
    record_change(user, rule, Action.CREATE if creating else Action.UPDATE, before, snapshot(rule, RULE_FIELDS))
    return rule


@transaction.atomic
def delete_warning_rule(rule, *, user=None):
    """Delete a rule (its firings go with it); the log keeps what it was."""
    delete_logged(user, rule, snapshot(rule, RULE_FIELDS))
