"""Resident pages (phone): my compound's public figures (class, the five parties with masked phones,
the renovation and its fund's progress) and the renovation fund ledger (each household by house
number only), with the form to report a problem of the works. Another compound's answers 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.compounds import actions, selectors
from civicgrid.compounds.errors import CompoundsError, NotFound
from civicgrid.compounds.models import SupervisionKind
from civicgrid.compounds.views.common import resident_page


@resident_page
def mine(request):
    try:
        compound = selectors.resident_compound(request.user)
    except NotFound:
        return render(request, "compounds/mine.html", {"compound": None})
    page = selectors.compound_page(compound)
    return render(
        request,
        "compounds/mine.html",
        {
            "compound": compound,
            "star": page["star"],
            "parties": page["parties"],
            "items": [i for i in page["items"] if i.status == "open"],
            "project": page["project"],
            "fund": page["fund"],
        },
    )


@resident_page
def fund(request, pk):
    project = selectors.resident_project(request.user, pk)
    return render(
        request,
        "compounds/fund.html",
        {
            "project": project,
            "compound": project.compound,
            "fund": selectors.fund_totals(project),
            "pledges": selectors.ledger(project),
            "milestones": list(project.milestones.all()),
            "members": list(project.members.all()),
            "files": selectors.project_files(project),
            "kinds": SupervisionKind.choices,
        },
    )


@require_POST
@resident_page
def supervise(request, pk):
    project = selectors.resident_project(request.user, pk)
    back = reverse("compounds:fund", args=[project.pk])
    try:
        row = actions.report_supervision(
            request.user, project.pk, kind=request.POST.get("kind"), description=request.POST.get("description")
        )
    except NotFound:
        raise
    except CompoundsError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("已提交，案件编号 %(number)s，社区将转交项目责任方处理。") % {"number": row.case_number}
        )
    return redirect(back)
