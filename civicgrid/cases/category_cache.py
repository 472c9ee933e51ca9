"""The selectable categories kept in the process: the report forms look a posted category up here
instead of reading it again with every report.

Categories change rarely (cases.catalogue, the admin, `load_categories`). A change made through
those clears this process's copy on commit; another process (a second gunicorn worker) reloads its
copy at most CASES_CATEGORY_CACHE_SECONDS later. A category missing from the copy (created since)
is read from the database, so a new category works at once everywhere; one deactivated in another
process may still be accepted for those few seconds, as it would have been by a form opened just
before the change.
"""

import threading
import time

from django.conf import settings
from django.db import transaction

_lock = threading.Lock()
_state = {"at": None, "by_pk": {}}


def _load():
    from civicgrid.cases.models import Category

    rows = Category.objects.selectable().select_related(
        "parent", "default_department__region", "parent__default_department__region"
    )
    return {category.pk: category for category in rows}


def selectable():
    """{pk: Category} of every selectable minor category, with its major and departments loaded."""
    now = time.monotonic()
    at = _state["at"]
    if at is None or now - at > settings.CASES_CATEGORY_CACHE_SECONDS:
        with _lock:
            if _state["at"] is None or now - _state["at"] > settings.CASES_CATEGORY_CACHE_SECONDS:
                _state["by_pk"], _state["at"] = _load(), time.monotonic()
    return _state["by_pk"]


def lookup(pk, *, for_resident=False):
    """The selectable category `pk` (for a resident: one residents may choose), or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    category = selectable().get(pk)
    if category is None:
        return None
    if for_resident and not category.resident_selectable:
        return None
    return category


def forget():
    """Drop this process's copy (after a category change; the next lookup reloads)."""
    _state["at"] = None


def forget_on_commit():
    transaction.on_commit(forget)
