"""The people app's long jobs (civicgrid.core.longjobs): an Excel import and a person-list export,
run on the Celery worker (a broker) or a thread of the web process (none), with progress."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core import background, longjobs
from civicgrid.people import export, importer
from civicgrid.people.models import ImportKind
from civicgrid.regions.models import Region

IMPORT = "civicgrid.people.jobs.run_import"
EXPORT = "civicgrid.people.jobs.run_export"


def start_import(user, kind, data, filename, ip=None):
    """Queue an import of `data`; one import at a time per scope (JobBusy otherwise)."""
    codes = scope_codes(user, "people.import_person")
    if codes is not None and not codes:
        raise PermissionError("no import permission")
    scope = ",".join(sorted(codes)) if codes is not None else "*"
    return longjobs.start(
        user,
        kind="people.import",
        title=_("导入%(kind)s：%(file)s") % {"kind": ImportKind(kind).label, "file": filename[:120]},
        function=IMPORT,
        params={"kind": kind, "filename": filename[:200], "ip": ip or ""},
        input_bytes=data,
        permission="people.import_person",
        region_code=codes[0] if codes else "",
        lock_key=f"people.import:{scope}"[:200],
    )


@background.task
def run_import(context):
    params = context.params
    run = importer.import_file(
        context.owner,
        params["kind"],
        context.input_bytes(),
        params["filename"],
        ip=params.get("ip") or None,
        progress=context.progress,
    )
    if run.accepted:
        message = _("导入成功：共 %(rows)s 行，新增 %(created)s，更新 %(updated)s，其余无变化。") % {
            "rows": run.rows,
            "created": run.created,
            "updated": run.updated,
        }
        links = []
    else:
        context.progress(errors=len(run.errors), written=0, force=True)
        message = _("未导入：发现 %(n)s 处错误，没有写入任何数据。请下载错误清单，修改后重新上传。") % {
            "n": len(run.errors)
        }
        links = [{"label": _("下载错误清单"), "url": reverse("people:import_errors", args=[run.pk])}]
    return {"summary": {"message": message, "links": links, "run": run.pk, "accepted": run.accepted}}


def start_export(user, region, *, tag="", query="", plain=False, reason="", ip=None):
    return longjobs.start(
        user,
        kind="people.export",
        title=_("导出人员：%(region)s") % {"region": region.name},
        function=EXPORT,
        params={"region": region.code, "tag": tag, "query": query, "plain": plain, "reason": reason, "ip": ip or ""},
        permission="people.export_person",
        region_code=region.code,
        lock_key=f"people.export:{user.pk}",
    )


@background.task
def run_export(context):
    params = context.params
    region = Region.objects.get(code=params["region"])
    content, rows = export.persons_workbook(
        context.owner,
        region,
        tag=params["tag"],
        query=params["query"],
        plain=params["plain"],
        reason=params["reason"],
        ip=params.get("ip") or None,
        progress=context.progress,
    )
    context.progress(written=rows, force=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return {
        "content": content,
        "filename": f"persons-{region.code}-{stamp}.xlsx",
        "summary": {"message": _("已导出 %(rows)s 人。") % {"rows": rows}},
    }
