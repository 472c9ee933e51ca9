"""A task's results as an Excel workbook (civicgrid.core.xlsx: every cell neutralised)."""

import io

from openpyxl import Workbook

from civicgrid.core.xlsx import DATETIME_FORMAT, Table
from civicgrid.gridwork.models import Target


def task_workbook(task):
    workbook = Workbook(write_only=True)
    columns = [("对象", 36), ("网格", 16), ("填报人", 12), ("填报时间", 17, DATETIME_FORMAT)]
    columns += [(field["label"], 18) for field in task.fields]
    table = Table(workbook.create_sheet("摸排结果"), columns)
    rows = (
        Target.objects.filter(task=task)
        .select_related("filled_by")
        .prefetch_related("photos")
        .order_by("grid_code", "label")
    )
    for target in rows:
        values = [
            target.label,
            target.grid_code,
            target.filled_by.display_name if target.filled_by else "",
            target.filled_at,
        ]
        photos = {p.field_key for p in target.photos.all()}
        for field in task.fields:
            if field["type"] == "photo":
                values.append("有照片" if field["key"] in photos else "")
            else:
                values.append(target.answers.get(field["key"], ""))
        table.row(values)
    table.close()
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
