"""Who may open every assignment view and file: one table per view, allowed
and denied cases side by side, so a denial cannot pass for the wrong reason.

Actors: the owner of the work, another trainee of the same course (another
cohort), the trainer of the owner's cohort, a trainer of another cohort, a
trainee of no course, and someone not signed in.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Attachment, Review, Submission
from assessments.services.assignments import attachment_add
from tests.assessments.test_assignments import (
    PDF,
    assignment_setup,
    hand_in,
    level_ids,
)

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "outsider", "other_trainee", "other_trainer", "trainer", "owner")


@pytest.fixture
def world(make_user):
    setup = assignment_setup(make_user)
    attachment_add(user=setup.trainee, page=setup.page, name="plan.pdf", data=PDF)
    setup.submission = hand_in(setup)
    setup.attachment = Attachment.objects.get()
    setup.actors = {
        "anonymous": None,
        "outsider": make_user("trainee"),
        "other_trainee": setup.other_trainee,
        "other_trainer": setup.other_trainer,
        "trainer": setup.trainer,
        "owner": setup.trainee,
    }
    return setup


def outcome(response) -> str:
    if response.status_code == 404:
        return "404"
    if response.status_code == 302:
        location = response["Location"]
        if "/accounts/login/" in location:
            return "login"
        if location.endswith("/my-learning/"):
            return "no admin"
    if response.status_code in (200, 302):
        return "ok"
    return str(response.status_code)


def outcomes(client, world, request) -> dict[str, str]:
    results = {}
    for name in ACTORS:
        client.logout()
        user = world.actors[name]
        if user is not None:
            client.force_login(user)
        response = request(client, world)
        results[name] = outcome(response)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # reading it to the end closes it
    return results


def test_the_assignment_page(client, world):
    assert outcomes(client, world, lambda c, w: c.get(w.page.url)) == {
        "anonymous": "login",
        "outsider": "404",
        "other_trainee": "ok",  # the same course: their own work
        "other_trainer": "ok",  # staff read every course
        "trainer": "ok",
        "owner": "ok",
    }


def test_the_submission_page(client, world):
    url = reverse("assignment_submission", args=[world.submission.pk])
    assert outcomes(client, world, lambda c, w: c.get(url)) == {
        "anonymous": "login",
        "outsider": "404",
        "other_trainee": "404",
        "other_trainer": "404",
        "trainer": "ok",
        "owner": "ok",
    }


def test_the_file_download(client, world):
    url = reverse("assignment_attachment_download", args=[world.attachment.pk])
    assert outcomes(client, world, lambda c, w: c.get(url)) == {
        "anonymous": "login",
        "outsider": "404",
        "other_trainee": "404",
        "other_trainer": "404",
        "trainer": "ok",
        "owner": "ok",
    }


def test_removing_a_file(client, world):
    # A draft's file: only its owner may remove it; trainers only read.
    url = reverse("assignment_attachment_delete", args=[world.attachment.pk])
    world.submission.status = Submission.Status.DRAFT
    world.submission.save()
    assert outcomes(client, world, lambda c, w: c.post(url)) == {
        "anonymous": "login",
        "outsider": "404",
        "other_trainee": "404",
        "other_trainer": "404",
        "trainer": "404",
        "owner": "ok",
    }
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["assignment_draft_save", "assignment_submit", "assignment_attachment_upload"],
)
def test_writing_needs_enrolment_and_touches_only_your_own_work(client, world, name):
    url = reverse(name, args=[world.page.pk])
    before = Submission.objects.get(pk=world.submission.pk).body_html

    results = outcomes(client, world, lambda c, w: c.post(url, {"body": "mine"}))

    assert results == {
        "anonymous": "login",
        "outsider": "404",
        "other_trainee": "ok",
        "other_trainer": "404",  # staff are not enrolled: they cannot hand in
        "trainer": "404",
        "owner": "ok",  # handed in already: told so, nothing changes
    }
    assert Submission.objects.get(pk=world.submission.pk).body_html == before
    assert not Submission.objects.filter(user__in=[world.trainer]).exists()


def test_the_grading_queue(client, world):
    url = reverse("assessments_grading_queue")

    def listed(c, w):
        response = c.get(url)
        if response.status_code == 200 and w.trainee.get_full_name() not in (
            response.content.decode()
        ):
            return type("R", (), {"status_code": 403})()
        return response

    assert outcomes(client, world, listed) == {
        "anonymous": "login",
        "outsider": "no admin",
        "other_trainee": "no admin",
        "other_trainer": "403",  # the queue opens, without this work in it
        "trainer": "ok",
        "owner": "no admin",
    }


def test_the_grading_screen(client, world):
    url = reverse("assessments_grading_submission", args=[world.submission.pk])
    assert outcomes(client, world, lambda c, w: c.get(url)) == {
        "anonymous": "login",
        "outsider": "no admin",
        "other_trainee": "no admin",
        "other_trainer": "404",
        "trainer": "ok",
        "owner": "no admin",
    }


def test_starting_a_review(client, world):
    url = reverse("assessments_grading_start", args=[world.submission.pk])
    assert outcomes(client, world, lambda c, w: c.post(url)) == {
        "anonymous": "login",
        "outsider": "no admin",
        "other_trainee": "no admin",
        "other_trainer": "404",
        "trainer": "ok",
        "owner": "no admin",
    }
    world.submission.refresh_from_db()
    assert world.submission.review_started_by == world.trainer


def test_grading(client, world):
    url = reverse("assessments_grading_submission", args=[world.submission.pk])
    data = {
        f"criterion_{cid}": level
        for cid, level in level_ids(world.page, "Meets").items()
    }
    data.update(decision="passed", feedback="<p>Good.</p>")

    assert outcomes(client, world, lambda c, w: c.post(url, data)) == {
        "anonymous": "login",
        "outsider": "no admin",
        "other_trainee": "no admin",
        "other_trainer": "404",
        "trainer": "ok",
        "owner": "no admin",
    }
    review = Review.objects.get()
    assert review.reviewer == world.trainer


def test_a_trainer_without_the_grading_permission_is_turned_away(client, world):
    from django.contrib.auth.models import Group, Permission

    trainers = Group.objects.get(name="Trainers")
    trainers.permissions.remove(Permission.objects.get(codename="grade_submission"))
    client.force_login(world.trainer)

    queue = client.get(reverse("assessments_grading_queue"))
    screen = client.get(
        reverse("assessments_grading_submission", args=[world.submission.pk])
    )

    assert queue.status_code == screen.status_code == 302
    assert queue["Location"] == reverse("wagtailadmin_home")
