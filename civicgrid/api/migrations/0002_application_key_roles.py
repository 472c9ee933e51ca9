"""Keys act only in application roles (issue 12): a key that held the system-admin role (the old
"接入应用") becomes an intake integration, one that held the command-centre operator's role (the old
"热线对接") a hotline integration, and any other role an intake integration; then the database
refuses every role but the application ones."""

from django.db import migrations, models

OLD_TO_NEW = {"system_admin": "integration", "command_operator": "hotline_integration"}
APPLICATION_ROLES = ("integration", "hotline_integration")


def to_application_roles(apps, schema_editor):
    ApiKey = apps.get_model("api", "ApiKey")
    for old, new in OLD_TO_NEW.items():
        ApiKey.objects.filter(role=old).update(role=new)
    ApiKey.objects.exclude(role__in=APPLICATION_ROLES).update(role="integration")


def back_to_person_roles(apps, schema_editor):
    ApiKey = apps.get_model("api", "ApiKey")
    for old, new in OLD_TO_NEW.items():
        ApiKey.objects.filter(role=new).update(role=old)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("regions", "0002_default_levels"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apikey",
            name="role",
            field=models.CharField(
                choices=[("integration", "接入应用（上报与查询）"), ("hotline_integration", "热线对接（登记与派遣）")],
                default="integration",
                max_length=32,
                verbose_name="身份",
            ),
        ),
        migrations.RunPython(to_application_roles, back_to_person_roles),
        migrations.AddConstraint(
            model_name="apikey",
            constraint=models.CheckConstraint(
                condition=models.Q(("role__in", ["integration", "hotline_integration"])),
                name="api_key_role_is_an_application_role",
                violation_error_message="API 密钥只能使用应用角色（接入应用或热线对接）。",
            ),
        ),
    ]
