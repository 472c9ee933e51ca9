"""The case ledger (台账) as an Excel workbook, for any queue filter.

Written with openpyxl's write-only mode (rows stream into the file, memory stays flat) and capped
at settings.CASES_EXPORT_MAX_ROWS: beyond it the sheet says so and asks for a narrower filter.
The reporter's phone is always masked (138****5678). Every row goes through civicgrid.core.xlsx, so
stored text is written as inert, legal cells (no formulas, no control characters).
"""

from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from civicgrid.core import xlsx


def mask_phone(phone):
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def columns():
    return [
        _("案件编号"),
        _("标题"),
        _("大类"),
        _("小类"),
        _("来源"),
        _("状态"),
        _("时限灯"),
        _("阶段灯"),
        _("街道"),
        _("社区"),
        _("网格"),
        _("地址"),
        _("上报人"),
        _("联系电话"),
        _("外部工单号"),
        _("处置层级"),
        _("处置部门"),
        _("处置人"),
        _("上报时间"),
        _("立案时间"),
        _("派遣时间"),
        _("反馈时间"),
        _("结案时间"),
        _("环节截止时间"),
        _("返工次数"),
        _("描述"),
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
        _local(case.reported_at),
        _local(case.accepted_at),
        _local(case.dispatched_at),
        _local(case.handled_at),
        _local(case.closed_at),
        _local(case.step_due_at),
        case.rework_count,
        case.description,
    ]


def ledger(cases, *, exporter, filter_text, max_rows=None):
    """(xlsx bytes, rows written, truncated?) for the queryset `cases` (already scoped and ordered)."""
    from civicgrid.cases.models import Light

    max_rows = max_rows or settings.CASES_EXPORT_MAX_ROWS
    lights = {c.value: str(c.label) for c in Light}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("案件台账"))
    bold = Font(bold=True)

    def strong(text):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    xlsx.append(sheet, [strong(_("案件台账"))])
    xlsx.append(sheet, [_("导出人"), exporter.display_name])
    xlsx.append(sheet, [_("导出时间"), _local(timezone.now())])
    xlsx.append(sheet, [_("筛选条件"), filter_text or _("无（全部可见案件）")])
    xlsx.append(sheet, [])
    xlsx.append(sheet, [strong(title) for title in columns()])
    rows = 0
    truncated = False
    related = ("category__parent", "street", "community", "grid", "handling_department", "assignee", "reporter")
    for case in cases.select_related(*related)[: max_rows + 1].iterator(chunk_size=2000):
        if rows >= max_rows:
            truncated = True
            break
        xlsx.append(sheet, _row(case, lights))
        rows += 1
    if truncated:
        xlsx.append(sheet, [])
        xlsx.append(sheet, [strong(_("仅导出前 %(count)s 条，请缩小筛选范围后分批导出。") % {"count": max_rows})])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows, truncated
