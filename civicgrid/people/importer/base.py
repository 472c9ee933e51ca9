"""What the three importers share: the row-error list, the user's scope, small parsers."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from civicgrid.core.changelog import json_value
from civicgrid.core.models import ObjectChange
from civicgrid.core.scoping import subtree_q
from civicgrid.people.importer.columns import COLUMNS

BATCH = 2000


def choices_table(choices):
    """Accept the Chinese label or the stored value."""
    table = {str(label): value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    return table


def int_in(value, low, high):
    try:
        number = int(Decimal(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if low <= number <= high else None


def json_safe(data):
    return {k: json_value(v) for k, v in data.items()}


class BaseImport:
    kind = None

    def __init__(self, user, codes, progress=None):
        self.user = user
        self.codes = codes  # None: unrestricted
        self.errors = []
        self.progress = progress  # a long job's progress(checked=…, errors=…) (civicgrid.core.longjobs)
        self.checked_before = 0  # rows of the chunks checked before this one (a streamed import)
        self.now = timezone.now()
        self.headers = {key: header for header, key, _required in COLUMNS[self.kind]}

    def counted(self, rows, every=500):
        """The rows, telling the progress callback how many have been checked (every `every` rows)."""
        if self.progress is None:
            yield from rows
            return
        for index, item in enumerate(rows, start=1):
            yield item
            if index % every == 0:
                self.progress(checked=self.checked_before + index, errors=len(self.errors))

    def error(self, row, column, message):
        self.errors.append({"row": row, "column": column, "message": str(message)})

    def rule_errors(self, row, errors):
        """Row errors from a rule helper's {field: message} (or a ValidationError's message_dict)."""
        if isinstance(errors, ValidationError):
            errors = {k: v[0] for k, v in errors.message_dict.items()}
        for key, message in errors.items():
            self.error(row, self.headers.get(key, ""), message)

    def in_scope(self, region_code):
        return self.codes is None or any(region_code.startswith(code) for code in self.codes)

    def scoped(self, queryset):
        return queryset if self.codes is None else queryset.filter(subtree_q("region_code", self.codes))

    def required(self, number, row):
        ok = True
        for header, key, required in COLUMNS[self.kind]:
            if required and not row[key]:
                self.error(number, header, _("必填项为空。"))
                ok = False
        return ok

    @staticmethod
    def blank_absent(rows):
        """Absent optional columns read as blank (for importers where blank already means a default)."""
        for _number, row in rows:
            for key, value in row.items():
                if value is None:
                    row[key] = ""
        return rows

    def changes(self, rows):
        ObjectChange.objects.bulk_create(rows, batch_size=BATCH)
