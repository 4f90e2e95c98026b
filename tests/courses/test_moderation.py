"""Trainers draft; programme administrators approve (the moderation workflow)."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import LessonPage
from tests.courses.conftest import build_course
from tests.mfa import enable_totp

pytestmark = pytest.mark.django_db


def lesson_form(title):
    return nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "estimated_minutes": 15,
            "body": streamfield([("rich_text", rich_text("<p>Fresh content.</p>"))]),
        }
    )


def test_trainer_submits_a_new_lesson_and_an_administrator_publishes_it(
    client, make_user
):
    trainer, admin = make_user("trainer"), make_user("admin")
    enable_totp(trainer)
    enable_totp(admin)
    module = build_course(modules=1, lessons=1).get_children().first()
    client.force_login(trainer)

    add_url = reverse(
        "wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk]
    )
    response = client.post(
        add_url, {**lesson_form("Solution focus"), "action-submit": "1"}
    )

    assert response.status_code == 302
    lesson = LessonPage.objects.get(title="Solution focus")
    assert not lesson.live  # trainers cannot publish on their own
    state = WorkflowState.objects.get(object_id=str(lesson.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "Programme administrator approval"

    # A trainer may not publish directly either.
    client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        {**lesson_form("Solution focus"), "action-publish": "1"},
    )
    lesson.refresh_from_db()
    assert not lesson.live

    client.force_login(admin)
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[lesson.pk, "approve", state.current_task_state.pk],
    )
    response = client.post(approve, {"comment": "Looks good."})

    assert response.status_code in (200, 302)
    lesson.refresh_from_db()
    assert lesson.live
