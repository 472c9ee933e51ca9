"""Loading the shipped default category table (cases/data/categories.json).

Used by the data migration (with the historical model) and by `manage.py load_categories`, so it
touches only plain model fields and managers, never model methods.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from civicgrid.cases.deadlines import parse_limit

DATA_FILE = Path(__file__).resolve().parent / "data" / "categories.json"
STEPS = ("intake", "dispatch", "handle", "verify")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # [(category, its snapshot before, None if created)], when the loader was given `snapshot`
    written: list = field(default_factory=list)


def _fields(row, kind, edition, order):
    fields = {
        "kind": kind,
        "name": row["name"],
        "name_en": row.get("name_en", ""),
        "description": row.get("description", ""),
        "keywords": row.get("keywords", ""),
        "default_level": row.get("level", ""),
        "default_department_kind": row.get("department_kind", ""),
        "resident_selectable": row.get("resident_selectable", True),
        "edition": edition,
        "sort_order": order,
    }
    limits = row.get("limits", {})
    unknown = set(limits) - set(STEPS)
    if unknown:
        raise ValueError(f"category {row['code']}: unknown steps {sorted(unknown)}")
    for step in STEPS:
        if step in limits:
            value, unit = parse_limit(limits[step])
            fields[f"{step}_limit"], fields[f"{step}_unit"] = value, unit
        else:
            fields[f"{step}_limit"], fields[f"{step}_unit"] = None, "h"
    return fields


def read_table(path=DATA_FILE):
    """[(edition, major fields, code, [(code, minor fields)…])…] from the JSON file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    table = []
    for block in data["editions"]:
        edition = block["edition"]
        for i, major in enumerate(block["categories"], start=1):
            kind = major["kind"]
            minors = []
            for j, minor in enumerate(major.get("children", ()), start=1):
                if not minor["code"].startswith(major["code"]):
                    raise ValueError(f"minor class {minor['code']} is not under {major['code']}")
                minors.append((minor["code"], _fields(minor, kind, edition, j)))
            table.append((edition, major["code"], _fields(major, kind, edition, i), minors))
    return table


def load_categories(category_model=None, path=DATA_FILE, update=False, snapshot=None):
    """Create the categories of the table that are missing; with `update`, also overwrite the
    shipped fields of existing ones (local edits are otherwise kept). Idempotent.

    With `snapshot` (a function of a category), the report lists each category written with its
    snapshot before, for the change log (cases.catalogue); the migration passes none."""
    if category_model is None:
        from civicgrid.cases.models import Category as category_model
    report = LoadReport()
    known = {(c.edition, c.code): c for c in category_model.objects.all()}

    def upsert(edition, code, fields, parent):
        existing = known.get((edition, code))
        if existing is None:
            report.created += 1
            created = category_model.objects.create(code=code, parent=parent, **fields)
            if snapshot is not None:
                report.written.append((created, None))
            return created
        if not update:
            report.unchanged += 1
            return existing
        changed = [name for name, value in {**fields, "parent": parent}.items() if getattr(existing, name) != value]
        if changed:
            before = snapshot(existing) if snapshot is not None else None
            for name in changed:
                setattr(existing, name, {**fields, "parent": parent}[name])
            existing.save(update_fields=changed)
            report.updated += 1
            if snapshot is not None:
                report.written.append((existing, before))
        else:
            report.unchanged += 1
        return existing

    for edition, code, fields, minors in read_table(path):
        major = upsert(edition, code, fields, None)
        for minor_code, minor_fields in minors:
            upsert(edition, minor_code, minor_fields, major)
    from civicgrid.cases import category_cache

    category_cache.forget()
    return report
