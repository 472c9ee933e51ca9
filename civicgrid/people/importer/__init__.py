"""Excel import (openpyxl and a fast reader), in stages:

- columns.py: the templates, their notes and the error workbook;
- read.py: the workbook into rows (columns found by header; optional columns may be left out);
- buildings.py, houses.py, persons.py (+ persons_apply.py): validate every row, then write;
- write.py: the fast insert path (COPY / executemany) shared with the demo seeder.

The rules are those of the pages (rules.py, and the actions' shared helpers for buildings).

An import reads the whole file, validates every row in Python (no query per row: buildings, houses,
households and existing persons are loaded once into dicts), and then either

- rejects the file: nothing is written but the ImportRun with its row errors (shown in the page and
  downloadable as a workbook), or
- applies it in one transaction with bulk_create / bulk_update in batches.

Persons are keyed by their ID number (through its keyed hash), buildings by their code, houses by
(building, unit, number), so importing the same file again updates rows instead of adding them, and
a row that changes nothing writes nothing.
"""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.accounts.scopes import scope_codes
from civicgrid.people import actions
from civicgrid.people.importer import stream
from civicgrid.people.importer.base import BATCH, BaseImport
from civicgrid.people.importer.buildings import BuildingImport
from civicgrid.people.importer.columns import (
    COLUMNS,
    EXAMPLES,
    TAG_RULE,
    errors_workbook,
    template_workbook,
    workbook_bytes,
)
from civicgrid.people.importer.houses import HouseImport
from civicgrid.people.importer.persons import PersonImport
from civicgrid.people.importer.read import RowErrors, read_rows
from civicgrid.people.importer.write import (
    PERSON_COLUMNS,
    any_of,
    fast_insert,
    insert_persons,
    insert_returning_ids,
    reserve_ids,
    to_json,
    with_hashes,
)
from civicgrid.people.models import AccessKind, ImportKind, ImportRun
from civicgrid.people.rules import household_number

__all__ = [
    "BATCH",
    "COLUMNS",
    "EXAMPLES",
    "PERSON_COLUMNS",
    "TAG_RULE",
    "BaseImport",
    "BuildingImport",
    "HouseImport",
    "PersonImport",
    "RowErrors",
    "any_of",
    "errors_workbook",
    "fast_insert",
    "household_number",
    "import_file",
    "insert_persons",
    "insert_returning_ids",
    "read_rows",
    "reserve_ids",
    "template_workbook",
    "to_json",
    "with_hashes",
    "workbook_bytes",
]


def _no_progress(**_counters):
    pass


def import_file(user, kind, data, filename, ip=None, progress=None):
    """Validate and apply one uploaded file; returns the ImportRun (accepted or with errors).
    `progress` (a long job's, civicgrid.core.longjobs) hears rows read, checked and written."""
    progress = progress or _no_progress
    run = ImportRun(
        kind=kind,
        user=user,
        at=timezone.now(),
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
    )
    codes = scope_codes(user, "people.import_person")
    if codes is not None and not codes:
        raise PermissionError("no import permission")
    try:
        progress(stage="reading", force=True)
        try:
            with transaction.atomic():
                if kind == ImportKind.PERSONS:
                    _streamed(run, user, codes, data, progress)
                else:
                    _whole(run, user, codes, kind, data, progress)
                _accept(run, user, kind, filename, codes, ip)
        except stream.Unreadable:  # rolled back: read the whole file here (openpyxl where needed)
            with transaction.atomic():
                _whole(run, user, codes, kind, data, progress)
                _accept(run, user, kind, filename, codes, ip)
    except RowErrors as exc:
        run.errors = exc.args[0][:5000]
        run.accepted = False
        run.created = run.updated = 0
        run.save()
    return run


def _no_rows():
    return RowErrors([{"row": 0, "column": "", "message": _("文件中没有数据行。")}])


def _whole(run, user, codes, kind, data, progress):
    """Read the whole file, check every row, then write (buildings, houses; persons as a fallback)."""
    rows = read_rows(data, kind)
    run.rows = len(rows)
    progress(stage="checking", read=len(rows), total=len(rows), force=True)
    if not rows:
        raise _no_rows()
    importer = {
        ImportKind.BUILDINGS: BuildingImport,
        ImportKind.HOUSES: HouseImport,
        ImportKind.PERSONS: PersonImport,
    }[kind](user, codes, progress=None if progress is _no_progress else progress)
    plan = importer.validate(rows)
    progress(checked=len(rows), errors=len(importer.errors), force=True)
    if importer.errors:
        raise RowErrors(importer.errors)
    progress(stage="writing", force=True)
    run.created, run.updated = importer.apply(plan)
    progress(written=run.created + run.updated, force=True)


def _streamed(run, user, codes, data, progress):
    """Persons: the rows come in chunks from a reader process (importer/stream.py) while this one
    checks and writes the chunks before, all in the caller's transaction. After the first wrong row
    nothing more is written, but every row is still checked, so the error list is complete; the
    caller's rollback then leaves nothing of the file behind."""
    importer = PersonImport(user, codes, progress=None if progress is _no_progress else progress)
    read = written = created = updated = 0
    for rows in stream.chunks(data, ImportKind.PERSONS, on_total=lambda total: progress(total=total)):
        if not read:
            importer.start(rows[0][1])
            progress(stage="checking", force=True)
        importer.checked_before = read
        read += len(rows)
        progress(read=read)
        plan = importer.check(rows)
        progress(checked=read, errors=len(importer.errors))
        if importer.errors:
            continue
        importer.check_existing(plan)  # (every chunk's, so that all scope errors are listed)
        if importer.scope_errors:
            continue
        chunk_created, chunk_updated = importer.apply(plan)
        created, updated = created + chunk_created, updated + chunk_updated
        written += len(plan)
        progress(written=written)
    run.rows = read
    errors = importer.errors or importer.scope_errors
    progress(total=read, read=read, checked=read, errors=len(errors), force=True)
    if not read:
        raise _no_rows()
    if errors:
        raise RowErrors(errors)
    progress(stage="writing", force=True)
    run.created, run.updated = created, updated
    progress(written=created + updated, force=True)


def _accept(run, user, kind, filename, codes, ip):
    run.accepted = True
    run.save()
    actions.log_access(
        user,
        AccessKind.IMPORT,
        rows=run.rows,
        detail=_("%(kind)s %(file)s：新增 %(created)s，更新 %(updated)s")
        % {"kind": ImportKind(kind).label, "file": filename, "created": run.created, "updated": run.updated},
        ip=ip,
        region_code=codes[0] if codes else "",
    )
