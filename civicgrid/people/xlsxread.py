"""A fast, streaming reader for the first worksheet of an .xlsx file: rows of cell texts.

openpyxl's read-only mode builds a cell object per value and parses each one in Python, which
caps an import at ~2,500 rows/s. Templates are simple tables, so this reader walks the sheet XML
with the C-accelerated `xml.etree.ElementTree.iterparse` and yields plain strings (shared strings,
inline strings, numbers, booleans, cached formula results). Anything unexpected raises, and the
caller falls back to openpyxl (importer.read_rows), so an odd but valid file is still read.
"""

import html
import posixpath
import re
import zipfile
from xml.etree.ElementTree import iterparse

from openpyxl.utils.escape import unescape as unescape_ooxml

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
    return unescape_ooxml(text) if "_x" in text else text


CELL_FAST_RE = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


def _regex_rows(sheet, shared, width):
    """The fast path: one regular expression (C) over the cells of unprefixed SpreadsheetML whose
    cells name their reference first (openpyxl, Excel, WPS and LibreOffice all do). If any cell is
    not matched the caller falls back to the XML parser."""
    cells = CELL_FAST_RE.findall(sheet)
    if len(cells) != sheet.count("<c ") + sheet.count("<c>"):
        raise ValueError("cells the fast path does not understand")
    columns = {}
    current, values = None, None
    unescape, number = _unescape, _number
    for letters, row, attributes, body in cells:
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


def iter_rows(data, width):
    """Yield (row_number, [text × width]) for each row of the first sheet (header included)."""
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
