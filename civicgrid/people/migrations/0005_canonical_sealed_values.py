"""Sealed phones and ID numbers stored before rules.py normalised every path are brought to the one
canonical form (a landline as `0371-65551234`, full-width digits as ASCII), so that exact search and
the import find them by the same keyed hash as a newly typed number. Only values whose canonical form
differs are rewritten; an ID number whose canonical form already belongs to another person is left as
it was (two records of one person, for staff to merge)."""

from django.db import migrations

PHONE_MODELS = ("person", "enterprise", "propertycompany")


def _rows(model, field):
    return model.objects.exclude(**{f"{field}_enc": ""}).only("pk", f"{field}_enc").iterator(chunk_size=2000)


def canonical_values(apps, schema_editor):
    from civicgrid.people import protection, rules

    for model_name in PHONE_MODELS:
        model = apps.get_model("people", model_name)
        for row in _rows(model, "phone"):
            plain = protection.decrypt(row.phone_enc)
            phone = rules.normalise_phone(plain)
            if phone != plain:
                model.objects.filter(pk=row.pk).update(**rules.seal_phone(phone))
    person = apps.get_model("people", "person")
    for row in _rows(person, "id_number"):
        plain = protection.decrypt(row.id_number_enc)
        number = rules.normalise_id_number(plain)
        if number == plain:
            continue
        sealed = rules.seal_id_number(number)
        if not person.objects.filter(id_number_hash=sealed["id_number_hash"]).exclude(pk=row.pk).exists():
            person.objects.filter(pk=row.pk).update(**sealed)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_slimmer_indexes")]

    operations = [migrations.RunPython(canonical_values, migrations.RunPython.noop, elidable=True)]
