"""The case ledger export as a long job (civicgrid.core.longjobs): a queue filter with more rows than
JOBS_EXPORT_INLINE_ROWS is written on the Celery worker (a broker) or a thread of the web process."""

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core import background, longjobs

LEDGER = "civicgrid.cases.jobs.run_ledger"


def start_ledger(user, query_string, total):
    return longjobs.start(
        user,
        kind="cases.ledger",
        title=_("导出案件台账（%(rows)s 条）") % {"rows": total},
        function=LEDGER,
        params={"query": query_string[:2000], "total": total},
        lock_key=f"cases.ledger:{user.pk}",
    )


@background.task
def run_ledger(context):
    from civicgrid.cases import export
    from civicgrid.cases.forms.staff import QueueFilterForm
    from civicgrid.cases.views.staff import QUEUE_ROLES, _require_roles, filtered_queue

    user = context.owner
    _require_roles(user, QUEUE_ROLES)  # still a dispatcher or a handler of the queue when it runs
    form = QueueFilterForm(QueryDict(context.params.get("query", "")))
    cases, _base = filtered_queue(user, form)
    context.progress(stage="exporting", total=context.params.get("total", 0), force=True)
    content, rows, truncated = export.ledger(
        cases, exporter=user, filter_text=form.describe(), progress=context.progress
    )
    context.progress(read=rows, checked=rows, written=rows, force=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    message = _("已导出 %(rows)s 条案件。") % {"rows": rows}
    if truncated:
        message += _("超出上限的部分未导出，请缩小筛选范围后分批导出。")
    return {"content": content, "filename": f"ledger-{stamp}.xlsx", "summary": {"message": message}}
