"""Who may edit certifications, issue, revoke and recommend certificates."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINERS = "Trainers"
PROGRAMME_ADMINISTRATORS = "Programme administrators"

GROUP_PERMISSIONS = {
    PROGRAMME_ADMINISTRATORS: [
        "add_certification",
        "change_certification",
        "view_certification",
        "view_certificate",
        "view_issuejob",
        "view_recommendation",
        "issue_certificate",
        "revoke_certificate",
    ],
    TRAINERS: [
        "view_certification",
        "recommend_certificate",
    ],
}


def add_permissions(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="certificates", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("users", "0003_staff_groups"),
    ]
    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
