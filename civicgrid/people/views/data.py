"""Excel import (templates, upload, row errors in the page and as a file) and export of filtered lists."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from civicgrid.core import longjobs
from civicgrid.core.http import client_ip
from civicgrid.core.text import strip_forbidden
from civicgrid.people import export, importer, jobs
from civicgrid.people.forms import ExportForm, ImportForm
from civicgrid.people.models import ImportKind, ImportRun
from civicgrid.people.policy import allowed
from civicgrid.people.views.common import chosen_region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    response["Cache-Control"] = "no-store"
    return response


def _require_import(user):
    if not allowed(user, "people.import_person"):
        raise Http404


@login_required
@require_GET
def template(request, kind):
    _require_import(request.user)
    if kind not in ImportKind.values:
        raise Http404
    content = importer.workbook_bytes(importer.template_workbook(kind))
    return xlsx_response(content, f"template-{kind}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    _require_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    run = None
    status = 200
    busy = None
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            kind, data = form.cleaned_data["kind"], upload.read()
            if len(data) > settings.JOBS_IMPORT_INLINE_KB * 1024:
                # A large file is read, checked and written by a background job with a progress bar.
                try:
                    job = jobs.start_import(request.user, kind, data, upload.name, ip=client_ip(request))
                except longjobs.JobBusy as exc:
                    busy, status = exc.job, 409
                else:
                    return redirect("core:job", job.pk)
            else:
                run = importer.import_file(request.user, kind, data, upload.name, ip=client_ip(request))
                status = 200 if run.accepted else 400
        else:
            status = 400
    recent = ImportRun.objects.filter(user=request.user)[:10]
    return render(
        request,
        "people/import.html",
        {"form": form, "run": run, "recent": recent, "kinds": ImportKind.choices, "busy": busy},
        status=status,
    )


@login_required
@require_GET
def import_errors(request, pk):
    _require_import(request.user)
    run = get_object_or_404(ImportRun, pk=pk, user=request.user)
    content = importer.workbook_bytes(importer.errors_workbook(run))
    return xlsx_response(content, f"import-errors-{run.pk}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def export_persons(request):
    """Export the persons of a region (optionally one tag): masked unless the user may unmask and
    asks for plain values; always with a reason, logged, and stamped with exporter and time."""
    region, _roots = chosen_region(request)
    if not allowed(request.user, "people.export_person", region.code):
        raise Http404
    can_plain = allowed(request.user, "people.unmask_person", region.code)
    form = ExportForm(request.POST or None)
    tag = request.GET.get("tag", "")
    query = strip_forbidden(request.GET.get("q", "")).strip()[:50]
    busy = None
    if request.method == "POST" and form.is_valid():
        options = {
            "tag": tag,
            "query": query,
            "plain": form.cleaned_data["plain"] and can_plain,
            "reason": form.cleaned_data["reason"],
            "ip": client_ip(request),
        }
        if export.persons_to_export(request.user, region, tag=tag, query=query).count() > (
            settings.JOBS_EXPORT_INLINE_ROWS
        ):
            # A long list is written by a background job; its page offers the file when it is done.
            try:
                job = jobs.start_export(request.user, region, **options)
            except longjobs.JobBusy as exc:
                busy = exc.job
            else:
                return redirect("core:job", job.pk)
    if request.method == "POST" and form.is_valid() and busy is None:
        content, rows = export.persons_workbook(request.user, region, **options)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(content, f"persons-{region.code}-{stamp}.xlsx")
    return render(
        request,
        "people/export.html",
        {
            "form": form,
            "region": region,
            "tag": tag,
            "query": query,
            "can_plain": can_plain,
            "title": _("导出人员"),
            "busy": busy,
        },
        status=(409 if busy else 400) if request.method == "POST" else 200,
    )
