"""The property app's write path (`from civicgrid.property import actions`).

Refusals raise ValidationError (a message for the person); a row outside the user's scope raises
its model's DoesNotExist (the views answer 404) and changes nothing. A repair's steps are the cases
app's actions on its case (cases.CaseError subclasses pass through)."""

from civicgrid.property.actions.bills import ImportReport, import_bills, save_bill, set_bill_status
from civicgrid.property.actions.ratings import answer_survey, create_period, publish_period, set_marks
from civicgrid.property.actions.repairs import (
    REPAIR_EDITION,
    ensure_repair_categories,
    escalate_overdue_repairs,
    feedback_repair,
    link_company,
    rate_repair,
    repair_categories,
    report_repair,
    take_repair,
)

__all__ = [
    "REPAIR_EDITION",
    "ImportReport",
    "answer_survey",
    "create_period",
    "ensure_repair_categories",
    "escalate_overdue_repairs",
    "feedback_repair",
    "import_bills",
    "link_company",
    "publish_period",
    "rate_repair",
    "repair_categories",
    "report_repair",
    "save_bill",
    "set_bill_status",
    "set_marks",
    "take_repair",
]
