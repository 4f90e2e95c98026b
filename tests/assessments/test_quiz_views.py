"""Taking a quiz over HTTP: with and without JavaScript, who may, what leaks."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments.models import AssessmentResult, QuizAttempt
from assessments.services.quiz import attempt_start, attempt_submit
from courses.models import StepCompletion
from tests.assessments.quizzes import (
    QUESTIONS,
    build_quiz,
    correct_answers,
    question,
)
from tests.courses.conftest import enrol

pytestmark = pytest.mark.django_db

# Everything that would give the key away before an attempt is finished.
KEY_MARKERS = [
    "FB-A",
    "FB-B",
    "FB-N",
    "FB-TRUE",
    "FB-FALSE",
    "SECRET-ANSWER",
    "self-efficacy",
    '"correct"',
    "accepted_answers",
]


def swedish(text: str) -> str:
    """``text`` as a Swedish page shows it (the quiz lives at a Swedish URL)."""
    with translation.override("sv"):
        return translation.gettext(text)


def course_of(page):
    return page.get_parent().get_parent().specific


@pytest.fixture
def quiz(db):
    return build_quiz(feedback_policy="immediately")


@pytest.fixture
def learner(client, trainee, quiz):
    enrol(user=trainee, courses=[course_of(quiz)])
    client.force_login(trainee)
    return trainee


def start_url(quiz):
    return reverse("quiz_attempt_start", args=[quiz.pk])


def autosave(client, attempt, answers, **extra):
    return client.post(
        reverse("quiz_attempt_save", args=[attempt.pk]),
        data=json.dumps({"answers": answers}),
        content_type="application/json",
        **extra,
    )


def whole_form(attempt, answers: dict) -> dict:
    """The POST data the quiz form sends for ``answers`` (service format)."""
    data = {"whole_form": "1"}
    for q in attempt.questions:
        name = f"q-{q['id']}"
        value = answers.get(q["id"])
        if value is None:
            continue
        if q["type"] == "true_false":
            data[name] = "true" if value else "false"
        elif q["type"] == "ordering":
            for position, item_id in enumerate(value, start=1):
                data[f"{name}-{item_id}"] = str(position)
        else:
            data[name] = value
    return data


def test_without_javascript_a_trainee_starts_saves_submits_and_sees_the_result(
    client, learner, quiz
):
    page = client.get(quiz.url)
    assert page.status_code == 200
    assert swedish("Start the quiz") in page.content.decode()

    response = client.post(start_url(quiz))
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(user=learner)
    form_page = client.get(quiz.url).content.decode()
    assert 'id="quiz-form"' in form_page
    assert "js/quiz.js" in form_page

    answers = correct_answers(attempt)
    saved = client.post(
        reverse("quiz_attempt_save", args=[attempt.pk]), whole_form(attempt, answers)
    )
    assert saved.status_code == 302
    attempt.refresh_from_db()
    assert attempt.answers == answers
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    # The saved answers are in the form when the trainee comes back.
    again = client.get(quiz.url).content.decode()
    assert again.count(" checked") == 4  # single, two multiple, true/false

    submitted = client.post(
        reverse("quiz_attempt_submit", args=[attempt.pk]), whole_form(attempt, answers)
    )
    assert submitted.url == reverse("quiz_attempt_detail", args=[attempt.pk])
    result = client.get(submitted.url)
    body = result.content.decode()
    assert result.status_code == 200
    assert "100 %" in body
    assert "FB-B" in body  # feedback is shown right away on this quiz
    assert StepCompletion.objects.filter(user=learner, step=quiz).exists()
    assert AssessmentResult.objects.get(user=learner).passed is True


def test_an_unfinished_ordering_in_the_form_is_explained(client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    ordering = question(attempt, "ordering")
    data = {"whole_form": "1", f"q-{ordering['id']}-{ordering['items'][0]['id']}": "1"}

    response = client.post(reverse("quiz_attempt_save", args=[attempt.pk]), data)

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("different position" in m for m in messages)


def test_autosave_stores_answers_and_returns_nothing_of_the_key(client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    single = question(attempt, "single_choice")
    text = question(attempt, "short_text")

    response = autosave(
        client,
        attempt,
        {single["id"]: single["options"][1]["id"], text["id"]: "my words"},
    )

    assert response.status_code == 200
    data = response.json()
    assert data["saved"] is True
    assert set(data) == {"saved", "saved_at", "seconds_left"}
    attempt.refresh_from_db()
    assert attempt.answers == {
        single["id"]: single["options"][1]["id"],
        text["id"]: "my words",
    }


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        (json.dumps({"no": "answers"}), 400),
        (json.dumps({"answers": ["a list"]}), 400),
        (json.dumps({"answers": {"unknown-question": "x"}}), 400),
    ],
)
def test_autosave_refuses_what_it_cannot_read_without_echoing_it(
    client, learner, quiz, body, status
):
    attempt = attempt_start(user=learner, quiz=quiz)

    response = client.post(
        reverse("quiz_attempt_save", args=[attempt.pk]),
        data=body,
        content_type="application/json",
    )

    assert response.status_code == status
    text = response.content.decode()
    assert "unknown-question" not in text
    for marker in KEY_MARKERS:
        assert marker not in text


def test_autosave_refuses_a_wrong_option_without_naming_the_right_one(
    client, learner, quiz
):
    attempt = attempt_start(user=learner, quiz=quiz)
    single = question(attempt, "single_choice")

    response = autosave(client, attempt, {single["id"]: "guess"})

    assert response.status_code == 400
    text = response.content.decode()
    assert "guess" not in text
    for option in single["options"]:
        assert option["id"] not in text


def test_autosave_bodies_are_bounded(client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    reflection = question(attempt, "reflection")

    response = autosave(client, attempt, {reflection["id"]: "\u2028" * 20_000})

    assert response.status_code == 413
    attempt.refresh_from_db()
    assert attempt.answers == {}


def test_autosave_after_the_time_ran_out_says_so(client, learner):
    quiz = build_quiz(title="Timed", time_limit_minutes=1)
    enrol(user=learner, courses=[course_of(quiz)])
    attempt = attempt_start(user=learner, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - (attempt.deadline_at - attempt.started_at) * 2,
        deadline_at=attempt.started_at - (attempt.deadline_at - attempt.started_at),
    )

    response = autosave(client, attempt, correct_answers(attempt))

    assert response.status_code == 409
    assert response.json()["result_url"] == reverse(
        "quiz_attempt_detail", args=[attempt.pk]
    )
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.EXPIRED_GRADED
    assert attempt.score == Decimal("0.00")


def test_the_key_never_reaches_the_browser_before_the_attempt_is_finished(
    client, learner, quiz
):
    client.post(start_url(quiz))
    attempt = QuizAttempt.objects.get(user=learner)

    pages = [
        client.get(quiz.url),
        client.get(reverse("quiz_attempt_detail", args=[attempt.pk]), follow=True),
        autosave(client, attempt, {}),
    ]

    for response in pages:
        body = response.content.decode()
        for marker in KEY_MARKERS:
            assert marker not in body, marker
    # The prompts and options are there; only their key is not.
    body = pages[0].content.decode()
    assert "Where does person-centred work start?" in body
    assert "With the person" in body


def test_after_a_finished_attempt_the_key_shows_only_as_the_rule_allows(
    client, learner
):
    quiz = build_quiz(title="Never", feedback_policy="never")
    enrol(user=learner, courses=[course_of(quiz)])
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk)

    body = client.get(reverse("quiz_attempt_detail", args=[attempt.pk])).content
    body = body.decode()

    assert "0 %" in body
    for marker in KEY_MARKERS:
        assert marker not in body, marker


def test_double_submit_over_http_grades_once(client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    url = reverse("quiz_attempt_submit", args=[attempt.pk])
    data = whole_form(attempt, correct_answers(attempt))

    first = client.post(url, data)
    second = client.post(url, {"whole_form": "1"})

    assert first.url == second.url
    attempt.refresh_from_db()
    assert attempt.percent == Decimal("100.00")
    assert AssessmentResult.objects.get(user=learner).changes.count() == 1


def test_staff_see_the_questions_with_their_key(client, trainer, quiz):
    client.force_login(trainer)

    body = client.get(quiz.url).content.decode()

    assert swedish("Questions and answer key") in body
    assert "SECRET-ANSWER" in body
    assert 'id="quiz-form"' not in body


# --- who may ----------------------------------------------------------------------

ROLES = ["owner", "other_trainee", "trainer_of_another_cohort", "anonymous"]


@pytest.fixture
def attempt_of_owner(make_user, quiz):
    owner = make_user("trainee")
    enrol(user=owner, courses=[course_of(quiz)], trainers=[make_user("trainer")])
    return attempt_start(user=owner, quiz=quiz)


def sign_in_as(client, make_user, quiz, attempt, who):
    if who == "owner":
        client.force_login(attempt.user)
    elif who == "other_trainee":
        # Enrolled in the same course: still not their attempt.
        other = make_user("trainee")
        enrol(user=other, courses=[course_of(quiz)])
        client.force_login(other)
    elif who == "trainer_of_another_cohort":
        trainer = make_user("trainer")
        enrol(user=make_user("trainee"), courses=[course_of(quiz)], trainers=[trainer])
        client.force_login(trainer)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", ["detail", "save_json", "save_form", "submit"])
def test_only_the_owner_may_use_an_attempt(
    client, make_user, quiz, attempt_of_owner, who, action
):
    attempt = attempt_of_owner
    sign_in_as(client, make_user, quiz, attempt, who)
    urls = {
        "detail": ("get", reverse("quiz_attempt_detail", args=[attempt.pk])),
        "save_json": ("json", reverse("quiz_attempt_save", args=[attempt.pk])),
        "save_form": ("post", reverse("quiz_attempt_save", args=[attempt.pk])),
        "submit": ("post", reverse("quiz_attempt_submit", args=[attempt.pk])),
    }
    method, url = urls[action]

    if method == "get":
        response = client.get(url)
    elif method == "json":
        response = client.post(url, "{}", content_type="application/json")
    else:
        response = client.post(url, {"whole_form": "1"})

    expected = {
        "owner": {"detail": 302, "save_json": 400, "save_form": 302, "submit": 302},
        "other_trainee": 404,
        "trainer_of_another_cohort": 404,
        "anonymous": 302,
    }[who]
    if isinstance(expected, dict):
        expected = expected[action]
    assert response.status_code == expected
    if who == "anonymous":
        assert response.url.split("?")[0].endswith("/accounts/login/")
    attempt.refresh_from_db()
    finished = who == "owner" and action == "submit"
    assert attempt.finished is finished


@pytest.mark.parametrize("who", ROLES)
def test_only_enrolled_trainees_may_start_an_attempt(client, make_user, quiz, who):
    owner = make_user("trainee")
    enrol(user=owner, courses=[course_of(quiz)])
    if who == "owner":
        client.force_login(owner)
    elif who == "other_trainee":
        client.force_login(make_user("trainee"))  # not in any cohort
    elif who == "trainer_of_another_cohort":
        trainer = make_user("trainer")
        other = build_quiz(title="Other course")
        enrol(user=make_user("trainee"), courses=[course_of(other)], trainers=[trainer])
        client.force_login(trainer)

    response = client.post(start_url(quiz))

    expected = {
        "owner": 302,
        "other_trainee": 404,
        "trainer_of_another_cohort": 404,
        "anonymous": 302,
    }
    assert response.status_code == expected[who]
    assert QuizAttempt.objects.count() == (1 if who == "owner" else 0)


@pytest.mark.parametrize("who", ROLES)
def test_the_quiz_page_is_for_enrolled_people(client, make_user, quiz, who):
    owner = make_user("trainee")
    enrol(user=owner, courses=[course_of(quiz)])
    if who == "owner":
        client.force_login(owner)
    elif who == "other_trainee":
        client.force_login(make_user("trainee"))
    elif who == "trainer_of_another_cohort":
        trainer = make_user("trainer")
        client.force_login(trainer)

    response = client.get(quiz.url)

    # Staff may read every course (they write it); trainees only their own.
    expected = {
        "owner": 200,
        "other_trainee": 404,
        "trainer_of_another_cohort": 200,
        "anonymous": 302,
    }
    assert response.status_code == expected[who]


# --- query budgets -----------------------------------------------------------------

# A lesson page costs 22; a quiz adds its attempts, its result and its rules.
QUIZ_PAGE_BUDGET = 26
RESULT_PAGE_BUDGET = 17


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_quiz_pages_cost_the_same_for_6_and_60_questions(client, trainee):
    small = build_quiz(title="Small")
    large = build_quiz(title="Large", questions=QUESTIONS * 10)
    enrol(user=trainee, courses=[course_of(small), course_of(large)])
    client.force_login(trainee)
    costs = {}
    for name, quiz in (("small", small), ("large", large)):
        attempt = attempt_start(user=trainee, quiz=quiz)
        client.get(quiz.url)  # warm Wagtail's site-root cache
        open_page = count_queries(client, quiz.url)
        attempt_submit(attempt_id=attempt.pk, answers=correct_answers(attempt))
        result_page = count_queries(
            client, reverse("quiz_attempt_detail", args=[attempt.pk])
        )
        overview = count_queries(client, quiz.url)
        costs[name] = (open_page, result_page, overview)

    assert costs["small"] == costs["large"]
    open_page, result_page, overview = costs["large"]
    assert open_page <= QUIZ_PAGE_BUDGET
    assert overview <= QUIZ_PAGE_BUDGET
    assert result_page <= RESULT_PAGE_BUDGET


def test_a_graduate_sees_her_attempts_but_cannot_start_another(client, trainee, quiz):
    from courses.models import CohortMembership

    cohort = enrol(user=trainee, courses=[course_of(quiz)])
    attempt = attempt_start(user=trainee, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, answers=correct_answers(attempt))
    cohort.memberships.update(status=CohortMembership.Status.COMPLETED)
    client.force_login(trainee)

    html = client.get(quiz.url).content.decode()

    assert swedish("The quiz is closed") in html
    assert reverse("quiz_attempt_start", args=[quiz.pk]) not in html
    assert swedish("Your attempts") in html
    response = client.post(reverse("quiz_attempt_start", args=[quiz.pk]))
    assert response.status_code == 404
    assert QuizAttempt.objects.filter(user=trainee).count() == 1
