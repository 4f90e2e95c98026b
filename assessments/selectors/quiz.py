"""Reads for the quiz pages, in a fixed number of queries.

Questions are read from an attempt's snapshot (one JSON column), never from
the page per question. Before an attempt is finished, only
``grading.public_question`` output reaches a template: the answer key stays
on the server.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import grading
from assessments.models import AssessmentResult, QuizAttempt, QuizPage
from assessments.services.quiz import GRACE_SECONDS, deadline_state
from users.roles import is_staff_member

ATTEMPT_LIST_FIELDS = (
    "id",
    "number",
    "status",
    "started_at",
    "submitted_at",
    "score",
    "max_score",
    "percent",
    "passed",
)


@dataclass
class QuizState:
    """One trainee's standing in one quiz."""

    rules: QuizPage  # the original page: attempts allowed, result policy
    attempts: list[dict]  # finished attempts, oldest first (values rows)
    open_attempt: QuizAttempt | None
    used: int
    remaining: int | None  # None: unlimited
    result: dict | None  # the AssessmentResult values, if any
    closed: bool = False  # read again after the cohort: no new attempts

    @property
    def passed(self) -> bool:
        return bool(self.result and self.result["passed"])

    @property
    def can_start(self) -> bool:
        return not self.closed and self.open_attempt is None and self.remaining != 0


def quiz_state(*, user, quiz: QuizPage) -> QuizState:
    """``user``'s attempts and result for ``quiz`` (any translation). 4 queries."""
    # The original page of the translation group holds the rules.
    rules = (
        QuizPage.objects.filter(translation_key=quiz.translation_key)
        .order_by("id")
        .first()
    )
    rows = list(
        QuizAttempt.objects.filter(user=user, quiz=rules)
        .order_by("number")
        .values(*ATTEMPT_LIST_FIELDS)
    )
    open_id = next(
        (r["id"] for r in rows if r["status"] == QuizAttempt.Status.IN_PROGRESS),
        None,
    )
    open_attempt = QuizAttempt.objects.get(pk=open_id) if open_id else None
    used = max((r["number"] for r in rows), default=0)
    result = (
        AssessmentResult.objects.filter(user=user, assessment=rules)
        .values("score", "max_score", "percent", "passed", "updated_at")
        .first()
    )
    return QuizState(
        rules=rules,
        attempts=[r for r in rows if r["id"] != open_id],
        open_attempt=open_attempt,
        used=used,
        remaining=grading.attempts_remaining(allowed=rules.attempts_allowed, used=used),
        result=result,
    )


# --- questions for the form ------------------------------------------------------


def points_text(value) -> str:
    """ "1 point", "2.5 points" in the reader's language."""
    number = Decimal(value)
    whole = number == number.to_integral_value()
    shown = formats.number_format(number.quantize(Decimal(1)) if whole else number)
    count = int(number) if whole else 2
    return ngettext("%(points)s point", "%(points)s points", count) % {"points": shown}


@dataclass
class FormQuestion:
    number: int
    id: str
    type: str
    prompt: str  # sanitised HTML from the snapshot
    points: str
    field_name: str
    points_text: str
    options: list[dict] = field(default_factory=list)  # id, text, checked
    items: list[dict] = field(default_factory=list)  # id, text, position
    text: str = ""  # short text / reflection answer
    value: Any = None  # the saved answer (true/false)


def display_order(attempt: QuizAttempt) -> list[dict]:
    questions = attempt.questions
    if attempt.shuffle_questions:
        return grading.shuffled_questions(questions, seed=attempt.seed)
    return questions


def field_name(question_id: str) -> str:
    return f"q-{question_id}"


def attempt_form_questions(attempt: QuizAttempt) -> list[FormQuestion]:
    """The open attempt's questions as the form shows them, without the key.

    Options are shuffled with the attempt's seed when the quiz shuffles them;
    ordering items are always shuffled (their stored order is the answer).
    """
    seed = attempt.seed if attempt.shuffle_options else None
    saved = attempt.answers or {}
    result = []
    for number, question in enumerate(display_order(attempt), start=1):
        public = grading.public_question(question, seed=seed)
        answer = saved.get(public["id"])
        item = FormQuestion(
            number=number,
            id=public["id"],
            type=public["type"],
            prompt=public["prompt"],
            points=public["points"],
            field_name=field_name(public["id"]),
            points_text=points_text(public["points"]),
        )
        if public["type"] in ("single_choice", "multiple_choice"):
            chosen = answer if isinstance(answer, list) else [answer]
            item.options = [
                {**option, "checked": option["id"] in chosen}
                for option in public["options"]
            ]
        elif public["type"] == "ordering":
            positions = (
                {item_id: n for n, item_id in enumerate(answer, start=1)}
                if isinstance(answer, list)
                else {}
            )
            item.items = [
                {**entry, "position": positions.get(entry["id"])}
                for entry in public["items"]
            ]
        elif public["type"] in ("short_text", "reflection"):
            item.text = answer if isinstance(answer, str) else ""
        else:
            item.value = answer
        result.append(item)
    return result


@dataclass
class Clock:
    deadline_at: Any
    seconds_left: int
    state: str  # open / grace / expired


def attempt_clock(attempt: QuizAttempt, *, now=None) -> Clock | None:
    if attempt.deadline_at is None:
        return None
    now = now or timezone.now()
    left = int((attempt.deadline_at - now).total_seconds())
    return Clock(
        deadline_at=attempt.deadline_at,
        seconds_left=max(left, 0),
        state=deadline_state(attempt, now=now),
    )


# --- a finished attempt ----------------------------------------------------------


@dataclass
class ReviewQuestion:
    number: int
    id: str
    type: str
    prompt: str
    your_answer: list[str]  # what the trainee answered, in words
    points_awarded: Decimal | None = None
    points_possible: Decimal | None = None
    correct: bool | None = None
    feedback: tuple[str, ...] = ()
    correct_answer: list[str] = field(default_factory=list)

    @property
    def points_text(self) -> str:
        return points_text(self.points_possible or 0)


def _answer_words(question: dict, answer: object) -> list[str]:
    qtype = question["type"]
    if answer is None:
        return []
    if qtype in ("single_choice", "multiple_choice"):
        chosen = answer if isinstance(answer, list) else [answer]
        return [o["text"] for o in question["options"] if o["id"] in chosen]
    if qtype == "true_false":
        return [_("True") if answer else _("False")]
    if qtype == "ordering":
        texts = {i["id"]: i["text"] for i in question["items"]}
        return [texts[i] for i in answer if i in texts]
    return [str(answer)]


def _key_words(question: dict) -> list[str]:
    qtype = question["type"]
    if qtype in ("single_choice", "multiple_choice"):
        return [o["text"] for o in question["options"] if o["correct"]]
    if qtype == "true_false":
        return [_("True") if question["correct"] else _("False")]
    if qtype == "short_text":
        return list(question["accepted_answers"])
    if qtype == "ordering":
        return [i["text"] for i in question["items"]]
    return []


def feedback_shown(*, attempt: QuizAttempt, state: QuizState) -> bool:
    return grading.feedback_visible(
        policy=attempt.feedback_policy,
        attempt_finished=attempt.finished,
        attempts_remaining=state.remaining,
        passed=bool(attempt.passed) or state.passed,
    )


def attempt_review(attempt: QuizAttempt, *, show_key: bool) -> list[ReviewQuestion]:
    """A finished attempt, question by question.

    Without ``show_key`` it says only what the trainee answered; with it, the
    points, whether each answer was right, the feedback and the correct
    answers. Raises ``ValueError`` for an attempt that is not finished.
    """
    if not attempt.finished:
        raise ValueError("Only a finished attempt can be reviewed.")
    graded = grading.grade_attempt(
        questions=attempt.questions,
        answers=attempt.answers,
        pass_mark_percent=attempt.pass_mark_percent,
    )
    results = {r.question_id: r for r in graded.results}
    review = []
    for number, question in enumerate(display_order(attempt), start=1):
        item = ReviewQuestion(
            number=number,
            id=question["id"],
            type=question["type"],
            prompt=question.get("prompt", ""),
            your_answer=_answer_words(question, attempt.answers.get(question["id"])),
        )
        if show_key:
            outcome = results[question["id"]]
            item.points_awarded = outcome.points_awarded
            item.points_possible = outcome.points_possible
            item.correct = outcome.correct
            item.feedback = outcome.feedback
            item.correct_answer = _key_words(question)
        review.append(item)
    return review


def quiz_preview_questions(quiz: QuizPage) -> list[ReviewQuestion]:
    """Staff's view of the page: every question with its key."""
    return [
        ReviewQuestion(
            number=number,
            id=question["id"],
            type=question["type"],
            prompt=question.get("prompt", ""),
            your_answer=[],
            points_possible=Decimal(question.get("points", "0")),
            correct_answer=_key_words(question),
        )
        for number, question in enumerate(quiz.questions_snapshot(), start=1)
    ]


def quiz_page_context(*, quiz: QuizPage, user, state: QuizState | None = None) -> dict:
    """What ``quiz_page.html`` shows besides the study context."""
    if not user.is_authenticated:
        return {}
    if is_staff_member(user):
        return {"preview_questions": quiz_preview_questions(quiz)}
    state = state or quiz_state(user=user, quiz=quiz)
    attempt = state.open_attempt
    context = {"quiz_state": state, "grace_seconds": GRACE_SECONDS}
    if attempt is not None and not state.closed:
        context.update(
            attempt=attempt,
            form_questions=attempt_form_questions(attempt),
            clock=attempt_clock(attempt),
        )
    return context
