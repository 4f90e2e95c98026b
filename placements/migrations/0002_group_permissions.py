"""Programme administrators manage partner organisations and placements."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROGRAMME_ADMINISTRATORS = "Programme administrators"
CODENAMES = [
    "add_partnerorganisation",
    "change_partnerorganisation",
    "view_partnerorganisation",
    "add_placement",
    "change_placement",
    "view_placement",
    "view_placementevent",
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
            content_type__app_label="placements", codename__in=CODENAMES
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0001_initial"),
        ("users", "0003_staff_groups"),
    ]
    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
