"""Double clicks and two trainers at once, on PostgreSQL (real row locks).

Run locally with e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/coach_assign .venv/bin/pytest
--create-db tests/assessments/test_assignments_concurrency.py``.
"""

from __future__ import annotations

import pytest
from django.db import connection

from assessments.models import (
    AssessmentResultChange,
    PracticumSession,
    Review,
    Submission,
)
from assessments.services.assignments import (
    AlreadyGraded,
    submission_draft_save,
    submission_grade,
    submission_submit,
)
from assessments.services.practicum import (
    practicum_session_log,
    practicum_session_sign,
)
from tests.assessments.test_assignments import assignment_setup, hand_in, level_ids
from tests.assessments.test_quiz_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def setup(make_user):
    return assignment_setup(make_user)


def test_ten_simultaneous_hand_ins_without_a_draft_make_one_version(setup):
    results, errors = run_together(
        [
            lambda: submission_submit(
                user=setup.trainee, page=setup.page, body="<p>Done</p>"
            )
            for _ in range(10)
        ],
        threads=10,
    )

    assert errors == []
    assert sum(handed_in for _, handed_in in results) == 1
    assert len({submission.pk for submission, _ in results}) == 1
    submission = Submission.objects.get()
    assert (submission.version, submission.status) == (1, "submitted")
    assert AssessmentResultChange.objects.count() == 1


def test_autosaves_at_the_same_moment_keep_one_draft(setup):
    _, errors = run_together(
        [
            lambda n=n: submission_draft_save(
                user=setup.trainee, page=setup.page, body=f"<p>Text {n}</p>"
            )
            for n in range(10)
        ],
        threads=10,
    )

    assert errors == []
    assert Submission.objects.count() == 1
    assert Submission.objects.get().status == "draft"


def test_two_trainers_grading_at_once_grade_once(setup, make_user):
    second_trainer = make_user("trainer")
    setup.cohort.trainers.add(second_trainer)
    submission = hand_in(setup)
    scores = level_ids(setup.page, "Meets")

    def grade(trainer):
        return lambda: submission_grade(
            reviewer=trainer,
            submission_id=submission.pk,
            scores=scores,
            feedback="",
            decision="passed",
        )

    results, errors = run_together(
        [grade(setup.trainer), grade(second_trainer)] * 5, threads=10
    )

    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 9
    assert all(isinstance(error, AlreadyGraded) for error in errors)
    assert Review.objects.count() == 1


def test_simultaneous_sign_offs_sign_once(setup):
    from datetime import date

    session = practicum_session_log(
        trainee=setup.trainee,
        date=date(2026, 9, 1),
        minutes=60,
        client_code="K-01",
        competencies=["active_listening"],
        reflection="Fine.",
    )

    results, errors = run_together(
        [
            lambda: practicum_session_sign(
                supervisor=setup.trainer, session_id=session.pk
            )
            for _ in range(10)
        ],
        threads=10,
    )

    assert errors == []
    assert len({r.signed_at for r in results}) == 1
    assert PracticumSession.objects.get().status == "signed"
