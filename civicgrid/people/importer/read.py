"""Reading an uploaded workbook into rows: [(row_number, {key: text})].

Columns are found by their header (the template's names, a trailing * allowed), in any order;
every required column must be there. An optional column may be left out of the file: its key is
then None in every row, and the importers leave that field of existing records as it is.
Columns the template does not know (a 序号 column, say) are ignored.
"""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from civicgrid.core.text import FORBIDDEN_RE
from civicgrid.people.importer.columns import COLUMNS
from civicgrid.people.xlsxread import HeaderMismatch, TooManyRows, table_rows, unescape_cell

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


def header_error(kind):
    expected = [name for name, _key, _required in COLUMNS[kind]]
    return RowErrors(
        [
            {
                "row": 1,
                "column": "",
                "message": _("表头与模板不一致，请下载最新模板。应为：%(h)s") % {"h": "、".join(expected)},
            }
        ]
    )


def limit_error(number):
    limit = settings.PEOPLE_IMPORT_MAX_ROWS
    return RowErrors([{"row": number, "column": "", "message": _("文件超过 %(n)d 行上限。") % {"n": limit}}])


def _rows_from(rows, kind):
    try:
        return list(table_rows(rows, COLUMNS[kind], settings.PEOPLE_IMPORT_MAX_ROWS, FORBIDDEN_RE))
    except HeaderMismatch as exc:
        raise header_error(kind) from exc
    except TooManyRows as exc:
        raise limit_error(exc.args[0]) from exc
