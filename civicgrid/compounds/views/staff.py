"""Staff pages (laptop): the compounds in scope with their classes, counts and the streets' targets;
a compound's page (five parties, open cases, the rectification ledger, class history, renovation and
other apps' panels); a renovation project's page with its fund ledger."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.compounds import actions, selectors
from civicgrid.compounds.models import (
    FileKind,
    ItemStatus,
    Milestone,
    PartyKind,
    Pledge,
    ProjectStatus,
    RectificationItem,
    StarRise,
    SupervisionKind,
)
from civicgrid.compounds.views.common import run, staff_page
from civicgrid.core import clock
from civicgrid.core.panels import panels_for
from civicgrid.regions.models import Level, Region


@staff_page
def overview(request):
    rows = selectors.overview(request.user)
    streets = selectors.street_progress(request.user)
    may_target = [s for s, _t, _d in streets if selectors.may(request.user, "compounds.change_streettarget", s.code)]
    return render(
        request,
        "compounds/list.html",
        {
            "rows": rows,
            "zero": selectors.zero_complaint(rows),
            "streets": streets,
            "target_streets": may_target,
            "year": clock.now().year,
        },
    )


@staff_page
def detail(request, pk):
    compound = selectors.staff_compound(request.user, pk)
    page = selectors.compound_page(compound)
    user = request.user
    code = compound.region_code
    next_level = page["star"] + 1
    return render(
        request,
        "compounds/detail.html",
        {
            "compound": compound,
            **page,
            "next_level": next_level,
            "next_criteria": selectors.criteria().get(next_level, []),
            "party_kinds": PartyKind.choices,
            "may_ledger": selectors.may(user, "compounds.change_rectificationitem", code),
            "may_party": selectors.may(user, "compounds.change_party", code),
            "may_rise": selectors.may(user, "compounds.add_starrise", code),
            "may_review": selectors.may(user, "compounds.change_starrise", code),
            "may_project": selectors.may(user, "compounds.change_renovationproject", code),
            "open_status": ItemStatus.OPEN,
            "panels": panels_for("compound", request, compound),
        },
    )


def _visible(model, pk, user):
    """The row of `model` (one with a region_code) the user may see, or 404 like a missing one."""
    row = model.objects.filter(pk=pk).first()
    if row is None or not selectors.may(user, selectors.VIEW, row.region_code):
        raise Http404()
    return row


def _compound_back(request, pk):
    compound = selectors.staff_compound(request.user, pk)
    return compound, reverse("compounds:detail", args=[compound.pk])


@require_POST
@staff_page
def item_add(request, pk):
    compound, back = _compound_back(request, pk)
    p = request.POST
    return run(
        request,
        back,
        actions.add_item,
        request.user,
        compound,
        problem=p.get("problem"),
        measure=p.get("measure"),
        owner=p.get("owner"),
        due_date=p.get("due_date"),
        done=_("已加入整改台账。"),
    )


@require_POST
@staff_page
def item_close(request, pk):
    item = _visible(RectificationItem, pk, request.user)
    back = reverse("compounds:detail", args=[item.compound_id])
    return run(
        request,
        back,
        actions.close_item,
        request.user,
        item.pk,
        evidence=request.POST.get("evidence"),
        done=_("已销号。"),
    )


@require_POST
@staff_page
def party_add(request, pk):
    compound, back = _compound_back(request, pk)
    p = request.POST
    return run(
        request,
        back,
        actions.add_party,
        request.user,
        compound,
        kind=p.get("kind"),
        name=p.get("name"),
        contact=p.get("contact", ""),
        phone=p.get("phone", ""),
    )


@require_POST
@staff_page
def rise_request(request, pk):
    compound, back = _compound_back(request, pk)
    return run(
        request,
        back,
        actions.request_rise,
        request.user,
        compound,
        criteria_met=request.POST.getlist("criteria"),
        note=request.POST.get("note", ""),
        done=_("已提交提星申请，待街道确认。"),
    )


@require_POST
@staff_page
def rise_review(request, pk):
    rise = _visible(StarRise, pk, request.user)
    back = reverse("compounds:detail", args=[rise.compound_id])
    confirm = request.POST.get("decision") == "confirm"
    return run(request, back, actions.review_rise, request.user, rise.pk, confirm=confirm, done=_("已处理提星申请。"))


@require_POST
@staff_page
def target(request):
    street = Region.objects.filter(code=request.POST.get("street", ""), level=Level.STREET).first()
    if street is None or not selectors.may(request.user, selectors.VIEW, street.code):
        raise Http404()
    return run(
        request,
        reverse("compounds:list"),
        actions.set_target,
        request.user,
        street,
        year=request.POST.get("year"),
        target=request.POST.get("target"),
        done=_("已保存年度目标。"),
    )


# --- Renovation ------------------------------------------------------------------------------------


@require_POST
@staff_page
def project_new(request, pk):
    compound, back = _compound_back(request, pk)
    p = request.POST
    return run(
        request,
        back,
        actions.create_project,
        request.user,
        compound,
        title=p.get("title"),
        plan=p.get("plan", ""),
        contractor=p.get("contractor", ""),
        fund_target=p.get("fund_target") or "0",
        done=_("已建立改造项目。"),
    )


@staff_page
def project(request, pk):
    item = selectors.staff_project(request.user, pk)
    pledges = selectors.ledger(item)
    pledged_ids = set(Pledge.objects.filter(project=item).values_list("household_id", flat=True))
    return render(
        request,
        "compounds/project.html",
        {
            "project": item,
            "compound": item.compound,
            "fund": selectors.fund_totals(item),
            "pledges": pledges,
            "houses": [h for h in selectors.households(item) if h[0] not in pledged_ids],
            "milestones": list(item.milestones.all()),
            "members": list(item.members.all()),
            "files": selectors.project_files(item),
            "reports": list(item.reports.all()[:50]),
            "statuses": ProjectStatus.choices,
            "may_change": selectors.may(request.user, "compounds.change_renovationproject", item.region_code),
            "supervision_kinds": SupervisionKind.choices,
        },
    )


def _project_back(request, pk):
    item = selectors.staff_project(request.user, pk)
    return item, reverse("compounds:project", args=[item.pk])


@require_POST
@staff_page
def project_edit(request, pk):
    item, back = _project_back(request, pk)
    p = request.POST
    return run(
        request,
        back,
        actions.update_project,
        request.user,
        item.pk,
        title=p.get("title"),
        plan=p.get("plan", ""),
        contractor=p.get("contractor", ""),
        fund_target=p.get("fund_target") or "0",
        status=p.get("status") or None,
        done=_("已保存。"),
    )


@require_POST
@staff_page
def member_add(request, pk):
    item, back = _project_back(request, pk)
    p = request.POST
    return run(
        request,
        back,
        actions.add_member,
        request.user,
        item.pk,
        name=p.get("name"),
        duty=p.get("duty"),
        phone=p.get("phone", ""),
    )


@require_POST
@staff_page
def milestone_add(request, pk):
    item, back = _project_back(request, pk)
    p = request.POST
    return run(
        request, back, actions.add_milestone, request.user, item.pk, title=p.get("title"), due_date=p.get("due_date")
    )


@require_POST
@staff_page
def milestone_done(request, pk):
    milestone = _visible(Milestone, pk, request.user)
    back = reverse("compounds:project", args=[milestone.project_id])
    return run(
        request,
        back,
        actions.complete_milestone,
        request.user,
        milestone.pk,
        note=request.POST.get("note", ""),
        photos=request.FILES.getlist("photos"),
        done=_("节点已完成。"),
    )


@require_POST
@staff_page
def file_add(request, pk):
    item, back = _project_back(request, pk)
    return run(
        request,
        back,
        actions.add_files,
        request.user,
        item.pk,
        request.FILES.getlist("files"),
        kind=request.POST.get("kind") or FileKind.PLAN,
        title=request.POST.get("title", ""),
        done=_("已上传。"),
    )


@require_POST
@staff_page
def poll_open(request, pk):
    item, back = _project_back(request, pk)
    p = request.POST
    return run(
        request,
        back,
        actions.open_opinion_poll,
        request.user,
        item.pk,
        title=p.get("title"),
        question=p.get("question"),
        options=p.get("options", ""),
        days=p.get("days") or 14,
        done=_("已向本小区居民发起意见征集。"),
    )


@require_POST
@staff_page
def pledge_set(request, pk):
    item, back = _project_back(request, pk)
    p = request.POST
    return run(
        request,
        back,
        actions.set_pledge,
        request.user,
        item.pk,
        household_id=p.get("household"),
        pledged=p.get("pledged"),
        done=_("已登记认筹。"),
    )


@require_POST
@staff_page
def payment(request, pk):
    pledge = _visible(Pledge, pk, request.user)
    back = reverse("compounds:project", args=[pledge.project_id])
    return run(
        request,
        back,
        actions.record_payment,
        request.user,
        pledge.pk,
        paid=request.POST.get("paid"),
        done=_("已登记缴款。"),
    )


def project_file(request, pk, variant="file"):
    """A plan document or photo, for staff in scope or the compound's residents."""
    if not request.user.is_authenticated:
        raise Http404()
    row = selectors.file_for(request.user, pk)
    if row is None:
        raise Http404()
    from civicgrid.cases.uploads import attachment_storage

    name = row.thumbnail if variant == "thumb" and row.thumbnail else row.file
    try:
        handle = attachment_storage().open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404() from None
    response = FileResponse(handle, content_type=row.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
