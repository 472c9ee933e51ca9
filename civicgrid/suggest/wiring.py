"""What this part of smart intake plugs in (called once from SuggestConfig.ready()): the urgency and
moderation reactions, the human-in-the-loop records, the routing hint beside the dispatch form, the
accuracy page's navigation entry and the permissions its records need."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def routing_hint_provider(user, case):
    from civicgrid.cases import case_hints

    return case_hints.Hint(reverse("intake:route", args=[case.number]), str(_("建议派往：")))


def model_prediction(text):
    """The suggestion recorded at report time: the category model's best minor (the keyword rules
    when no model is trained)."""
    from civicgrid.suggest import feedback, selectors

    answer = selectors.suggest(text, limit=1)
    if not answer.suggestions:
        return None
    best = answer.suggestions[0]
    return feedback.Prediction(best.code, None if answer.fallback else best.score, answer.model_version)


def connect():
    from civicgrid.accounts import roles
    from civicgrid.accounts.models import Role
    from civicgrid.cases import case_hints, moderation
    from civicgrid.cases.events import CaseReported, CategoryCorrected
    from civicgrid.cases.workflow import Action
    from civicgrid.core import events, navigation
    from civicgrid.suggest import feedback, permissions, urgency

    roles.register(permissions.PERMISSIONS)
    feedback.set_predictor(model_prediction)
    moderation.register(urgency.moderation_reasons)
    events.subscribe(CaseReported, feedback.on_reported, phase=events.IN_TRANSACTION)
    events.subscribe(CategoryCorrected, feedback.on_category_corrected, phase=events.IN_TRANSACTION)
    case_hints.register(Action.DISPATCH, routing_hint_provider)
    navigation.register(
        navigation.NavItem(
            _("分类建议准确率"),
            "intake:accuracy",
            frozenset({Role.COMMAND_OPERATOR, Role.SYSTEM_ADMIN}),
            "eye",
            _("智能分类建议与最终类别的每周对比，发现模型漂移"),
            order=160,
            menu="analysis",
        )
    )
