"""The case ledger (台账) as an Excel workbook, for any queue filter.

Written with openpyxl's write-only mode (rows stream into the file, memory stays flat) as a table a
clerk can sort and filter (civicgrid.core.xlsx.Table), and capped at settings.CASES_EXPORT_MAX_ROWS:
beyond it the notes sheet says so and asks for a narrower filter.
The reporter's phone is always masked (138****5678). Every row goes through civicgrid.core.xlsx, so
stored text is written as inert, legal cells (no formulas, no control characters).
"""

from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook

from civicgrid.core import replica, xlsx


def mask_phone(phone):
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


DATETIME = xlsx.DATETIME_FORMAT


def columns():
    """(title, width[, number format]) of each ledger column."""
    return [
        (_("案件编号"), 14),
        (_("标题"), 28),
        (_("大类"), 12),
        (_("小类"), 14),
        (_("来源"), 10),
        (_("状态"), 9),
        (_("时限灯"), 7),
        (_("阶段灯"), 7),
        (_("街道"), 12),
        (_("社区"), 12),
        (_("网格"), 16),
        (_("地址"), 28),
        (_("上报人"), 10),
        (_("联系电话"), 13),
        (_("外部工单号"), 16),
        (_("处置层级"), 9),
        (_("处置部门"), 16),
        (_("处置人"), 10),
        (_("上报时间"), 17, DATETIME),
        (_("立案时间"), 17, DATETIME),
        (_("派遣时间"), 17, DATETIME),
        (_("反馈时间"), 17, DATETIME),
        (_("结案时间"), 17, DATETIME),
        (_("环节截止时间"), 17, DATETIME),
        (_("返工次数"), 9),
        (_("描述"), 50),
    ]


def _row(case, lights):
    reporter = case.reporter
    name = case.caller_name or (reporter.display_name if reporter else "")
    phone = case.caller_phone or (reporter.phone if reporter else "")
    category = case.category
    return [
        case.number,
        case.title,
        category.parent.name if category.parent_id else "",
        category.name,
        case.get_source_display(),
        case.get_status_display(),
        lights.get(getattr(case, "deadline_colour", ""), ""),
        lights.get(getattr(case, "stage_colour", ""), ""),
        case.street.name if case.street_id else "",
        case.community.name if case.community_id else "",
        case.grid.name if case.grid_id else "",
        case.address,
        name,
        mask_phone(phone),
        case.external_order_no,
        case.get_handling_level_display(),
        case.handling_department.name if case.handling_department_id else "",
        case.assignee.display_name if case.assignee_id else "",
        case.reported_at,
        case.accepted_at,
        case.dispatched_at,
        case.handled_at,
        case.closed_at,
        case.step_due_at,
        case.rework_count,
        case.description,
    ]


def ledger(cases, *, exporter, filter_text, max_rows=None, progress=None):
    """(xlsx bytes, rows written, truncated?) for the queryset `cases` (already scoped and ordered).

    Sheet 1 is the table (header in row 1, frozen and filtered, real dates); sheet 2 says who
    exported it, when, for which filter, and whether the row cap cut it short."""
    from civicgrid.cases.models import Light

    max_rows = max_rows or settings.CASES_EXPORT_MAX_ROWS
    lights = {c.value: str(c.label) for c in Light}
    workbook = Workbook(write_only=True)
    table = xlsx.Table(workbook.create_sheet(_("案件台账")), columns())
    rows = 0
    truncated = False
    related = ("category__parent", "street", "community", "grid", "handling_department", "assignee", "reporter")
    # A ledger may be a few seconds old: it reads the replica when one is configured and fresh.
    with replica.reading():
        for case in cases.select_related(*related)[: max_rows + 1].iterator(chunk_size=2000):
            if rows >= max_rows:
                truncated = True
                break
            table.row(_row(case, lights))
            rows += 1
            if progress and rows % 500 == 0:
                progress(read=rows, checked=rows, written=rows)  # a long job's (civicgrid.cases.jobs)
    table.close()
    notes = [
        (_("导出人"), exporter.display_name),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (_("筛选条件"), filter_text or _("无（全部可见案件）")),
        (_("行数"), rows),
    ]
    if truncated:
        notes.append((_("说明"), _("仅导出前 %(count)s 条，请缩小筛选范围后分批导出。") % {"count": max_rows}))
    xlsx.notes_sheet(workbook, _("导出说明"), notes)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows, truncated


STAT_RATES = (
    ("closure_rate", _lazy("结案率")),
    ("on_time_closure_rate", _lazy("按期结案率")),
    ("on_time_registration_rate", _lazy("按时立案率")),
    ("on_time_dispatch_rate", _lazy("按时派遣率")),
    ("on_time_handling_rate", _lazy("按时处置率")),
    ("rework_rate", _lazy("返工率")),
    ("satisfaction_rate", _lazy("满意率")),
)


def _stat_columns(first_title):
    counts = [(_("上报数"), 9), (_("立案数"), 9), (_("应结案数"), 10), (_("结案数"), 9)]
    rates = [(str(title), 11, xlsx.PERCENT_FORMAT) for _name, title in STAT_RATES]
    return [(first_title, 22), *counts, *rates, (_("平均处置时长（工作时）"), 14, "0.00")]


def _stat_values(label, row):
    counts = [row.received, row.registered, row.due_to_close, row.closed]
    return [label, *counts, *[getattr(row, name) for name, _title in STAT_RATES], row.average_handling_hours]


def statistics(*, rows, total, series, grouping_label, notes):
    """The statistics page as a workbook: the table (with its total row) and the trend, each a table a
    clerk can sort and filter, rates as real percentages; `notes` [(key, value)] on a third sheet."""
    workbook = Workbook(write_only=True)
    table = xlsx.Table(workbook.create_sheet(_("统计")), _stat_columns(str(grouping_label)))
    for row in rows:
        table.row(_stat_values(row.label, row))
    table.row(_stat_values(_("合计"), total), bold=True)
    table.close()
    trend = xlsx.Table(workbook.create_sheet(_("趋势")), _stat_columns(_("日期")))
    for row in series:
        trend.row(_stat_values(row.label, row))
    trend.close()
    xlsx.notes_sheet(workbook, _("导出说明"), notes)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
