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
        rows = read_rows(data, kind)
        run.rows = len(rows)
        progress(stage="checking", read=len(rows), total=len(rows), force=True)
        if not rows:
            raise RowErrors([{"row": 0, "column": "", "message": _("文件中没有数据行。")}])
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
        with transaction.atomic():
            run.created, run.updated = importer.apply(plan)
            progress(written=run.created + run.updated, force=True)
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
    except RowErrors as exc:
        run.errors = exc.args[0][:5000]
        run.accepted = False
        run.created = run.updated = 0
        run.save()
    return run
