"""A fast, streaming reader for the first worksheet of an .xlsx file: rows of cell texts.

openpyxl's read-only mode builds a cell object per value and parses each one in Python, which
caps an import at ~2,500 rows/s. Templates are simple tables, so this reader walks the sheet XML
with the C-accelerated `xml.etree.ElementTree.iterparse` and yields plain strings (shared strings,
inline strings, numbers, booleans, cached formula results). Anything unexpected raises, and the
caller falls back to openpyxl (importer.read_rows), so an odd but valid file is still read.

`table_rows` turns the rows into records by the template's headers, and `serve` runs both in a
process of its own (importer/stream.py starts it): the person import reads the next rows there
while it checks and writes the previous ones. This module imports nothing but the standard library
(openpyxl only for a rare escape), so that process starts in a fraction of a second.
"""

import html
import operator
import posixpath
import re
import zipfile
from xml.etree.ElementTree import iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _first_sheet_path(archive):
    from xml.etree.ElementTree import fromstring

    workbook = fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    rel_id = sheet.get(f"{REL}id")
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    raise ValueError("first sheet not found")


def _shared_strings(archive):
    try:
        handle = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    with handle:
        for _event, element in iterparse(handle):
            if element.tag == f"{MAIN}si":
                strings.append("".join(t.text or "" for t in element.iter(f"{MAIN}t")))
                element.clear()
    return strings


def _column(reference):
    index = 0
    for char in reference:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


def _number(text):
    if "." in text or "E" in text or "e" in text:
        value = float(text)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return text


T_RE = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
SI_RE = re.compile(r"<si>(.*?)</si>", re.S)


def _unescape(text):
    return html.unescape(text) if "&" in text else text


def unescape_cell(text):
    """Excel writes characters XML cannot hold (control characters) as _xHHHH_: read them back, as
    openpyxl does; the importer then drops the forbidden ones (civicgrid.core.text)."""
    if "_x" not in text:
        return text
    from openpyxl.utils.escape import unescape  # imported when needed: the reader process starts lean

    return unescape(text)


CELL_FAST_RE = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


BLOCK = 1 << 20  # characters of sheet XML matched at a time, so rows flow out as the sheet is read


def _cells(sheet):
    """CELL_FAST_RE's matches, a block of whole rows at a time (a reader in another process hands
    the first rows on before the last are parsed); every cell must match."""
    start, size = sheet.find("<sheetData"), len(sheet)
    start = 0 if start < 0 else start
    while start < size:
        end = sheet.find("</row>", start + BLOCK)
        end = size if end < 0 else end + 6
        block = sheet[start:end]
        cells = CELL_FAST_RE.findall(block)
        if len(cells) != block.count("<c ") + block.count("<c>"):
            raise ValueError("cells the fast path does not understand")
        yield from cells
        start = end


def _regex_rows(sheet, shared, width):
    """The fast path: one regular expression (C) over the cells of unprefixed SpreadsheetML whose
    cells name their reference first (openpyxl, Excel, WPS and LibreOffice all do). If any cell is
    not matched the caller falls back to the XML parser."""
    columns = {}
    current, values = None, None
    unescape, number = _unescape, _number
    for letters, row, attributes, body in _cells(sheet):
        if row != current:
            if values is not None:
                yield int(current), values
            current, values = row, [""] * width
        column = columns.get(letters)
        if column is None:
            column = columns[letters] = _column(letters)
        if column >= width:
            continue
        if 't="s"' in attributes:
            start = body.find("<v>")
            values[column] = (
                unescape_cell(shared[int(body[start + 3 : body.index("</v>", start)])]).strip() if start >= 0 else ""
            )
            continue
        if 't="inlineStr"' in attributes:
            if body.startswith("<is><t>") and body.endswith("</t></is>") and body.count("<t") == 1:
                text = body[7:-9]
            else:
                text = "".join(t or "" for t in T_RE.findall(body))
        else:
            start = body.find("<v>")
            text = body[start + 3 : body.index("</v>", start)] if start >= 0 else ""
            if 't="' not in attributes or 't="n"' in attributes:
                text = number(text) if text else ""
            elif 't="b"' in attributes:
                text = "TRUE" if text == "1" else "FALSE"
            elif 't="e"' in attributes:
                text = ""
            elif 't="str"' not in attributes:
                raise ValueError("unknown cell type")
        values[column] = unescape_cell(unescape(text)).strip()
    if values is not None:
        yield int(current), values


def iter_rows(data, width, on_total=None):
    """Yield (row_number, [text × width]) for each row of the first sheet (header included).
    `on_total(rows)` hears the number of rows the sheet holds, where that is cheap to know."""
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = _first_sheet_path(archive)
        sheet = archive.read(path).decode("utf-8")
        if "<row" in sheet and "<x:" not in sheet:
            strings = (
                archive.read("xl/sharedStrings.xml").decode("utf-8")
                if "xl/sharedStrings.xml" in archive.namelist()
                else ""
            )
            shared = [_unescape("".join(t or "" for t in T_RE.findall(si))) for si in SI_RE.findall(strings)]
            if on_total is not None:
                on_total(sheet.count("<row ") + sheet.count("<row>"))
            yield from _regex_rows(sheet, shared, width)
            return
        shared = _shared_strings(archive)
        c_tag, v_tag, is_tag, t_tag, row_tag = f"{MAIN}c", f"{MAIN}v", f"{MAIN}is", f"{MAIN}t", f"{MAIN}row"
        with archive.open(path) as handle:
            values = None
            row_number = 0
            for event, element in iterparse(handle, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == row_tag:
                        values = [""] * width
                        row_number = int(element.get("r") or row_number + 1)
                    continue
                if tag == c_tag:
                    reference = element.get("r")
                    column = _column(reference) if reference else None
                    if column is None:
                        raise ValueError("cell without reference")
                    if column < width:
                        kind = element.get("t")
                        if kind == "inlineStr":
                            box = element.find(is_tag)
                            text = "".join(t.text or "" for t in box.iter(t_tag)) if box is not None else ""
                        else:
                            v = element.find(v_tag)
                            text = v.text if v is not None and v.text is not None else ""
                            if kind == "s":
                                text = shared[int(text)] if text else ""
                            elif kind in (None, "n") and text:
                                text = _number(text)
                            elif kind == "b":
                                text = "TRUE" if text == "1" else "FALSE"
                            elif kind == "e":
                                text = ""
                            elif kind not in ("str", "n", None):
                                raise ValueError(f"cell type {kind}")
                        values[column] = unescape_cell(text).strip()
                    element.clear()
                elif tag == row_tag:
                    yield row_number, values
                    element.clear()


# --- Records by header, and the reader process ---------------------------------------------------------


class HeaderMismatch(Exception):
    """A required column of the template is missing from the header row."""


class TooManyRows(Exception):
    """More data rows than the limit; args[0] is the row number where it was passed."""


def positions(header, columns):
    """{key: column index} of the template columns (header, key, required) the header row names."""
    names = [(cell or "").strip().rstrip("*").strip() for cell in header]
    found = {key: names.index(name) for name, key, _required in columns if name in names}
    if any(required and key not in found for _name, key, required in columns):
        raise HeaderMismatch
    return found


def table_rows(rows, columns, limit, forbidden):
    """(row_number, {key: text or None}) for each non-blank data row of `rows` (header first).
    Columns left out of the file read None; characters matching `forbidden` (a compiled pattern:
    civicgrid.core.text.FORBIDDEN_RE) are dropped silently."""
    first = next(rows, None)
    found = positions(first[1] if first else [], columns)
    keys = list(found)
    absent = {key: None for _name, key, _required in columns if key not in found}
    indexes = list(found.values())
    pick = operator.itemgetter(*indexes)
    if len(indexes) == 1:
        single = pick
        pick = lambda values: (single(values),)  # noqa: E731
    search, count = forbidden.search, 0
    for number, values in rows:
        picked = pick(values)
        if not any(picked):
            continue
        if search("".join(picked)):
            picked = [forbidden.sub("", value).strip() for value in picked]
        row = dict(zip(keys, picked, strict=True))
        if absent:
            row.update(absent)
        count += 1
        if count > limit:
            raise TooManyRows(number)
        yield number, row


def serve(stdin=None, stdout=None):
    """The reader process: reads {width, columns, limit, forbidden, chunk} and then the file's bytes
    from stdin; writes marshal frames to stdout: ("total", rows) where the sheet tells (an estimate:
    blank rows count), ("rows", [(number, row), ...]) per chunk, then
    ("end",) — or ("header",), ("limit", row_number), ("unreadable",) (the caller reads the file
    with openpyxl) instead."""
    import marshal
    import sys

    stdin, stdout = stdin or sys.stdin.buffer, stdout or sys.stdout.buffer
    params = marshal.load(stdin)
    data = stdin.read()
    columns = [tuple(column) for column in params["columns"]]
    chunk, size = [], params["chunk"]
    try:

        def on_total(rows):
            marshal.dump(("total", rows - 1), stdout)  # less the header
            stdout.flush()

        records = table_rows(
            iter_rows(data, params["width"], on_total), columns, params["limit"], re.compile(params["forbidden"])
        )
        for record in records:
            chunk.append(record)
            if len(chunk) >= size:
                marshal.dump(("rows", chunk), stdout)
                stdout.flush()
                chunk = []
    except HeaderMismatch:
        frame = ("header",)
    except TooManyRows as exc:
        frame = ("limit", exc.args[0])
    except Exception:
        frame = ("unreadable",)
    else:
        if chunk:
            marshal.dump(("rows", chunk), stdout)
        frame = ("end",)
    marshal.dump(frame, stdout)
    stdout.flush()


if __name__ == "__main__":
    serve()
