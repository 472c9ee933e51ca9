"""列为紧急: raising a case to urgent when its words describe an emergency (issue 16, item 4).

The system does it (no user, no workflow step: the status does not change), on behalf of whoever
read the words (the smart-intake plug-in listens to CaseReported and calls `raise_priority`). The
timeline row records the terms; the command centre's operators above the case and the staff of its
street hear of it at once (notice kind WARNING, delivered after the commit).
"""

from django.db import transaction

from civicgrid.accounts.models import Role
from civicgrid.cases.actions.common import _append_event, _lock, _publish, _save
from civicgrid.cases.models import Case, EventType, Priority
from civicgrid.cases.notifications import Kind, Notice
from civicgrid.core import clock
from civicgrid.regions.models import Region


def duty_notice(case, kind=Kind.WARNING):
    """The duty officers of a case: the command centre's operators (指挥中心值班员) on every region
    above it and the street staff of its street."""
    from civicgrid.regions.codes import ancestor_codes

    units = [
        (str(Role.COMMAND_OPERATOR), pk)
        for pk in Region.objects.filter(code__in=[*ancestor_codes(case.region_code), case.region_code])
        .order_by("code")
        .values_list("pk", flat=True)
    ]
    if case.street_id:
        units.append((str(Role.STREET_STAFF), case.street_id))
    return Notice(kind, case.pk, units=tuple(units))


@transaction.atomic
def raise_priority(case, *, terms, source=""):
    """Raise `case` (a Case or its id) to urgent, naming the emergency `terms` that said so.

    Returns the case; a case already urgent, or one no longer open, is returned unchanged (so two
    listeners, or a retry, cannot raise it twice)."""
    case = _lock(case, None, Case.objects.all())
    if case.priority == Priority.URGENT or not case.is_open:
        return case
    at = clock.now()
    case.priority = Priority.URGENT
    event = _append_event(
        case,
        EventType.PRIORITY_RAISED,
        None,
        None,
        at=at,
        from_status=case.status,
        to_status=case.status,
        details={"terms": [str(term) for term in terms], "source": str(source)[:64]},
    )
    _save(case, ["priority"], at=at)
    _publish(case, event, [duty_notice(case)])
    return case
