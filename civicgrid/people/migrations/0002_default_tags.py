from django.db import migrations

# code, name, sensitivity (1 一般, 2 敏感, 3 高度敏感), colour, order
TAGS = [
    ("elderly_alone", "独居老人", 2, "#d63384", 10),
    ("empty_nest", "空巢老人", 2, "#e35d6a", 20),
    ("left_behind_child", "留守儿童", 2, "#fd7e14", 30),
    ("disabled", "残疾人", 3, "#6f42c1", 40),
    ("subsistence", "低保户", 3, "#0d6efd", 50),
    ("veteran", "退役军人", 1, "#198754", 60),
    ("key_care", "重点关爱人员", 2, "#ffc107", 70),
    ("community_correction", "社区矫正人员", 3, "#212529", 80),
    ("severe_mental", "严重精神障碍患者", 3, "#6c757d", 90),
]


def add_tags(apps, schema_editor):
    Tag = apps.get_model("people", "Tag")
    for code, name, sensitivity, colour, order in TAGS:
        Tag.objects.get_or_create(
            code=code, defaults={"name": name, "sensitivity": sensitivity, "colour": colour, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
