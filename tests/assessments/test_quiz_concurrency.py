"""Submitting at the same moment, on PostgreSQL (row locks are real there).

Run locally with e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/coach_quiz .venv/bin/pytest
--create-db tests/assessments/test_quiz_concurrency.py`` (test database
``test_coach_quiz``).
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections

from assessments.models import AssessmentResult, AssessmentResultChange, QuizAttempt
from assessments.services.quiz import (
    attempt_answers_save,
    attempt_start,
    attempt_submit,
)
from courses.models import CohortMembership, CourseProgress, StepCompletion
from tests.assessments.quizzes import build_quiz, correct_answers
from tests.courses.conftest import enrol

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# PostgreSQL allows 100 connections by default, shared with other test runs.
MAX_THREADS = 24


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


def run_together(calls, *, threads: int):
    """Run ``calls`` on ``threads`` threads released at the same instant.

    Returns (results, errors); every thread closes its own connection.
    """
    barrier = threading.Barrier(min(threads, len(calls)))

    def run(call):
        try:
            if len(calls) <= threads:
                barrier.wait(timeout=30)
            return call(), None
        except Exception as error:  # noqa: BLE001 - reported by the test
            return None, error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(run, calls))
    return [r for r, _ in outcomes], [e for _, e in outcomes if e is not None]


def course_of(page):
    return page.get_parent().get_parent().specific


def test_twenty_simultaneous_submits_of_one_attempt_grade_it_once(trainee):
    quiz = build_quiz()
    enrol(user=trainee, courses=[course_of(quiz)])
    attempt = attempt_start(user=trainee, quiz=quiz)
    attempt_answers_save(attempt_id=attempt.pk, answers=correct_answers(attempt))

    results, errors = run_together(
        [lambda: attempt_submit(attempt_id=attempt.pk) for _ in range(20)],
        threads=20,
    )

    assert errors == []
    assert len({(r.pk, r.submitted_at, r.status) for r in results}) == 1
    assert QuizAttempt.objects.filter(user=trainee).count() == 1
    graded = QuizAttempt.objects.get()
    assert (graded.status, graded.percent) == ("submitted", Decimal("100.00"))
    assert AssessmentResult.objects.count() == 1
    assert AssessmentResultChange.objects.count() == 1
    assert StepCompletion.objects.filter(user=trainee).count() == 1
    assert CourseProgress.objects.get(user=trainee).steps_done == 1


def test_two_hundred_trainees_submitting_in_the_same_second_all_count(make_user):
    quiz = build_quiz()
    people = [make_user("trainee") for _ in range(200)]
    cohort = enrol(user=people[0], courses=[course_of(quiz)])
    CohortMembership.objects.bulk_create(
        CohortMembership(
            cohort=cohort, user=person, status=CohortMembership.Status.ACTIVE
        )
        for person in people[1:]
    )
    attempts = []
    for n, person in enumerate(people):
        attempt = attempt_start(user=person, quiz=quiz)
        # Half pass, half fail: both paths write at the same time.
        answers = correct_answers(attempt) if n % 2 == 0 else {}
        attempt_answers_save(attempt_id=attempt.pk, answers=answers)
        attempts.append(attempt.pk)

    started = time.monotonic()
    results, errors = run_together(
        [lambda pk=pk: attempt_submit(attempt_id=pk) for pk in attempts],
        threads=MAX_THREADS,
    )
    elapsed = time.monotonic() - started

    assert errors == []
    assert len(results) == 200
    assert elapsed < 20, f"200 submits took {elapsed:.1f} s"
    assert QuizAttempt.objects.filter(status="submitted").count() == 200
    assert AssessmentResult.objects.count() == 200
    assert AssessmentResult.objects.filter(passed=True).count() == 100
    assert AssessmentResultChange.objects.count() == 200
    assert StepCompletion.objects.count() == 100
    assert CourseProgress.objects.filter(steps_done=1).count() == 100
