from django.db import migrations

DEFAULT_LEVELS = [
    # level, name, name_en, code_digits
    (0, "区县", "District", 6),
    (1, "街道", "Street", 3),
    (2, "社区", "Community", 3),
    (3, "网格", "Grid", 3),
    (4, "微网格", "Micro-grid", 3),
]


def add_levels(apps, schema_editor):
    RegionLevel = apps.get_model("regions", "RegionLevel")
    for level, name, name_en, digits in DEFAULT_LEVELS:
        RegionLevel.objects.get_or_create(
            level=level, defaults={"name": name, "name_en": name_en, "code_digits": digits}
        )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(add_levels, migrations.RunPython.noop)]
