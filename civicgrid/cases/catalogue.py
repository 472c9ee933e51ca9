"""The write path for the category table (案件类别) and its time limits: the admin and
`manage.py load_categories` write through here, so every change is in the change log
(civicgrid.core.changelog) with who made it — the loader as IMPORT rows naming the table file.
"""

from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.cases import category_cache
from civicgrid.cases.categories import DATA_FILE, load_categories
from civicgrid.cases.models import Category
from civicgrid.core.changelog import change_row, delete_logged, editable_fields, record_change, snapshot
from civicgrid.core.models import ObjectChange

Action = ObjectChange.Action
# Every field an install may edit: names, routing and the four time limits with their units.
CATEGORY_FIELDS = editable_fields(Category, exclude=("created_at", "updated_at"))


LIMIT_FIELDS = [name for name in CATEGORY_FIELDS if name.endswith("_limit")]
LIMIT_PLACES = Decimal("0.1")  # as stored (one decimal place), whether read back or just assigned


def category_snapshot(category):
    data = snapshot(category, CATEGORY_FIELDS)
    for name in LIMIT_FIELDS:
        value = getattr(category, name)
        data[name] = None if value is None else str(Decimal(value).quantize(LIMIT_PLACES))
    return data


@transaction.atomic
def save_category(category, *, user=None):
    """Create or update a category from the (edited) instance; raises ValidationError and writes
    nothing when it is invalid."""
    creating = category.pk is None
    stored = None if creating else Category.objects.select_for_update().filter(pk=category.pk).first()
    before = category_snapshot(stored) if stored is not None else None
    category.full_clean()
    category.save()
    record_change(user, category, Action.CREATE if creating else Action.UPDATE, before, category_snapshot(category))
    category_cache.forget_on_commit()
    return category


@transaction.atomic
def delete_category(category, *, user=None):
    """Delete a category no case uses (cases protect theirs); the log keeps what it was."""
    delete_logged(user, category, category_snapshot(category))
    category_cache.forget_on_commit()


@transaction.atomic
def import_category_table(path=DATA_FILE, *, update=False, user=None):
    """Load the category table (see cases.categories.load_categories); each category created or
    changed gets an IMPORT row naming the file. Returns the loader's report."""
    report = load_categories(path=path, update=update, snapshot=category_snapshot)
    category_cache.forget_on_commit()
    note = _("导入类别表：%(file)s") % {"file": Path(path).name}
    rows = [
        change_row(user, category, Action.IMPORT, before, category_snapshot(category), note)
        for category, before in report.written
    ]
    ObjectChange.objects.bulk_create(rows, batch_size=500)
    return report
