from django.db import migrations


def load(apps, schema_editor):
    from civicgrid.points.rules import load_defaults

    load_defaults(apps.get_model("points", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
