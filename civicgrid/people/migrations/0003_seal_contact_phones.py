"""Contact phones of merchants/enterprises and property companies are sealed like persons' phones:
the plaintext `phone` column is replaced by phone_enc / phone_hash / phone_masked, converting the
existing values (reversible: going back decrypts them into the plaintext column again)."""

from django.db import migrations, models

SEALED = ("enterprise", "propertycompany")


def seal_phones(apps, schema_editor):
    from civicgrid.people import protection, rules

    for model_name in SEALED:
        model = apps.get_model("people", model_name)
        for row in model.objects.exclude(phone="").only("pk", "phone").iterator():
            phone = rules.normalise_phone(row.phone)
            model.objects.filter(pk=row.pk).update(
                phone_enc=protection.encrypt(phone),
                phone_hash=protection.keyed_hash("phone", phone),
                phone_masked=protection.mask_phone(phone),
            )


def unseal_phones(apps, schema_editor):
    from civicgrid.people import protection

    for model_name in SEALED:
        model = apps.get_model("people", model_name)
        for row in model.objects.exclude(phone_enc="").only("pk", "phone_enc").iterator():
            model.objects.filter(pk=row.pk).update(phone=protection.decrypt(row.phone_enc))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_default_tags"),
    ]

    operations = [
        *[
            operation
            for model_name in SEALED
            for operation in (
                migrations.AddField(
                    model_name=model_name,
                    name="phone_enc",
                    field=models.TextField(blank=True, verbose_name="联系电话（密文）"),
                ),
                migrations.AddField(
                    model_name=model_name,
                    name="phone_hash",
                    field=models.CharField(
                        blank=True, db_index=True, max_length=64, verbose_name="联系电话（检索摘要）"
                    ),
                ),
                migrations.AddField(
                    model_name=model_name,
                    name="phone_masked",
                    field=models.CharField(blank=True, max_length=20, verbose_name="联系电话"),
                ),
            )
        ],
        migrations.RunPython(seal_phones, unseal_phones),
        migrations.RemoveField(model_name="enterprise", name="phone"),
        migrations.RemoveField(model_name="propertycompany", name="phone"),
    ]
