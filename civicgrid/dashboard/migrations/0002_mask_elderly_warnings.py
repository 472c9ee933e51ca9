"""Warnings fired before issue 14 item 7 named elderly people living alone in full and by their tag
("独居老人 张大爷 已超过 30 天未走访"); rewrite those still stored to what the rule now writes
("重点关爱对象 张** 已超过 30 天未走访"), in firings and their tasks."""

import re

from django.db import migrations

OLD = re.compile(r"^独居老人 (\S+) 已超过 (\d+) 天未走访$")


def masked(text):
    match = OLD.match(text or "")
    if match is None:
        return None
    name, days = match.groups()
    return f"重点关爱对象 {name[:1]}{'*' * (len(name) - 1)} 已超过 {days} 天未走访"


def forwards(apps, schema_editor):
    for model, field in (
        (apps.get_model("dashboard", "WarningFiring"), "message"),
        (apps.get_model("dashboard", "Task"), "title"),
    ):
        for row in model.objects.filter(**{f"{field}__startswith": "独居老人 "}).only("pk", field).iterator():
            text = masked(getattr(row, field))
            if text is not None:
                model.objects.filter(pk=row.pk).update(**{field: text})


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
