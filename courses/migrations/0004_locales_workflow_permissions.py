"""Locales, the moderation workflow and who may manage cohorts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINERS = "Trainers"
PROGRAMME_ADMINISTRATORS = "Programme administrators"
WORKFLOW_NAME = "Trainer drafts, programme administrator approves"


def configure(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Locale = apps.get_model("wagtailcore", "Locale")
    for code in ("sv", "en", "ar"):
        Locale.objects.get_or_create(language_code=code)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")

    admins = Group.objects.get(name=PROGRAMME_ADMINISTRATORS)
    trainers = Group.objects.get(name=TRAINERS)

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task, created = GroupApprovalTask.objects.get_or_create(
        name="Programme administrator approval",
        defaults={"content_type": task_type, "active": True},
    )
    task.groups.add(admins)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    # Every page in the tree goes through it; the Wagtail default is retired.
    root = Page.objects.get(depth=1)
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    Workflow.objects.exclude(pk=workflow.pk).update(active=False)

    def perms(app_label, *codenames):
        return Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )

    admins.permissions.add(
        *perms(
            "courses",
            "add_cohort",
            "change_cohort",
            "view_cohort",
            "delete_cohort",
            "add_cohortmembership",
            "change_cohortmembership",
            "view_cohortmembership",
            "view_invitation",
        ),
        *perms("wagtail_localize", "submit_translation"),
    )
    trainers.permissions.add(*perms("courses", "view_cohort"))
    trainers.permissions.add(*perms("wagtail_localize", "submit_translation"))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_lessonpage_modulepage_cohort_cohortmembership_and_more"),
        ("users", "0003_staff_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]
    operations = [migrations.RunPython(configure, migrations.RunPython.noop)]
