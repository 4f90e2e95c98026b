"""Writes for quizzes: start an attempt, save answers, submit, expire.

Grading itself is ``assessments.grading`` (pure); these functions snapshot,
lock and record. Callers have checked access (``assessments.access``).
"""

import datetime
import secrets
from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import grading
from assessments.models import QuizAttempt, QuizPage
from assessments.services.results import assessment_result_record
from courses.services import StepLocked, original_page

# A submit that arrives this long after the deadline still counts (the
# browser's own submit at 0:00 travels over a slow network). Later than that,
# the attempt is graded on what was saved.
GRACE_SECONDS = 10
MAX_SHORT_TEXT = 500
MAX_REFLECTION = 5000


class QuizError(Exception):
    """A quiz action that cannot be done; ``message`` says why, in words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoAttemptsLeft(QuizError):
    pass


class InvalidAnswer(QuizError):
    """An answer that does not fit its question. The message never repeats
    the answer or the key."""


# --- answers ------------------------------------------------------------------


def _option_ids(question: Mapping) -> list[str]:
    return [o["id"] for o in question.get("options") or question.get("items") or []]


def answer_clean(question: Mapping, value: object) -> object:
    """``value`` as stored for ``question``; None means "no answer".

    Raises ``InvalidAnswer`` for a value of the wrong shape or an id that is
    not one of the question's options or items.
    """
    qtype = question["type"]
    invalid = InvalidAnswer(_("One of the answers could not be read."))
    if value is None:
        return None
    if qtype == "single_choice":
        if not isinstance(value, str) or value not in _option_ids(question):
            raise invalid
        return value
    if qtype == "multiple_choice":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid
        ids = _option_ids(question)
        if any(v not in ids for v in value):
            raise invalid
        return [i for i in ids if i in set(value)] or None
    if qtype == "true_false":
        if not isinstance(value, bool):
            raise invalid
        return value
    if qtype in ("short_text", "reflection"):
        limit = MAX_SHORT_TEXT if qtype == "short_text" else MAX_REFLECTION
        if not isinstance(value, str) or len(value) > limit:
            raise invalid
        return value if value.strip() else None
    if qtype == "ordering":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid
        if sorted(value) != sorted(_option_ids(question)):
            raise invalid
        return value
    raise invalid


def answers_clean(*, questions: list[dict], answers: Mapping) -> dict:
    """Clean a mapping of question id to answer against a snapshot."""
    if not isinstance(answers, Mapping):
        raise InvalidAnswer(_("The answers could not be read."))
    by_id = {q["id"]: q for q in questions}
    cleaned = {}
    for question_id, value in answers.items():
        question = by_id.get(question_id)
        if question is None:
            raise InvalidAnswer(_("An answer is for a question not in this quiz."))
        cleaned[question_id] = answer_clean(question, value)
    return cleaned


def _merge(saved: dict, cleaned: dict) -> dict:
    merged = dict(saved)
    for question_id, value in cleaned.items():
        if value is None:
            merged.pop(question_id, None)
        else:
            merged[question_id] = value
    return merged


# --- attempts -----------------------------------------------------------------


def deadline_state(attempt: QuizAttempt, *, now) -> str:
    """``open``, ``grace`` or ``expired`` (see ``grading.deadline_state``)."""
    return grading.deadline_state(
        started_at=attempt.started_at,
        time_limit_seconds=attempt.time_limit_seconds,
        now=now,
        grace_seconds=GRACE_SECONDS,
    )


def _step_locked_reason(*, user, quiz: QuizPage) -> str | None:
    from courses.models import CoursePage
    from courses.selectors import course_outline
    from courses.steps import course_path

    course = CoursePage.objects.get(path=course_path(quiz.path))
    key = quiz.translation_key
    outline = course_outline(user=user, course=course, current_key=key)
    state = next((s for s in outline.steps if s.row.key == key), None)
    if state is not None and state.locked and not state.done:
        return state.locked_reason
    return None


@transaction.atomic
def attempt_start(*, user, quiz: QuizPage, now=None) -> QuizAttempt:
    """Start an attempt at ``quiz`` (the live page in the trainee's language).

    Snapshots the questions with their key from ``quiz`` and the rules from
    the original page. Returns the open attempt instead when there is one
    (two tabs, a double click); an open attempt past its deadline is graded
    first. Raises ``NoAttemptsLeft`` when every attempt is used and
    ``StepLocked`` when the step has not opened yet.
    """
    now = now or timezone.now()
    rules = original_page(quiz).specific
    open_attempt = QuizAttempt.objects.filter(
        user=user, quiz=rules, status=QuizAttempt.Status.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        if deadline_state(open_attempt, now=now) != "expired":
            return open_attempt
        attempt_submit(attempt_id=open_attempt.pk, now=now)
    reason = _step_locked_reason(user=user, quiz=quiz)
    if reason:
        raise StepLocked(reason)
    used = QuizAttempt.objects.filter(user=user, quiz=rules).aggregate(n=Max("number"))
    used = used["n"] or 0
    if grading.attempts_remaining(allowed=rules.attempts_allowed, used=used) == 0:
        raise NoAttemptsLeft(_("You have used all your attempts at this quiz."))
    questions = quiz.questions_snapshot()
    for question in questions:
        grading.validate_question(question)
    limit = rules.time_limit_seconds
    attempt = QuizAttempt(
        user=user,
        quiz=rules,
        revision_id=quiz.live_revision_id,
        language=quiz.locale.language_code,
        number=used + 1,
        started_at=now,
        deadline_at=now + datetime.timedelta(seconds=limit) if limit else None,
        questions=questions,
        pass_mark_percent=rules.pass_mark_percent,
        feedback_policy=rules.feedback_policy,
        shuffle_questions=rules.shuffle_questions,
        shuffle_options=rules.shuffle_options,
        seed=secrets.token_hex(8),
        answers={},
    )
    attempt.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        # Another request started one at the same moment: use that one.
        existing = QuizAttempt.objects.filter(
            user=user, quiz=rules, status=QuizAttempt.Status.IN_PROGRESS
        ).first()
        if existing is None:
            raise
        return existing
    return attempt


@transaction.atomic
def attempt_answers_save(*, attempt_id: int, answers: Mapping, now=None):
    """Save some answers of an open attempt; returns the attempt.

    ``answers`` maps question ids to answers (None clears one); answers not
    mentioned stay as they were. Accepted up to the deadline plus the grace
    period. Past that, the attempt is graded on what was saved before and
    returned finished, with ``answers`` ignored: check ``attempt.finished``.
    A finished attempt is returned unchanged. Raises ``InvalidAnswer`` and
    saves nothing when any answer does not fit its question.
    """
    now = now or timezone.now()
    attempt = QuizAttempt.objects.select_for_update().get(pk=attempt_id)
    if attempt.finished:
        return attempt
    if deadline_state(attempt, now=now) == "expired":
        return _grade(attempt, now=now, expired=True)
    cleaned = answers_clean(questions=attempt.questions, answers=answers)
    attempt.answers = _merge(attempt.answers, cleaned)
    attempt.last_saved_at = now
    attempt.save(update_fields=["answers", "last_saved_at"])
    return attempt


@transaction.atomic
def attempt_submit(
    *, attempt_id: int, answers: Mapping | None = None, now=None
) -> QuizAttempt:
    """Grade an attempt on the server, exactly once; returns the attempt.

    Idempotent: the attempt row is locked, and an attempt already graded (a
    double click, a second tab, the expiry task) is returned as it is.
    ``answers`` (a whole form posted without JavaScript) are saved first
    while the deadline plus grace has not passed; after that only what was
    saved before counts. The result ledger is updated in the same
    transaction. Raises ``InvalidAnswer`` (nothing saved or graded) for an
    answer that does not fit its question.
    """
    now = now or timezone.now()
    attempt = QuizAttempt.objects.select_for_update().get(pk=attempt_id)
    if attempt.finished:
        return attempt
    expired = deadline_state(attempt, now=now) == "expired"
    if answers is not None and not expired:
        cleaned = answers_clean(questions=attempt.questions, answers=answers)
        attempt.answers = _merge(attempt.answers, cleaned)
        attempt.last_saved_at = now
    return _grade(attempt, now=now, expired=expired)


def _grade(attempt: QuizAttempt, *, now, expired: bool) -> QuizAttempt:
    graded = grading.grade_attempt(
        questions=attempt.questions,
        answers=attempt.answers,
        pass_mark_percent=attempt.pass_mark_percent,
    )
    attempt.score = graded.score
    attempt.max_score = graded.max_score
    attempt.percent = graded.percent
    attempt.passed = graded.passed
    if expired:
        attempt.status = QuizAttempt.Status.EXPIRED_GRADED
        # It ended when its time ran out, however much later it was noticed.
        attempt.submitted_at = attempt.deadline_at
    else:
        attempt.status = QuizAttempt.Status.SUBMITTED
        attempt.submitted_at = now
    attempt.full_clean(validate_unique=False, validate_constraints=False)
    attempt.save()
    _result_update(attempt, expired=expired)
    return attempt


def _result_update(attempt: QuizAttempt, *, expired: bool) -> None:
    """Record the attempt that counts (best or latest, per the quiz)."""
    quiz = attempt.quiz
    rows = QuizAttempt.objects.filter(
        user_id=attempt.user_id, quiz=quiz, status__in=QuizAttempt.FINISHED
    ).values("id", "number", "submitted_at", "percent", "passed", "score", "max_score")
    by_id = {str(row["id"]): row for row in rows}
    chosen = grading.select_result(
        attempts=[
            grading.AttemptSummary(
                attempt_id=key,
                number=row["number"],
                submitted_at=row["submitted_at"],
                percent=Decimal(row["percent"]),
                passed=row["passed"],
            )
            for key, row in by_id.items()
        ],
        policy=quiz.result_policy,
    )
    row = by_id[chosen.attempt_id]
    reason = (
        f"Quiz attempt {attempt.number} graded"
        + (" when its time ran out" if expired else "")
        + f"; attempt {row['number']} counts ({quiz.result_policy})"
    )
    assessment_result_record(
        user=attempt.user,
        assessment=quiz,
        score=row["score"],
        max_score=row["max_score"],
        percent=row["percent"],
        passed=row["passed"],
        by=None if expired else attempt.user,
        reason=reason,
    )


def quiz_attempts_expire(*, now=None) -> int:
    """Grade every open attempt whose deadline and grace have passed.

    Idempotent (each attempt is submitted through ``attempt_submit``, one
    transaction each). Returns the number graded now.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=GRACE_SECONDS)
    ids = list(
        QuizAttempt.objects.filter(
            status=QuizAttempt.Status.IN_PROGRESS, deadline_at__lt=cutoff
        ).values_list("id", flat=True)
    )
    graded = 0
    for attempt_id in ids:
        attempt = attempt_submit(attempt_id=attempt_id, now=now)
        graded += attempt.status == QuizAttempt.Status.EXPIRED_GRADED
    return graded


def quiz_visit(*, user, quiz: QuizPage, state, step_state=None, now=None) -> bool:
    """Settle what opening the quiz page finds; True when something changed.

    ``state`` is ``selectors.quiz.quiz_state`` for ``user``. An open attempt
    past its deadline and grace is graded (the expiry task would do it a
    little later), and a passed quiz whose step was still locked when it was
    graded is completed now that the step has opened. Idempotent.
    """
    from courses.services import step_complete

    now = now or timezone.now()
    changed = False
    attempt = state.open_attempt
    if attempt is not None and deadline_state(attempt, now=now) == "expired":
        attempt_submit(attempt_id=attempt.pk, now=now)
        changed = True
    passed = state.result is not None and state.result["passed"] is True
    step_open = step_state is not None and not step_state.locked
    if passed and step_open and not step_state.done:
        step_complete(user=user, step=quiz)
        changed = True
    return changed
