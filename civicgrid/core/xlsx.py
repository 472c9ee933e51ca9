"""The one way CivicGrid writes values into an Excel worksheet: as inert, legal cells.

Every workbook writer (the case ledger, the person export, the import templates and error lists)
appends its rows with `append(sheet, values)`, which passes each value through `cell_value`:

- text keeps only characters legal in a worksheet (civicgrid.core.text.xml_safe, a superset of
  openpyxl's ILLEGAL_CHARACTERS_RE, which would otherwise raise IllegalCharacterError: a 500);
- text starting with = + - @ or a tab or carriage return gets a leading single quote, as OWASP
  advises against formula (CSV) injection, so no spreadsheet ever evaluates it, not even after the
  cell is edited or the sheet saved as CSV; text that is just a number ("-5", "+3.5") is harmless
  and stays as it is; text equal to an Excel error code ("#N/A") is prefixed too, or openpyxl
  would store it as an error cell;
- real numbers, dates and booleans stay numbers, dates and booleans;
- text is cut at Excel's 32,767 characters per cell.

civicgrid/core/tests/test_text.py checks that no module appends to a worksheet any other way.
"""

import re
from datetime import datetime

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from civicgrid.core.text import xml_safe

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
MAX_CELL_CHARS = 32767


def cell_value(value):
    """`value` as it may be written into a cell."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if not isinstance(value, str):
        return value
    value = xml_safe(value)
    if value.startswith(FORMULA_PREFIXES) and not NUMBER_RE.fullmatch(value) or value in ERROR_CODES:
        value = "'" + value
    return value[:MAX_CELL_CHARS]


def append(sheet, values):
    """sheet.append(values), every value (or Cell's value) made safe by cell_value."""
    row = []
    for value in values:
        if isinstance(value, Cell):
            value.value = cell_value(value.value)
            row.append(value)
        else:
            row.append(cell_value(value))
    sheet.append(row)


# --- Tables a clerk can use: header in row 1, column widths, frozen header, a filter, real dates ---

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.00%"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


class Table:
    """One write-only worksheet holding a table: its header is row 1 (frozen, filtered, bold), each
    column has a width and, where given, a number format (dates, percents), and every value goes
    through cell_value. Aware datetimes are written as local wall time: Excel has no time zones.

        table = Table(workbook.create_sheet("案件台账"), [("案件编号", 16), ("上报时间", 17, DATETIME_FORMAT)])
        table.row([case.number, case.reported_at])
        table.close()
    """

    def __init__(self, sheet, columns):
        self.sheet = sheet
        self.formats = [column[2] if len(column) > 2 else None for column in columns]
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column[1]
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=cell_value(str(column[0])))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            header.append(cell)
        sheet.append(header)
        self.rows = 0

    def row(self, values, bold=False):
        cells = []
        for value, number_format in zip(values, self.formats + [None] * len(values), strict=False):
            if isinstance(value, datetime):
                value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
            cell = WriteOnlyCell(self.sheet, value=cell_value(value))
            if number_format and value is not None and not isinstance(value, str):
                cell.number_format = number_format
            if bold:
                cell.font = HEADER_FONT
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1

    def close(self):
        last = get_column_letter(len(self.formats))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def notes_sheet(workbook, title, pairs):
    """A second sheet with what the table is: who exported it, when, for which filter."""
    sheet = workbook.create_sheet(title)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 60
    for key, value in pairs:
        append(sheet, [key, value])
    return sheet


CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def response(workbook, filename):
    """An HTTP download of `workbook` (an openpyxl Workbook) named `filename` (ASCII)."""
    import io

    from django.http import HttpResponse

    out = io.BytesIO()
    workbook.save(out)
    answer = HttpResponse(out.getvalue(), content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer
