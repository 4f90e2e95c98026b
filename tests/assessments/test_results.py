"""The results ledger: one row per trainee and assessment, every change logged."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import AssessmentResult, AssessmentResultChange
from assessments.selectors.results import passed_assessment_keys
from assessments.services.results import assessment_result_record
from courses.models import CourseProgress, StepCompletion
from tests.assessments.quizzes import build_quiz, translate_quiz
from tests.courses.conftest import enrol
from tests.mfa import enable_totp

pytestmark = pytest.mark.django_db


def course_of(page):
    return page.get_parent().get_parent().specific


def record(user, page, *, percent, passed, by=None, **extra):
    return assessment_result_record(
        user=user,
        assessment=page,
        score=Decimal(percent) / 10,
        max_score=Decimal(10),
        percent=Decimal(percent),
        passed=passed,
        by=by,
        reason="test",
        **extra,
    )


@pytest.fixture
def quiz(db):
    return build_quiz()


def test_recording_creates_one_row_and_logs_each_change(trainee, trainer, quiz):
    enrol(user=trainee, courses=[course_of(quiz)])

    first = record(trainee, quiz, percent=40, passed=False, by=trainee)
    same = record(trainee, quiz, percent=40, passed=False, by=trainee)
    later = record(
        trainee, quiz, percent=80, passed=True, by=trainer, awaiting_review=False
    )

    assert first.pk == same.pk == later.pk
    assert AssessmentResult.objects.count() == 1
    changes = list(AssessmentResultChange.objects.order_by("id"))
    assert [c.action for c in changes] == [
        "assessments.result_create",
        "assessments.result_update",
    ]
    assert changes[0].old is None
    assert changes[0].new["percent"] == "40.00"
    assert changes[0].changed_by == trainee
    assert changes[1].old["percent"] == "40.00"
    assert changes[1].old["passed"] is False
    assert changes[1].new == {
        "score": "8.00",
        "max_score": "10.00",
        "percent": "80.00",
        "passed": True,
        "late": False,
        "awaiting_review": False,
    }
    assert changes[1].changed_by == trainer
    assert changes[1].reason == "test"
    assert later.first_passed_at is not None


def test_passing_completes_the_step_in_the_same_transaction(trainee, quiz):
    enrol(user=trainee, courses=[course_of(quiz)])

    record(trainee, quiz, percent=90, passed=True)

    assert StepCompletion.objects.filter(user=trainee, step=quiz).exists()
    assert CourseProgress.objects.get(user=trainee).percent == 100


def test_a_result_waiting_for_review_is_undecided(trainee, quiz):
    enrol(user=trainee, courses=[course_of(quiz)])

    result = assessment_result_record(
        user=trainee,
        assessment=quiz,
        score=None,
        max_score=None,
        percent=None,
        passed=None,
        late=True,
        awaiting_review=True,
    )

    assert (result.passed, result.late, result.awaiting_review) == (None, True, True)
    assert not StepCompletion.objects.filter(user=trainee).exists()


def test_a_translation_records_against_the_original(trainee, quiz):
    english = translate_quiz(quiz, title="In English")
    enrol(user=trainee, courses=[course_of(quiz)])

    result = record(trainee, english, percent=100, passed=True)

    assert result.assessment_id == quiz.pk
    assert StepCompletion.objects.get(user=trainee).step_id == quiz.pk


def test_passed_assessment_keys_lists_what_each_person_passed(make_user, quiz):
    other_quiz = build_quiz(title="Second")
    alice, bob, carol = (make_user("trainee") for _ in range(3))
    for person in (alice, bob, carol):
        enrol(user=person, courses=[course_of(quiz), course_of(other_quiz)])
    record(alice, quiz, percent=100, passed=True)
    record(alice, other_quiz, percent=100, passed=True)
    record(bob, quiz, percent=10, passed=False)
    record(bob, other_quiz, percent=90, passed=True)

    keys = passed_assessment_keys(user_ids=[alice.pk, bob.pk, carol.pk])

    assert keys == {
        alice.pk: {quiz.translation_key, other_quiz.translation_key},
        bob.pk: {other_quiz.translation_key},
        carol.pk: set(),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("programme_admin", 200),
        ("trainer_of_cohort", 200),
        ("trainer_of_another_cohort", 404),
        ("trainee_owner", 302),
        ("anonymous", 302),
    ],
)
def test_the_history_of_a_result_is_for_its_trainers_and_administrators(
    client, make_user, trainee, quiz, who, status
):
    trainer = make_user("trainer")
    enrol(user=trainee, courses=[course_of(quiz)], trainers=[trainer])
    result = record(trainee, quiz, percent=40, passed=False, by=trainee)
    record(trainee, quiz, percent=80, passed=True, by=trainer)
    viewer = {
        "programme_admin": lambda: make_user("admin"),
        "trainer_of_cohort": lambda: trainer,
        "trainer_of_another_cohort": lambda: make_user("trainer"),
        "trainee_owner": lambda: trainee,
        "anonymous": lambda: None,
    }[who]()
    if viewer is not None:
        enable_totp(viewer)
        client.force_login(viewer)

    response = client.get(reverse("assessments_result_history", args=[result.pk]))

    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "40.00" in body
        assert "80.00" in body
        assert trainer.email in body
    if who == "trainee_owner":
        assert response.url == reverse("dashboard")
