"""The change log helper for action functions: snapshot a record before, change it, record the pair.

    before = snapshot(house, HOUSE_FIELDS)
    house.usage = usage
    house.save(update_fields=[...])
    record_change(user, house, ObjectChange.Action.UPDATE, before, snapshot(house, HOUSE_FIELDS))

Values are made JSON-safe (dates as ISO strings, decimals as strings, model instances as their pk).
An update that changed nothing writes nothing.
"""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from civicgrid.core.models import ObjectChange


def json_value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [json_value(item) for item in value]
    return value


def snapshot(instance, fields):
    """{field: JSON-safe value}; for a foreign key name the attribute `<name>_id` is read."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        data[name] = json_value(value)
    return data


def change_row(user, instance, action, before=None, after=None, note="", at=None):
    """An unsaved ObjectChange (for bulk_create by importers)."""
    return ObjectChange(
        content_type=ContentType.objects.get_for_model(instance._meta.model),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        at=at or timezone.now(),
        before=before,
        after=after,
        note=note[:200],
    )


def record_change(user, instance, action, before=None, after=None, note=""):
    """Append one change row; an UPDATE whose before and after are equal is not recorded."""
    if action == ObjectChange.Action.UPDATE and before == after:
        return None
    row = change_row(user, instance, action, before, after, note)
    row.save()
    return row


def changes_for(instance):
    return (
        ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(instance._meta.model), object_id=str(instance.pk)
        )
        .select_related("user")
        .order_by("-at", "-id")
    )


def changes_for_all(instances):
    """The change rows of several records (of any models) together, newest first: a record and the
    rows it owns, such as an application and its keys."""
    ids_by_type = {}
    for instance in instances:
        content_type = ContentType.objects.get_for_model(instance._meta.model)
        ids_by_type.setdefault(content_type.pk, []).append(str(instance.pk))
    if not ids_by_type:
        return ObjectChange.objects.none()
    condition = models.Q()
    for content_type_id, ids in ids_by_type.items():
        condition |= models.Q(content_type_id=content_type_id, object_id__in=ids)
    return ObjectChange.objects.filter(condition).select_related("user").order_by("-at", "-id")


def stored_snapshot(instance, fields):
    """The snapshot of `instance` as the database holds it (the row locked until the transaction
    ends), or None for an instance not yet saved: the "before" of an edit made on a form's copy."""
    if instance.pk is None:
        return None
    stored = instance._meta.model._base_manager.select_for_update().filter(pk=instance.pk).first()
    return snapshot(stored, fields) if stored is not None else None


def editable_fields(model, exclude=()):
    """Names of the model's concrete fields worth logging: not the primary key, not `exclude`."""
    return [field.name for field in model._meta.concrete_fields if not field.primary_key and field.name not in exclude]


def delete_logged(user, instance, before, delete=None, note=""):
    """Delete `instance` (or run `delete()`) and log its last state `before` as a DELETE row.

    Django clears the primary key on delete; the row must still name the record that was."""
    pk = instance.pk
    (delete or instance.delete)()
    instance.pk = pk
    return record_change(user, instance, ObjectChange.Action.DELETE, before, None, note)
