"""The human in the loop (issue 16, item 5) and the reactions to a new case (item 4).

Listeners of the case loop's events (subscribed in civicgrid.suggest.wiring.connect()):

- CaseReported, in the transaction: hold a public case whose words are abusive or carry personal
  data off the neighbourhood board (civicgrid.cases.moderation.hold_case);
- CaseReported, after the commit (`after_report`, a background task: on the worker when a broker
  runs): record the top category suggestion for the case's words (SuggestionRecord), and raise a
  case whose words describe an emergency to urgent (civicgrid.cases.actions.raise_priority), which
  tells the command centre's operators and the street's staff at once;
- CategoryCorrected, in the transaction: the dispatcher's correction, against the suggestion that
  was shown (CategoryCorrection), and the record's final category.

The suggestion comes from the predictor (`set_predictor`): the smart-intake classifier registers
its own; until then the categories' keyword rules (civicgrid.cases.picker) answer.
"""

import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from civicgrid.cases import actions as case_actions
from civicgrid.cases import moderation, picker
from civicgrid.cases.models import Case, Category
from civicgrid.core import background, events
from civicgrid.suggest import urgency
from civicgrid.suggest.models import CategoryCorrection, SuggestionRecord

KEYWORD_VERSION = "keywords"


@dataclass(frozen=True)
class Prediction:
    code: str
    score: float | None = None
    model_version: str = ""


# The category groups the keyword rules read, kept in the process for a few minutes: the categories
# change rarely, and a report must not load a hundred of them again.
GROUPS_SECONDS = 300
_groups = {"at": None, "groups": None}


def _category_groups():
    now = time.monotonic()
    if _groups["at"] is None or now - _groups["at"] > GROUPS_SECONDS:
        minors = Category.objects.selectable().select_related("parent")
        _groups["groups"], _groups["at"] = picker.grouped(minors), now
    return _groups["groups"]


def forget_groups():
    _groups["at"] = None


def keyword_predictor(text):
    """The categories' keyword rules: the single best-matching minor category, if one wins."""
    found = picker.suggest(text, _category_groups())
    if found.minor is None:
        return None
    return Prediction(found.minor.code, None, KEYWORD_VERSION)


_predictor = [keyword_predictor]


def set_predictor(predictor):
    """Use `predictor(text) -> Prediction | None` for the suggestion recorded at report time (the
    classifier registers itself here); None restores the keyword rules."""
    _predictor[0] = predictor or keyword_predictor


def case_text(case):
    return "\n".join(part for part in (case.title, case.description, case.address) if part)


def predict(text):
    return _predictor[0](text)


def on_reported(event):
    """In the transaction of a new case: the board hold (no query unless the words call for one).
    The suggestion record and the urgency check follow after the commit (after_report): neither
    must hold up the report, and the case is there whatever they find. A quiet load of history
    (core.events.quiet: the demo) records the suggestion at once and raises nothing."""
    case = event.case
    if case is None:
        return
    if case.is_public:
        found = urgency.moderation_reasons(case_text(case))
        if found:
            moderation.hold_case(case, found)
    if events.is_quiet():
        text = case_text(case)
        _record_suggestion(case, case.category.code, text, urgency.assess(text).urgent)
        return
    background.after_commit("civicgrid.suggest.feedback.after_report", case.pk, case.category.code)


@background.task
def after_report(case_id, reported_code):
    """After the commit of a new case (on the worker when a broker runs, else in the process that
    committed): record the top suggestion for its words against the category it was reported under,
    and raise it to urgent when they describe an emergency. Running it twice changes nothing more."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    text = case_text(case)
    assessed = urgency.assess(text)
    _record_suggestion(case, reported_code, text, assessed.urgent)
    if assessed.urgent:
        case_actions.raise_priority(case.pk, terms=assessed.terms, source="suggest.urgency")


def _record_suggestion(case, reported_code, text, urgent):
    prediction = predict(text)
    SuggestionRecord.objects.get_or_create(
        case=case,
        defaults={
            "region_code": case.region_code or "",
            "suggested_code": prediction.code if prediction else "",
            "score": prediction.score if prediction else None,
            "model_version": prediction.model_version if prediction else "",
            "reported_code": reported_code,
            "final_code": reported_code,
            "urgent": urgent,
            "reported_at": case.reported_at,
        },
    )


@transaction.atomic
def on_category_corrected(event):
    """In the transaction of a category correction: record it against the suggestion."""
    details = event.details or {}
    before, after = str(details.get("before", "")), str(details.get("after", ""))
    case = event.case
    record = SuggestionRecord.objects.select_for_update().filter(case_id=event.case_id).first()
    if record is None:
        # A case reported before suggestions were recorded: no suggestion was shown.
        record = SuggestionRecord.objects.create(
            case_id=event.case_id,
            region_code=event.region_code,
            reported_code=before,
            final_code=after,
            reported_at=getattr(case, "reported_at", None) or event.at,
        )
    CategoryCorrection.objects.get_or_create(
        case_event_id=event.event_id,
        defaults={
            "record": record,
            "region_code": event.region_code,
            "from_code": before,
            "to_code": after,
            "suggested_code": record.suggested_code,
            "corrected_by_id": event.actor_id,
            "corrected_at": event.at,
        },
    )
    SuggestionRecord.objects.filter(pk=record.pk).update(
        final_code=after, corrections=F("corrections") + 1, region_code=event.region_code
    )
