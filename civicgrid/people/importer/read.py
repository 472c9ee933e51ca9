"""Reading an uploaded workbook into rows: [(row_number, {key: text})].

Columns are found by their header (the template's names, a trailing * allowed), in any order;
every required column must be there. An optional column may be left out of the file: its key is
then None in every row, and the importers leave that field of existing records as it is.
Columns the template does not know (a 序号 column, say) are ignored.
"""

import io
import operator

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from civicgrid.core.text import FORBIDDEN_RE, strip_forbidden
from civicgrid.people.importer.columns import COLUMNS
from civicgrid.people.xlsxread import unescape_cell

# How many columns beyond the template's are read to find the template's headers among others.
EXTRA_COLUMNS = 12


class RowErrors(Exception):
    pass


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_cell(str(value)).strip()


def read_rows(data, kind):
    """[(row_number, {key: text or None})] from the first sheet; the header row names the columns.

    The fast streaming reader (xlsxread) is tried first; openpyxl reads whatever it cannot."""
    from civicgrid.people import xlsxread

    width = len(COLUMNS[kind]) + EXTRA_COLUMNS
    try:
        return _rows_from(xlsxread.iter_rows(data, width), kind)
    except RowErrors:
        raise
    except Exception:  # an unusual file: let openpyxl read it (or say it cannot be read)
        pass
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise RowErrors(
            [{"row": 0, "column": "", "message": _("无法读取文件：请上传 .xlsx 格式的 Excel 文件。")}]
        ) from exc
    try:
        rows = (
            (number, [cell_text(v) for v in values[:width]] + [""] * (width - len(values[:width])))
            for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        )
        return _rows_from(rows, kind)
    finally:
        workbook.close()


def _positions(header, kind):
    """{key: column index} of the template columns the header names, or RowErrors."""
    columns = COLUMNS[kind]
    names = [(cell or "").strip().rstrip("*").strip() for cell in header]
    positions = {}
    for name, key, _required in columns:
        if name in names:
            positions[key] = names.index(name)
    missing = [name for name, key, required in columns if required and key not in positions]
    if missing:
        expected = [name for name, _key, _required in columns]
        raise RowErrors(
            [
                {
                    "row": 1,
                    "column": "",
                    "message": _("表头与模板不一致，请下载最新模板。应为：%(h)s") % {"h": "、".join(expected)},
                }
            ]
        )
    return positions


def _rows_from(rows, kind):
    first = next(rows, None)
    positions = _positions(first[1] if first else [], kind)
    keys = list(positions)
    absent = {key: None for _name, key, _required in COLUMNS[kind] if key not in positions}
    pick = operator.itemgetter(*positions.values())
    result = []
    limit = settings.PEOPLE_IMPORT_MAX_ROWS
    for number, values in rows:
        picked = pick(values)
        if len(keys) == 1:
            picked = (picked,)
        if not any(picked):
            continue
        if FORBIDDEN_RE.search("".join(picked)):
            # Invisible control characters are dropped silently: a file from another system should
            # not fail for what nobody can see in Excel (civicgrid.core.text).
            picked = [strip_forbidden(value).strip() for value in picked]
        row = dict(zip(keys, picked, strict=True))
        if absent:
            row.update(absent)
        result.append((number, row))
        if len(result) > limit:
            raise RowErrors([{"row": number, "column": "", "message": _("文件超过 %(n)d 行上限。") % {"n": limit}}])
    return result
