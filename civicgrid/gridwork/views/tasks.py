"""摸排任务 pages: grid workers' task list, targets and one form per target (JSON for the offline
queue, or a plain form post); staff create tasks, follow progress per grid and worker, close them
and export the results to Excel."""

import contextlib
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicgrid.core.text import object_id
from civicgrid.gridwork import actions, selectors
from civicgrid.gridwork.actions.tasks import FIELD_TYPES
from civicgrid.gridwork.models import Target, TargetKind, Task
from civicgrid.gridwork.views.common import error_json, holds, json_body
from civicgrid.regions.models import Level, Region

FORM_ROWS = 6
TYPE_LABELS = {"text": "文本", "number": "数字", "choice": "选择", "photo": "照片", "date": "日期"}


def _messages(exc):
    return " ".join(m for values in getattr(exc, "message_dict", {"": exc.messages}).values() for m in values)


@login_required
def tasks(request):
    holds(request, "gridwork.change_target")
    return render(request, "gridwork/tasks.html", {"tasks": selectors.worker_tasks(request.user)})


@login_required
def task_targets(request, pk):
    holds(request, "gridwork.change_target")
    targets = selectors.worker_targets(request.user, pk)
    task = Task.objects.filter(pk=pk).first()
    if task is None or not targets.exists():
        raise Http404
    return render(request, "gridwork/task_targets.html", {"task": task, "targets": targets[:500]})


@login_required
def target_form(request, pk):
    try:
        target = Target.objects.restrict(request.user, "change").select_related("task").get(pk=pk)
    except Target.DoesNotExist:
        raise Http404 from None
    task = target.task
    failed = False
    if request.method == "POST":
        is_json = request.content_type == "application/json"
        try:
            if is_json:
                data = json_body(request)
                answers, photos, key = data.get("answers"), {}, data.get("key", "")
            else:
                answers = {f["key"]: request.POST.get(f["key"], "") for f in task.fields if f["type"] != "photo"}
                photos = {
                    f["key"]: request.FILES[f["key"]]
                    for f in task.fields
                    if f["type"] == "photo" and f["key"] in request.FILES
                }
                key = request.POST.get("key", "")
            actions.submit_form(request.user, target.pk, answers, photos, key=key)
        except ValidationError as exc:
            if is_json:
                return error_json(exc)
            messages.error(request, _messages(exc))
            failed = True
        else:
            if is_json:
                return JsonResponse({"ok": True})
            messages.success(request, _("已填报。"))
            return redirect("gridwork:task_targets", task.pk)
    fields = [{**f, "value": target.answers.get(f["key"], "")} for f in task.fields]
    return render(
        request,
        "gridwork/target_form.html",
        {"target": target, "task": task, "fields": fields},
        status=400 if failed else 200,
    )


# --- Staff ----------------------------------------------------------------------------------


def _regions(user):
    from civicgrid.accounts.scopes import scope_codes
    from civicgrid.core.scoping import subtree_q

    codes = scope_codes(user, "gridwork.add_task")
    regions = Region.objects.filter(level__in=[Level.STREET, Level.COMMUNITY, Level.GRID], is_active=True).defer(
        "boundary"
    )
    return regions if codes is None else regions.filter(subtree_q("code", codes))


@login_required
def manage(request):
    holds(request, "gridwork.view_task")
    return render(request, "gridwork/manage.html", {"tasks": selectors.staff_tasks(request.user)[:200]})


@login_required
def task_new(request):
    from civicgrid.people.models import Tag

    holds(request, "gridwork.add_task")
    regions = _regions(request.user)
    error, post = None, request.POST if request.method == "POST" else None
    if post is not None:
        fields = []
        for i in range(FORM_ROWS):
            label = post.get(f"label{i}", "").strip()
            if label:
                choices = [c.strip() for c in post.get(f"choices{i}", "").replace("，", ",").split(",") if c.strip()]
                fields.append(
                    {
                        "label": label,
                        "type": post.get(f"type{i}"),
                        "choices": choices,
                        "required": post.get(f"required{i}") == "1",
                    }
                )
        deadline = None
        with contextlib.suppress(ValueError):
            deadline = timezone.make_aware(datetime.fromisoformat(post.get("deadline", "")[:16]))
        try:
            task = actions.create_task(
                request.user,
                title=post.get("title", ""),
                description=post.get("description", ""),
                region=regions.filter(pk=object_id(post.get("region")) or 0).first(),
                fields=fields,
                target_kind=post.get("target_kind", ""),
                tag_code=post.get("tag_code", ""),
                deadline=deadline,
            )
        except ValidationError as exc:
            error = _messages(exc)
        else:
            messages.success(request, _("摸排任务已发布，共 %(n)s 个对象。") % {"n": task.targets})
            return redirect("gridwork:task_progress", task.pk)
    return render(
        request,
        "gridwork/task_new.html",
        {
            "regions": regions[:300],
            "rows": range(FORM_ROWS),
            "types": [(t, _(TYPE_LABELS[t])) for t in FIELD_TYPES],
            "kinds": TargetKind.choices,
            "tags": Tag.objects.order_by("order", "code"),
            "error": error,
            "post": post or {},
        },
        status=400 if error else 200,
    )


def _staff_task(request, pk, action="view"):
    try:
        return Task.objects.restrict(request.user, action).get(pk=pk)
    except Task.DoesNotExist:
        raise Http404 from None


@login_required
def task_progress(request, pk):
    task = _staff_task(request, pk)
    return render(
        request,
        "gridwork/task_progress.html",
        {
            "task": task,
            "progress": selectors.progress(task),
            "can_close": request.user.has_perm("gridwork.change_task"),
        },
    )


@login_required
@require_POST
def task_close(request, pk):
    try:
        actions.close_task(request.user, pk)
    except Task.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("任务已结束。"))
    return redirect("gridwork:task_progress", pk)


@login_required
def task_export(request, pk):
    from civicgrid.gridwork.export import task_workbook

    task = _staff_task(request, pk)
    response = HttpResponse(
        task_workbook(task), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="task-{task.pk}.xlsx"'
    return response
