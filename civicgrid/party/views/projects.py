"""Pages of 一支部一项目: the staff list (`party:projects`), a new project (`party:project_new`), a
project's page with its milestones, timeline and the steps the user may take (`party:project`, each
step a POST to its own URL), the private file view (`party:project_file`) and the public board
(`party:project_board`) every signed-in user sees. Out of sight: 404; bad input: the page again with
400 and the errors; a step the user may not take now: a message and back to the project."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicgrid.core.forms import add_errors
from civicgrid.core.text import object_id
from civicgrid.party.actions import projects as actions
from civicgrid.party.forms.projects import (
    AcceptForm,
    ApproveForm,
    FilterForm,
    MilestoneDoneForm,
    MilestoneForm,
    NoteForm,
    ProjectForm,
    ReturnForm,
)
from civicgrid.party.models import STAGE_ORDER, Milestone, Organisation, Project, ProjectFile, Stage
from civicgrid.party.selectors import projects as selectors
from civicgrid.party.views.common import private_file

PAGE, BOARD_PAGE = 30, 48


def _page(request, rows, size):
    number = object_id(request.GET.get("page")) or 1
    return Paginator(rows, size).get_page(min(number, 10_000))


def _filters(request):
    form = FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    return form, {"stage": data.get("stage") or "", "year": data.get("year")}


def _stages():
    return [(str(s), Stage(s).label) for s in STAGE_ORDER]


def _stage_rows(counts):
    return [(value, label, counts["by_stage"][value]) for value, label in _stages()]


@login_required
def staff_list(request):
    if not selectors.sees_any(request.user):
        raise Http404
    form, filters = _filters(request)
    status = 200 if filters is not None else 400
    filters = filters or {"stage": "", "year": None}
    rows = selectors.staff_list(request.user, **filters)
    page = _page(request, rows, PAGE)
    context = {
        "form": form,
        "page": page,
        "projects": page.object_list,
        "stage_rows": _stage_rows(selectors.stage_counts(selectors.projects_for(request.user))),
        "stages": _stages(),
        "can_propose": selectors.leadable_orgs(request.user).exists(),
        "query": {k: v for k, v in filters.items() if v},
    }
    return render(request, "party/projects_list.html", context, status=status)


@login_required
def new_project(request):
    organisations = selectors.leadable_orgs(request.user)
    if not organisations.exists():
        raise Http404
    form = ProjectForm(request.POST or None, organisations=organisations)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                project = actions.propose_project(
                    request.user,
                    d["organisation"].pk,
                    year=d["year"],
                    title=d["title"],
                    summary=d["summary"],
                    goal=d["goal"],
                    category=d["category"],
                    started_on=d["started_on"],
                    due_on=d["due_on"],
                )
            except Organisation.DoesNotExist:
                raise Http404 from None
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("项目已申报，等待上级党组织批准立项。"))
                return redirect("party:project", pk=project.pk)
        return render(request, "party/projects_form.html", {"form": form}, status=400)
    return render(request, "party/projects_form.html", {"form": form})


FORMS = {
    "approve": ApproveForm,
    "report": NoteForm,
    "supervise": NoteForm,
    "accept": AcceptForm,
    "return": ReturnForm,
    "add_milestone": MilestoneForm,
}


def _form(step, *data):
    return FORMS[step](*data, auto_id=f"{step}_%s")


def _detail(request, project, bound=None, status=200, failed_milestone=None):
    forms = {step: _form(step) for step in FORMS}
    if bound is not None and failed_milestone is None:
        forms[bound[0]] = bound[1]
    milestones = list(project.milestones.all())
    for m in milestones:
        failed = failed_milestone == m.pk and bound is not None
        m.done_form = bound[1] if failed else MilestoneDoneForm(auto_id=f"m{m.pk}_%s")
    context = {
        "project": project,
        "milestones": milestones,
        "notes": list(selectors.timeline(project)),
        "steps": selectors.allowed_steps(request.user, project),
        "forms": forms,
        "failed_milestone": failed_milestone,
        "stages": _stages(),
    }
    return render(request, "party/projects_detail.html", context, status=status)


@login_required
def detail(request, pk):
    project = selectors.project_for(request.user, pk)
    if project is None:
        raise Http404
    return _detail(request, project)


def _files(request):
    return {"photos": request.FILES.getlist("photos"), "documents": request.FILES.getlist("documents")}


STEPS = {
    "approve": (lambda r, pk, d: actions.approve_project(r.user, pk, body=d["body"]), gettext_lazy("已批准立项。")),
    "report": (
        lambda r, pk, d: actions.report_progress(r.user, pk, body=d["body"], **_files(r)),
        gettext_lazy("进展报告已提交。"),
    ),
    "supervise": (
        lambda r, pk, d: actions.supervise_project(r.user, pk, body=d["body"], **_files(r)),
        gettext_lazy("督导意见已提交。"),
    ),
    "accept": (
        lambda r, pk, d: actions.accept_project(r.user, pk, verdict=d["verdict"], score=d["score"], **_files(r)),
        gettext_lazy("项目已通过验收。"),
    ),
    "return": (lambda r, pk, d: actions.return_project(r.user, pk, body=d["body"]), gettext_lazy("已退回整改。")),
    "add_milestone": (
        lambda r, pk, d: actions.add_milestone(r.user, pk, title=d["title"], due_on=d["due_on"]),
        gettext_lazy("节点已添加。"),
    ),
}


def _input_error(form, exc):
    return hasattr(exc, "error_dict") and bool(set(exc.error_dict) & set(form.fields))


@require_POST
@login_required
def step(request, pk, step):
    project = selectors.project_for(request.user, pk)
    if project is None:
        raise Http404
    call, done = STEPS[step]
    form = _form(step, request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, project, (step, form), status=400)
    try:
        call(request, project.pk, form.cleaned_data)
    except (Project.DoesNotExist, Milestone.DoesNotExist):
        raise Http404 from None
    except ValidationError as exc:
        if _input_error(form, exc):
            add_errors(form, exc)
            return _detail(request, project, (step, form), status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect("party:project", pk=project.pk)
    messages.success(request, done)
    return redirect("party:project", pk=project.pk)


@require_POST
@login_required
def milestone_done(request, pk):
    milestone = Milestone.objects.filter(pk=pk, project__in=selectors.projects_for(request.user).values("pk")).first()
    if milestone is None:
        raise Http404
    project = selectors.project_for(request.user, milestone.project_id)
    form = MilestoneDoneForm(request.POST, request.FILES, auto_id=f"m{milestone.pk}_%s")
    if form.is_valid():
        try:
            actions.complete_milestone(
                request.user, milestone.pk, evidence=form.cleaned_data["evidence"], **_files(request)
            )
        except (Project.DoesNotExist, Milestone.DoesNotExist):
            raise Http404 from None
        except ValidationError as exc:
            if not _input_error(form, exc):
                messages.error(request, " ".join(exc.messages))
                return redirect("party:project", pk=project.pk)
            add_errors(form, exc)
        else:
            messages.success(request, _("节点已完成。"))
            return redirect("party:project", pk=project.pk)
    return _detail(request, project, ("complete_milestone", form), status=400, failed_milestone=milestone.pk)


@login_required
def file(request, pk):
    row = ProjectFile.objects.filter(pk=pk, project__in=selectors.projects_for(request.user).values("pk")).first()
    if row is None:
        raise Http404
    try:
        handle = actions.open_file(row)
    except OSError:
        raise Http404 from None
    inline = row.kind == "photo"
    return private_file(handle, row, download=not inline)


@login_required
def board(request):
    form, filters = _filters(request)
    status = 200 if filters is not None else 400
    filters = filters or {"stage": "", "year": None}
    rows, counts = selectors.board(**filters)
    page = _page(request, rows, BOARD_PAGE)
    context = {
        "form": form,
        "page": page,
        "projects": page.object_list,
        "counts": counts,
        "stage_rows": _stage_rows(counts),
        "stages": _stages(),
        "filters": filters,
        "query": {k: v for k, v in filters.items() if v},
    }
    return render(request, "party/projects_board.html", context, status=status)


urlpatterns = [
    path("projects/", staff_list, name="projects"),
    path("projects/new/", new_project, name="project_new"),
    path("projects/board/", board, name="project_board"),
    path("projects/<int:pk>/", detail, name="project"),
    path("projects/<int:pk>/approve/", step, {"step": "approve"}, name="project_approve"),
    path("projects/<int:pk>/report/", step, {"step": "report"}, name="project_report"),
    path("projects/<int:pk>/supervise/", step, {"step": "supervise"}, name="project_supervise"),
    path("projects/<int:pk>/accept/", step, {"step": "accept"}, name="project_accept"),
    path("projects/<int:pk>/return/", step, {"step": "return"}, name="project_return"),
    path("projects/<int:pk>/milestones/", step, {"step": "add_milestone"}, name="project_milestone_add"),
    path("projects/milestones/<int:pk>/done/", milestone_done, name="project_milestone_done"),
    path("projects/files/<int:pk>/", file, name="project_file"),
]
