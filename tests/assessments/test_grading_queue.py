"""The grading queue and grading screen in the Wagtail admin."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Review, Submission
from assessments.services.assignments import (
    submission_review_start,
    submission_submit,
)
from courses.factories import course_page_create, module_page_create
from tests.assessments.test_assignments import (
    assignment_setup,
    hand_in,
    level_ids,
    make_assignment,
)
from tests.courses.conftest import enrol

pytestmark = pytest.mark.django_db

QUEUE_BUDGET = 30


@pytest.fixture
def setup(make_user):
    return assignment_setup(make_user)


def queue_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', html)


def test_the_queue_lists_work_of_my_cohorts_oldest_first_with_its_age(
    client, setup, make_user
):
    later = make_user("trainee", legal_name="Zed Later")
    setup.cohort.memberships.create(user=later, status="active")
    earlier = setup.trainee
    first = hand_in(setup, user=earlier)
    Submission.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=3)
    )
    hand_in(setup, user=later)
    hand_in(setup, user=setup.other_trainee)  # another cohort: not mine
    client.force_login(setup.trainer)

    html = client.get(reverse("assessments_grading_queue")).content.decode()

    assert queue_names(html) == [earlier.get_full_name(), "Zed Later"]
    assert "3\xa0days" in html or "3 days" in html
    assert "2 submissions waiting." in html


def test_work_being_reviewed_stays_in_the_queue_with_its_reviewer(client, setup):
    submission = hand_in(setup)
    submission_review_start(reviewer=setup.trainer, submission_id=submission.pk)
    client.force_login(setup.trainer)

    html = client.get(reverse("assessments_grading_queue")).content.decode()

    assert f"In review by {setup.trainer.get_full_name()}" in html


def test_graded_work_leaves_the_queue(client, setup):
    submission = hand_in(setup)
    client.force_login(setup.trainer)
    data = {
        f"criterion_{cid}": level
        for cid, level in level_ids(setup.page, "Meets").items()
    }
    client.post(
        reverse("assessments_grading_submission", args=[submission.pk]),
        {**data, "decision": "passed"},
    )

    html = client.get(reverse("assessments_grading_queue")).content.decode()

    assert queue_names(html) == []


def test_the_queue_filters_by_cohort_course_and_assignment(client, setup, make_user):
    # A second course and assignment in a second cohort the same trainer teaches.
    course = course_page_create(title="Second course")
    module = module_page_create(parent=course, unlock_in_order=False)
    second_page = make_assignment(module, title="Second assignment")
    second_trainee = make_user("trainee", legal_name="Second Trainee")
    second_cohort = enrol(
        user=second_trainee, courses=[course], trainers=[setup.trainer]
    )
    hand_in(setup)
    submission_submit(user=second_trainee, page=second_page, body="<p>Work</p>")
    client.force_login(setup.trainer)
    url = reverse("assessments_grading_queue")
    everyone = [setup.trainee.get_full_name(), "Second Trainee"]

    assert queue_names(client.get(url).content.decode()) == everyone
    for params, expected in (
        ({"cohort": second_cohort.pk}, ["Second Trainee"]),
        ({"cohort": setup.cohort.pk}, [setup.trainee.get_full_name()]),
        ({"course": setup.course.pk}, [setup.trainee.get_full_name()]),
        ({"assignment": second_page.pk}, ["Second Trainee"]),
        ({"cohort": setup.other_cohort.pk}, everyone),  # not mine: ignored
    ):
        html = client.get(url, params).content.decode()
        assert queue_names(html) == expected, params


def test_the_queue_costs_the_same_for_few_and_many(
    client, setup, make_user, django_assert_max_num_queries
):
    def add_trainees(n):
        for _ in range(n):
            trainee = make_user("trainee")
            setup.cohort.memberships.create(user=trainee, status="active")
            hand_in(setup, user=trainee)

    client.force_login(setup.trainer)
    url = reverse("assessments_grading_queue")
    add_trainees(3)
    client.get(url)  # warm caches (content types, site)
    with django_assert_max_num_queries(QUEUE_BUDGET):
        assert len(queue_names(client.get(url).content.decode())) == 3
    add_trainees(30)
    with django_assert_max_num_queries(QUEUE_BUDGET):
        assert len(queue_names(client.get(url).content.decode())) == 33


def test_the_grading_screen_shows_the_work_beside_the_rubric(client, setup):
    submission = hand_in(setup, "<p>My <em>careful</em> analysis.</p>")
    client.force_login(setup.trainer)

    html = client.get(
        reverse("assessments_grading_submission", args=[submission.pk])
    ).content.decode()

    work = html.index('class="grading-layout__work"')
    rubric = html.index('class="grading-layout__rubric"')
    assert work < html.index("My <em>careful</em> analysis.") < rubric
    assert html.index("Person-centred perspective", rubric) > rubric
    assert "3 points" in html
    assert "Resources named." in html


def test_a_grade_that_disagrees_with_the_rubric_is_explained(client, setup):
    submission = hand_in(setup)
    client.force_login(setup.trainer)
    data = {
        f"criterion_{cid}": level
        for cid, level in level_ids(setup.page, "Not yet").items()
    }

    response = client.post(
        reverse("assessments_grading_submission", args=[submission.pk]),
        {**data, "decision": "passed", "feedback": "<p>Hm.</p>"},
    )

    assert response.status_code == 200
    assert "below the pass threshold" in response.content.decode()
    assert not Review.objects.exists()


def test_a_missing_criterion_is_pointed_out(client, setup):
    submission = hand_in(setup)
    client.force_login(setup.trainer)
    ids = level_ids(setup.page, "Meets")
    first = next(iter(ids))

    response = client.post(
        reverse("assessments_grading_submission", args=[submission.pk]),
        {f"criterion_{first}": ids[first], "decision": "passed"},
    )

    assert response.status_code == 200
    assert response.content.decode().count("grading-errors") == 1
    assert not Review.objects.exists()


def test_the_grading_menu_is_for_graders(client, setup):
    client.force_login(setup.trainer)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/grading/" in home
