"""Load the shipped default category table (cases/data/categories.json) into a new install.

Later changes to the table are applied with `manage.py load_categories [--update]`, which is
idempotent and keeps local edits unless asked to overwrite them.
"""

from django.db import migrations


def load(apps, schema_editor):
    from civicgrid.cases.categories import load_categories

    load_categories(apps.get_model("cases", "Category"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_event_append_only")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
