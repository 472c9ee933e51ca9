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

from openpyxl.cell.cell import ERROR_CODES, Cell

from civicgrid.core.text import xml_safe

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
MAX_CELL_CHARS = 32767


def cell_value(value):
    """`value` as it may be written into a cell."""
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
