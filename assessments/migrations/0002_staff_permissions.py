"""Trainers grade submissions and sign off practicum sessions; programme
administrators manage cohorts' due dates and practicum supervisors. The
permission codenames come from ``Submission.Meta.permissions`` and
``PracticumSession.Meta.permissions``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINERS = "Trainers"
TRAINER_PERMISSIONS = ("grade_submission", "sign_off_practicum")
PROGRAMME_ADMINISTRATORS = "Programme administrators"
ADMIN_PERMISSIONS = tuple(
    f"{action}_{model}"
    for model in ("assignmentdueoverride", "practicumsupervision")
    for action in ("add", "change", "delete", "view")
)
GRANTS = {TRAINERS: TRAINER_PERMISSIONS, PROGRAMME_ADMINISTRATORS: ADMIN_PERMISSIONS}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="assessments", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="assessments", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("users", "0003_staff_groups"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
