"""Programme administrators read the reports, export them and record outcomes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROGRAMME_ADMINISTRATORS = "Programme administrators"
CODENAMES = [
    "view_programme_reports",
    "export_participant_data",
    "view_exportjob",
    "add_participantoutcome",
    "change_participantoutcome",
    "delete_participantoutcome",
    "view_participantoutcome",
]


def add_permissions(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PROGRAMME_ADMINISTRATORS)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reports", codename__in=CODENAMES
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("users", "0003_staff_groups"),
    ]
    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
