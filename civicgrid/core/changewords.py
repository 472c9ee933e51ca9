"""The change log in human words: each changed field by its label (the model field's verbose name),
each value as people read it — a choice by its label, a yes/no as 是/否, a time in local time
("2026-12-06 14:03"), a foreign key by the record's name — never field names or ISO strings.

The stored rows (ObjectChange.before/after) stay as the actions wrote them (JSON-safe values,
civicgrid.core.changelog.json_value); only what pages show is translated here. Keys that are not
model fields (a person's "tags") get their label and value words from `register_key`, called by the
app that writes them (in its AppConfig.ready).
"""

from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

# (app_label, model_name, key) → (label, value → text or None)
EXTRA_KEYS = {}
EMPTY = "—"


def register_key(model, key, label, words=None):
    """Label (and optionally the value words of) `key`, a change-log key of `model` that is not one
    of its fields."""
    EXTRA_KEYS[(model._meta.app_label, model._meta.model_name, key)] = (label, words)


def local_time(value):
    """An aware datetime or an ISO string of one → "YYYY-MM-DD HH:MM" in local time; None if it is
    neither."""
    if isinstance(value, str):
        if len(value) < 16 or value[10:11] != "T":
            return None
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return None
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


def _related_name(field, value):
    model = field.related_model
    instance = model._base_manager.filter(pk=value).first() if value not in (None, "") else None
    if instance is None:
        return None
    return getattr(instance, "display_name", None) or str(instance)


def value_words(field, value):
    """How `value` (as stored in a change row) of model field `field` reads; `field` may be None."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        return "、".join(value_words(field, item) for item in value)
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    if field is not None:
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.is_relation and field.many_to_one:
            try:
                return _related_name(field, value) or str(value)
            except (ValueError, TypeError):
                return str(value)
        if isinstance(field, models.DateTimeField):
            return local_time(value) or str(value)
        if isinstance(field, models.DateField) and isinstance(value, (date, str)):
            return str(value)[:10]
    if isinstance(value, dict):
        return "；".join(f"{key}：{value_words(None, item)}" for key, item in value.items())
    return local_time(value) or str(value)


def readable_changes(change):
    """[(label, before, after)] of an ObjectChange, in human words."""
    model = change.content_type.model_class() if change.content_type_id else None
    rows = []
    for key, before, after in change.changed_fields():
        label, words = key, None
        field = None
        if model is not None:
            extra = EXTRA_KEYS.get((model._meta.app_label, model._meta.model_name, key))
            if extra is not None:
                label, words = extra
            else:
                try:
                    field = model._meta.get_field(key)
                except FieldDoesNotExist:  # a key the model no longer has keeps its name
                    field = None
                if field is not None and field.auto_created and not field.concrete:
                    # A reverse relation (a building's houses): the row's own words, no field label.
                    label, field = getattr(field.related_model._meta, "verbose_name_plural", key), None
                elif field is not None:
                    label = getattr(field, "verbose_name", key)
        if words is not None:
            rows.append((str(label), words(before) or EMPTY, words(after) or EMPTY))
        else:
            rows.append((str(label), value_words(field, before), value_words(field, after)))
    return rows
