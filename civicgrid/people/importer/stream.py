"""The rows of an uploaded workbook in chunks, read by a second process while this one checks and
writes the chunks before (the person import: bench/people_import.py, docs/benchmarks.md).

The reader process runs civicgrid/people/xlsxread.py on its own (`serve`: standard library only, no
Django), gets the file on its stdin and hands back marshal frames of up to CHUNK records. It
neither touches the database nor decides anything: every check stays in this process, and the
import still writes everything in one transaction or nothing.

Small files (under PROCESS_FROM_BYTES) are read here, in the same chunks: starting a process costs
more than it saves. If the process cannot be started, the file is read here too. If the fast reader
gives up after it has handed rows on (a cell type it does not know, found half-way), `Unreadable`
tells the import to roll back and start again with the whole file read here (openpyxl included).
"""

import marshal
import subprocess
import sys

from django.conf import settings

from civicgrid.core.text import FORBIDDEN_RE
from civicgrid.people import xlsxread
from civicgrid.people.importer.columns import COLUMNS
from civicgrid.people.importer.read import EXTRA_COLUMNS, header_error, limit_error, read_rows

CHUNK = 5000
PROCESS_FROM_BYTES = 256 * 1024

# Loads xlsxread.py by its path, without the civicgrid package (whose import starts Celery).
BOOT = (
    "import importlib.util as u, sys; s = u.spec_from_file_location('civicgrid_xlsxread', sys.argv[1]); "
    "m = u.module_from_spec(s); s.loader.exec_module(m); m.serve()"
)


class Unreadable(Exception):
    """The reader process could not read the rest of a file whose first rows it had handed on."""


def chunks(data, kind, size=None, on_total=None):
    """Lists of (row_number, {key: text or None}), as read_rows gives them, CHUNK rows at a time;
    `on_total(rows)` hears how many rows to expect when that is known before the end. Raises
    RowErrors for a wrong header or too many rows, Unreadable as said above."""
    size, on_total = size or CHUNK, on_total or (lambda rows: None)
    if len(data) < PROCESS_FROM_BYTES:
        yield from _here(data, kind, size, on_total)
        return
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", BOOT, xlsxread.__file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        yield from _here(data, kind, size, on_total)
        return
    handed_on = False
    try:
        try:
            marshal.dump(
                {
                    "width": len(COLUMNS[kind]) + EXTRA_COLUMNS,
                    "columns": [list(column) for column in COLUMNS[kind]],
                    "limit": settings.PEOPLE_IMPORT_MAX_ROWS,
                    "forbidden": FORBIDDEN_RE.pattern,
                    "chunk": size,
                },
                process.stdin,
            )
            process.stdin.write(data)
            process.stdin.close()
        except OSError:  # the process died before it read the file
            frame = ("unreadable",)
        else:
            while True:
                try:
                    frame = marshal.load(process.stdout)
                except (EOFError, ValueError, TypeError):
                    frame = ("unreadable",)
                if frame[0] == "total":
                    on_total(frame[1])
                    continue
                if frame[0] != "rows":
                    break
                handed_on = True
                yield frame[1]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if not pipe.closed:
                pipe.close()
    if frame[0] == "header":
        raise header_error(kind)
    if frame[0] == "limit":
        raise limit_error(frame[1])
    if frame[0] == "unreadable":
        if handed_on:
            raise Unreadable
        yield from _here(data, kind, size, on_total)


def _here(data, kind, size, on_total):
    rows = read_rows(data, kind)
    on_total(len(rows))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
