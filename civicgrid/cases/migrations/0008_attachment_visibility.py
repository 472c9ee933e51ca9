"""Attachments carry their own visibility (issue 12): `is_public` becomes `visibility`.

A file marked not public stays staff-only; a "public" file of a private case becomes parties-only
(its reporter and staff), since a private report's photos were never meant for anyone else.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Attachment = apps.get_model("cases", "Attachment")
    Attachment.objects.filter(is_public=False).update(visibility="staff")
    Attachment.objects.filter(is_public=True, case__is_public=False).update(visibility="parties")


def backwards(apps, schema_editor):
    Attachment = apps.get_model("cases", "Attachment")
    Attachment.objects.exclude(visibility="public").update(is_public=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_category_extra_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="visibility",
            field=models.CharField(
                choices=[("public", "公开"), ("parties", "仅上报人与工作人员"), ("staff", "仅工作人员")],
                default="public",
                max_length=8,
                verbose_name="可见范围",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="attachment", name="is_public"),
    ]
