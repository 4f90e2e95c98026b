"""Quizzes through their services: snapshot, save, submit once, time limits."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import grading
from assessments.models import AssessmentResult, QuizAttempt
from assessments.quiz_content import questions_stream
from assessments.selectors.quiz import (
    attempt_form_questions,
    attempt_review,
    feedback_shown,
    quiz_state,
)
from assessments.services.quiz import (
    GRACE_SECONDS,
    InvalidAnswer,
    NoAttemptsLeft,
    attempt_answers_save,
    attempt_start,
    attempt_submit,
)
from assessments.tasks import quiz_attempts_expire
from courses.factories import page_publish
from courses.models import CourseProgress, StepCompletion
from courses.services import StepLocked, step_complete
from tests.assessments.quizzes import (
    QUESTIONS,
    build_quiz,
    correct_answers,
    question,
    translate_quiz,
    wrong_answers,
)
from tests.courses.conftest import enrol, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(db):
    return build_quiz()


@pytest.fixture
def learner(trainee, quiz):
    enrol(user=trainee, courses=[course_of(quiz)])
    return trainee


def course_of(quiz):
    return quiz.get_parent().get_parent().specific


def test_the_page_snapshot_follows_the_grading_schema(quiz):
    snapshot = quiz.questions_snapshot()

    assert [q["type"] for q in snapshot] == [q["type"] for q in QUESTIONS]
    for item in snapshot:
        grading.validate_question(item)
    ids = [q["id"] for q in snapshot]
    assert len(set(ids)) == len(ids)
    choice = snapshot[0]
    assert [o["correct"] for o in choice["options"]] == [False, True, False]
    assert choice["options"][0]["feedback"] == "FB-A"
    assert choice["prompt"] == "<p>Where does person-centred work start?</p>"
    assert snapshot[1]["scoring"] == "partial"
    assert snapshot[1]["points"] == "2.00"
    assert snapshot[3]["accepted_answers"] == ["self-efficacy", "SECRET-ANSWER"]
    assert [i["text"] for i in snapshot[4]["items"]] == [
        "First step",
        "Second step",
        "Third step",
        "Fourth step",
    ]
    assert snapshot[5] == {
        "id": snapshot[5]["id"],
        "type": "reflection",
        "prompt": "<p>Reflect on a resource you have seen.</p>",
        "points": "0",
    }


def test_a_trainee_passes_with_full_marks_and_the_step_completes(learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    assert attempt.number == 1
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert attempt.quiz_id == quiz.pk
    assert attempt.revision_id == quiz.live_revision_id

    attempt_answers_save(attempt_id=attempt.pk, answers=correct_answers(attempt))
    attempt = attempt_submit(attempt_id=attempt.pk)

    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert (attempt.score, attempt.max_score, attempt.percent) == (
        Decimal("9.00"),
        Decimal("9.00"),
        Decimal("100.00"),
    )
    assert attempt.passed is True
    result = AssessmentResult.objects.get(user=learner, assessment=quiz)
    assert (result.percent, result.passed) == (Decimal("100.00"), True)
    completion = StepCompletion.objects.get(user=learner, step=quiz)
    assert completion.revision_id == quiz.live_revision_id
    progress = CourseProgress.objects.get(user=learner)
    assert (progress.steps_done, progress.steps_total) == (1, 1)


def test_submitting_again_grades_nothing_more(learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_answers_save(attempt_id=attempt.pk, answers=wrong_answers(attempt))
    first = attempt_submit(attempt_id=attempt.pk)

    again = attempt_submit(attempt_id=attempt.pk, answers=correct_answers(attempt))

    assert again.submitted_at == first.submitted_at
    assert again.percent == first.percent == Decimal("0.00")
    result = AssessmentResult.objects.get(user=learner)
    assert result.changes.count() == 1


def test_editing_and_republishing_never_changes_a_started_or_finished_attempt(
    learner, quiz
):
    finished = attempt_start(user=learner, quiz=quiz)
    attempt_answers_save(attempt_id=finished.pk, answers=wrong_answers(finished))
    finished = attempt_submit(attempt_id=finished.pk)
    started = attempt_start(user=learner, quiz=quiz)
    snapshot_before = [dict(q) for q in started.questions]
    answers = correct_answers(started)

    # An editor moves the correct option, doubles the points and republishes.
    changed = [dict(q) for q in QUESTIONS]
    changed[0] = {
        **changed[0],
        "points": 2,
        "options": [
            {"text": "With the programmes", "correct": True, "feedback": "new"},
            {"text": "With the person", "correct": False, "feedback": "new"},
            {"text": "With the file", "correct": False, "feedback": "new"},
        ],
    }
    quiz.questions = questions_stream(changed, slug=quiz.slug)
    quiz.pass_mark_percent = Decimal(100)
    page_publish(page=quiz)

    started.refresh_from_db()
    assert started.questions == snapshot_before
    attempt_answers_save(attempt_id=started.pk, answers=answers)
    started = attempt_submit(attempt_id=started.pk)
    assert started.percent == Decimal("100.00")
    assert started.pass_mark_percent == Decimal(70)
    assert started.passed is True
    finished.refresh_from_db()
    assert finished.percent == Decimal("0.00")
    assert finished.questions[0]["options"][1]["correct"] is True
    # The next attempt is taken from the republished page.
    third = attempt_start(user=learner, quiz=quiz)
    assert third.questions[0]["options"][0]["correct"] is True
    assert third.pass_mark_percent == Decimal(100)


def test_starting_twice_gives_the_same_open_attempt(learner, quiz):
    first = attempt_start(user=learner, quiz=quiz)
    second = attempt_start(user=learner, quiz=quiz)

    assert first.pk == second.pk
    assert QuizAttempt.objects.count() == 1


def test_attempts_run_out_and_the_best_one_counts(learner):
    quiz = build_quiz(title="Limited", attempts_allowed=2, feedback_policy="never")
    enrol(user=learner, courses=[course_of(quiz)])
    good = attempt_start(user=learner, quiz=quiz)
    attempt_answers_save(attempt_id=good.pk, answers=correct_answers(good))
    attempt_submit(attempt_id=good.pk)
    bad = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=bad.pk)

    with pytest.raises(NoAttemptsLeft):
        attempt_start(user=learner, quiz=quiz)
    result = AssessmentResult.objects.get(user=learner, assessment=quiz)
    assert (result.percent, result.passed) == (Decimal("100.00"), True)
    assert quiz_state(user=learner, quiz=quiz).remaining == 0


def test_with_the_latest_rule_a_later_failure_counts_but_the_step_stays_done(
    learner,
):
    quiz = build_quiz(title="Latest", result_policy="latest")
    enrol(user=learner, courses=[course_of(quiz)])
    good = attempt_start(user=learner, quiz=quiz)
    attempt_answers_save(attempt_id=good.pk, answers=correct_answers(good))
    attempt_submit(attempt_id=good.pk)
    bad = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=bad.pk)

    result = AssessmentResult.objects.get(user=learner, assessment=quiz)
    assert (result.percent, result.passed) == (Decimal("0.00"), False)
    assert result.first_passed_at is not None
    assert result.changes.count() == 2
    assert StepCompletion.objects.filter(user=learner, step=quiz).exists()


def test_partial_answers_earn_partial_points(learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    many = question(attempt, "multiple_choice")
    attempt_answers_save(
        attempt_id=attempt.pk,
        answers={
            many["id"]: [many["options"][0]["id"]],  # one of two correct: 1 of 2
            question(attempt, "short_text")["id"]: "  SELF-efficacy ",
        },
    )
    attempt = attempt_submit(attempt_id=attempt.pk)

    assert attempt.score == Decimal("3.00")
    assert attempt.percent == Decimal("33.33")
    assert attempt.passed is False
    assert not StepCompletion.objects.filter(user=learner).exists()


@pytest.mark.parametrize(
    ("qtype", "answer"),
    [
        ("single_choice", "not-an-option"),
        ("single_choice", ["a list"]),
        ("multiple_choice", "not a list"),
        ("multiple_choice", ["not-an-option"]),
        ("true_false", "true"),
        ("short_text", 42),
        ("short_text", "x" * 501),
        ("reflection", "x" * 5001),
        ("ordering", ["too", "few"]),
        ("ordering", [1, "mixed", None, 2.5]),
    ],
)
def test_answers_that_do_not_fit_are_refused_and_nothing_is_saved(
    learner, quiz, qtype, answer
):
    attempt = attempt_start(user=learner, quiz=quiz)
    ok = question(attempt, "true_false")

    with pytest.raises(InvalidAnswer) as error:
        attempt_answers_save(
            attempt_id=attempt.pk,
            answers={ok["id"]: True, question(attempt, qtype)["id"]: answer},
        )

    assert str(answer) not in error.value.message
    attempt.refresh_from_db()
    assert attempt.answers == {}


def test_an_answer_to_another_question_is_refused(learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)

    with pytest.raises(InvalidAnswer):
        attempt_answers_save(attempt_id=attempt.pk, answers={"nope": "x"})


def test_saving_none_or_blank_clears_an_answer(learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    text = question(attempt, "short_text")["id"]
    attempt_answers_save(attempt_id=attempt.pk, answers={text: "self-efficacy"})

    attempt = attempt_answers_save(attempt_id=attempt.pk, answers={text: "   "})

    assert attempt.answers == {}


def test_a_locked_quiz_cannot_be_started(trainee):
    quiz = build_quiz(title="Locked", lessons=1)
    enrol(user=trainee, courses=[course_of(quiz)])

    with pytest.raises(StepLocked):
        attempt_start(user=trainee, quiz=quiz)

    step_complete(user=trainee, step=lessons_of(course_of(quiz))[0])
    assert attempt_start(user=trainee, quiz=quiz).number == 1


# --- time limits ------------------------------------------------------------------


@pytest.fixture
def timed(learner):
    quiz = build_quiz(title="Timed", time_limit_minutes=1)
    enrol(user=learner, courses=[course_of(quiz)])
    start = timezone.now() - datetime.timedelta(minutes=5)
    attempt = attempt_start(user=learner, quiz=quiz, now=start)
    return quiz, attempt, start


def at(start, seconds):
    return start + datetime.timedelta(seconds=seconds)


def test_answers_are_accepted_until_the_deadline_plus_grace(learner, timed):
    _quiz, attempt, start = timed
    assert attempt.deadline_at == at(start, 60)
    answers = correct_answers(attempt)

    saved = attempt_answers_save(
        attempt_id=attempt.pk, answers=answers, now=at(start, 60 + GRACE_SECONDS)
    )
    assert not saved.finished

    graded = attempt_submit(attempt_id=attempt.pk, now=at(start, 60 + GRACE_SECONDS))
    assert graded.status == QuizAttempt.Status.SUBMITTED
    assert graded.percent == Decimal("100.00")


def test_after_the_grace_an_attempt_is_graded_on_what_was_saved(learner, timed):
    _quiz, attempt, start = timed
    single = question(attempt, "single_choice")
    right = next(o["id"] for o in single["options"] if o["correct"])
    attempt_answers_save(
        attempt_id=attempt.pk, answers={single["id"]: right}, now=at(start, 30)
    )
    late = at(start, 60 + GRACE_SECONDS + 1)

    saved = attempt_answers_save(
        attempt_id=attempt.pk, answers=correct_answers(attempt), now=late
    )
    assert saved.status == QuizAttempt.Status.EXPIRED_GRADED
    assert saved.submitted_at == attempt.deadline_at
    assert saved.score == Decimal("1.00")

    again = attempt_submit(
        attempt_id=attempt.pk, answers=correct_answers(attempt), now=late
    )
    assert again.score == Decimal("1.00")
    assert AssessmentResult.objects.get(user=learner).percent == Decimal("11.11")


def test_a_late_submit_ignores_the_answers_it_brings(learner, timed):
    _quiz, attempt, start = timed

    graded = attempt_submit(
        attempt_id=attempt.pk,
        answers=correct_answers(attempt),
        now=at(start, 60 + GRACE_SECONDS + 5),
    )

    assert graded.status == QuizAttempt.Status.EXPIRED_GRADED
    assert graded.answers == {}
    assert graded.score == Decimal("0.00")


def test_the_expiry_task_grades_overdue_attempts_once(learner, timed):
    _quiz, attempt, _start = timed
    current = build_quiz(title="Untimed")
    enrol(user=learner, courses=[course_of(current)])
    untimed = attempt_start(user=learner, quiz=current)

    assert quiz_attempts_expire.delay().get() == 1
    assert quiz_attempts_expire.delay().get() == 0

    attempt.refresh_from_db()
    untimed.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.EXPIRED_GRADED
    assert untimed.status == QuizAttempt.Status.IN_PROGRESS
    assert AssessmentResult.objects.get(user=learner).changes.get().changed_by is None


def test_starting_again_after_the_time_ran_out_grades_the_old_attempt(learner, timed):
    quiz, attempt, _start = timed

    second = attempt_start(user=learner, quiz=quiz)

    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.EXPIRED_GRADED
    assert second.number == 2


# --- languages ------------------------------------------------------------------


def test_the_snapshot_is_in_the_trainees_language_with_the_originals_ids(learner):
    quiz = build_quiz(title="Bilingual")
    english = translate_quiz(quiz, language="en", title="Knowledge check (en)")
    enrol(user=learner, courses=[course_of(quiz)])

    attempt = attempt_start(user=learner, quiz=english)

    assert attempt.quiz_id == quiz.pk
    assert attempt.language == "en"
    assert attempt.revision_id == english.live_revision_id
    assert attempt.questions[0]["prompt"] == "<p>EN q1</p>"
    original = quiz.questions_snapshot()
    assert [q["id"] for q in attempt.questions] == [q["id"] for q in original]
    assert [o["id"] for o in attempt.questions[0]["options"]] == [
        o["id"] for o in original[0]["options"]
    ]
    attempt_answers_save(attempt_id=attempt.pk, answers=correct_answers(attempt))
    attempt_submit(attempt_id=attempt.pk)
    assert AssessmentResult.objects.get(user=learner).assessment_id == quiz.pk
    assert StepCompletion.objects.filter(user=learner, step_id=quiz.pk).exists()


# --- what the trainee sees -----------------------------------------------------------


def test_the_form_shows_no_key_and_keeps_its_order_for_the_attempt(learner):
    quiz = build_quiz(title="Shuffled", shuffle_questions=True, shuffle_options=True)
    enrol(user=learner, courses=[course_of(quiz)])
    attempt = attempt_start(user=learner, quiz=quiz)

    first = attempt_form_questions(attempt)
    again = attempt_form_questions(QuizAttempt.objects.get(pk=attempt.pk))

    assert [q.id for q in first] == [q.id for q in again]
    assert sorted(q.id for q in first) == sorted(q["id"] for q in attempt.questions)
    for item in first:
        for option in item.options:
            assert set(option) == {"id", "text", "checked"}
        assert "FB-" not in repr(item)
        assert "SECRET-ANSWER" not in repr(item)


@pytest.mark.parametrize(
    ("policy", "allowed", "attempts", "passes", "shown"),
    [
        ("immediately", 3, 1, False, True),
        ("never", 3, 1, True, False),
        ("after_last_attempt", 3, 1, False, False),
        ("after_last_attempt", 2, 2, False, True),
        ("after_last_attempt", None, 1, True, True),
    ],
)
def test_feedback_follows_the_quizs_rule(
    learner, policy, allowed, attempts, passes, shown
):
    quiz = build_quiz(
        title="Feedback", feedback_policy=policy, attempts_allowed=allowed
    )
    enrol(user=learner, courses=[course_of(quiz)])
    for _ in range(attempts):
        attempt = attempt_start(user=learner, quiz=quiz)
        if passes:
            attempt_answers_save(
                attempt_id=attempt.pk, answers=correct_answers(attempt)
            )
        attempt = attempt_submit(attempt_id=attempt.pk)

    state = quiz_state(user=learner, quiz=quiz)
    assert feedback_shown(attempt=attempt, state=state) is shown
    review = attempt_review(attempt, show_key=shown)
    assert bool(review[0].correct_answer) is shown
