"""Smart intake's staff pages of this branch: the routing suggestion a dispatcher's case page
fetches, and the weekly accuracy page. Thin: the work is in routing_hint and accuracy."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from civicgrid.cases import selectors, workflow
from civicgrid.cases.errors import CaseNotFound
from civicgrid.core.scoping import scope_codes
from civicgrid.suggest import accuracy, routing_hint
from civicgrid.suggest import selectors as suggestions


@login_required
@require_GET
def route(request, number):
    """JSON: the handling level and department most likely to close this case, and why (for who
    may accept or dispatch it; anyone else: not found)."""
    try:
        case = selectors.visible_case(request.user, number)
    except CaseNotFound:
        raise Http404() from None
    # Only who may send the case on (intake, dispatch) is told where to send it; a reporter is not.
    if not {workflow.Action.ACCEPT, workflow.Action.DISPATCH} & set(workflow.allowed_actions(request.user, case)):
        raise Http404()
    response = JsonResponse(routing_hint.suggest_route(request.user, case).as_dict())
    response["Cache-Control"] = "private, no-store"
    return response


def may_read_accuracy(user):
    return user.is_authenticated and scope_codes(user, "suggest.view_suggestionrecord") != []


@login_required
@require_GET
def accuracy_page(request):
    if not may_read_accuracy(request.user):
        raise Http404()
    report = accuracy.weekly_accuracy(request.user)
    model_label, keywords_only = suggestions.model_status()
    return render(
        request,
        "suggest/accuracy.html",
        {"report": report, "model_label": model_label, "keywords_only": keywords_only},
    )
