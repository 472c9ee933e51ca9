"""Excel import (templates, upload, row errors in the page and as a file) and export of filtered lists."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from civicgrid.core.http import client_ip
from civicgrid.people import export, importer
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
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run = importer.import_file(
                request.user, form.cleaned_data["kind"], upload.read(), upload.name, ip=client_ip(request)
            )
            status = 200 if run.accepted else 400
        else:
            status = 400
    recent = ImportRun.objects.filter(user=request.user)[:10]
    return render(
        request,
        "people/import.html",
        {"form": form, "run": run, "recent": recent, "kinds": ImportKind.choices},
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
    query = request.GET.get("q", "").strip()[:50]
    if request.method == "POST" and form.is_valid():
        plain = form.cleaned_data["plain"] and can_plain
        content, rows = export.persons_workbook(
            request.user,
            region,
            tag=tag,
            query=query,
            plain=plain,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(content, f"persons-{region.code}-{stamp}.xlsx")
    return render(
        request,
        "people/export.html",
        {"form": form, "region": region, "tag": tag, "query": query, "can_plain": can_plain, "title": _("导出人员")},
        status=400 if request.method == "POST" else 200,
    )
