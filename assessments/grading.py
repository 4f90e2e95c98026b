"""Pure grading rules for quizzes, attempts and rubrics.

No Django, no ORM, no settings: everything here is a function of its arguments,
so a past result can always be recomputed from an attempt's snapshot.

Question snapshot schema
========================

A ``QuizAttempt`` stores its questions as plain JSON-able dicts (the
``Question`` TypedDicts below); the quiz blocks produce exactly this shape.
Points are decimal strings ("1", "2.5"), never floats. Answers arrive from the
browser as a dict keyed by question id:

==================  ==========================  ==========================
type                answer                      graded
==================  ==========================  ==========================
``single_choice``   option id (str)             chosen option is correct
``multiple_choice`` list of option ids          ``scoring``: exact set or partial
``true_false``      bool                        equals ``correct``
``short_text``      str                         matches an accepted answer
``ordering``        list of item ids            exact order (all-or-nothing)
``reflection``      str                         never (0 points, stored only)
==================  ==========================  ==========================

Answers are hostile input. A missing, ``None`` or wrong-typed answer (a list
containing anything but strings counts as wrong-typed) scores 0 and never
raises. Questions are trusted snapshots: ``validate_question`` checks the
schema (options and items non-empty with unique string ids, ``correct`` a bool,
...) and every function here that reads a question calls it, so a malformed
snapshot raises ``InvalidQuestion`` whatever the answer is.

Policies
========

- Rounding: a question's points possible are rounded to 2 decimal places
  with ``ROUND_HALF_UP``; points awarded are that times the share earned
  (multiplied before dividing), rounded the same way. Attempt totals are sums
  of the rounded values; percentages are rounded the same way. Arithmetic runs
  in a fixed decimal context, whatever the caller's context is.
- ``correct`` means full marks; partial credit above 0 is still ``False``.
- Multiple choice, partial: each correct option chosen earns ``1/k`` and each
  incorrect option chosen costs ``1/k`` (``k`` = number of correct options),
  floored at 0, times the points. Duplicate ids count once; ids that are not
  options of the question are ignored. A question with no correct option gives
  full marks only for an empty selection.
- Short text: both sides are NFC-normalised; ``normalise_whitespace`` collapses
  runs of Unicode whitespace to one space and strips; case-insensitive
  comparison uses ``str.casefold``. An answer that is empty after
  normalisation is never correct.
- Ordering is all-or-nothing: the submitted ids must equal the key exactly.
- Pass/fail compares the rounded percentage (the one the trainee sees) with the
  pass mark, inclusive. A quiz with 0 gradable points has percent 0.00, so it
  is passed only when the pass mark is 0.
- Deadlines and due dates are inclusive: the deadline instant itself still
  belongs to the period before it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any, Literal, NotRequired, TypedDict, get_args

# --- schema -----------------------------------------------------------------

QuestionType = Literal[
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_text",
    "ordering",
    "reflection",
]


class Option(TypedDict):
    id: str
    text: str
    correct: bool
    feedback: str


class OrderingItem(TypedDict):
    id: str
    text: str


class Question(TypedDict):
    """Every question. Type-specific keys are listed as ``NotRequired``."""

    id: str
    type: QuestionType
    prompt: str  # HTML, sanitised by the page layer
    points: str  # decimal string; ignored for reflection
    # single_choice / multiple_choice
    options: NotRequired[list[Option]]
    # multiple_choice
    scoring: NotRequired[Literal["all_or_nothing", "partial"]]
    # true_false
    correct: NotRequired[bool]
    feedback_true: NotRequired[str]
    feedback_false: NotRequired[str]
    # short_text
    accepted_answers: NotRequired[list[str]]
    case_sensitive: NotRequired[bool]
    normalise_whitespace: NotRequired[bool]
    # ordering (listed in the correct order)
    items: NotRequired[list[OrderingItem]]


class RubricLevel(TypedDict):
    id: str
    title: str
    description: str
    points: str


class RubricCriterion(TypedDict):
    id: str
    title: str
    description: str
    levels: NotRequired[list[RubricLevel]]  # "levels" rubrics only


class Rubric(TypedDict):
    kind: Literal["levels", "pass_fail"]
    criteria: list[RubricCriterion]


QUESTION_TYPES: frozenset[str] = frozenset(get_args(QuestionType))
SCORING_MODES = frozenset({"all_or_nothing", "partial"})
# Keys that may reach the browser before an attempt is finished (whitelist).
_PUBLIC_OPTION_KEYS = ("id", "text")

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")
_HUNDRED = Decimal(100)
# Arithmetic does not depend on whatever decimal context the caller has set.
_CONTEXT = Context(prec=28)


class InvalidQuestion(ValueError):
    """A question snapshot does not follow the schema."""


class RubricError(ValueError):
    """Base class for rubric problems."""


class InvalidRubric(RubricError):
    """A rubric snapshot does not follow the schema."""


class IncompleteRubric(RubricError):
    """Some criteria have no score; ``missing`` lists their ids in rubric order."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(f"unscored criteria: {', '.join(self.missing)}")


class InvalidScore(RubricError):
    """A score names an unknown level or has the wrong type."""

    def __init__(self, criterion_id: str, value: object) -> None:
        self.criterion_id = criterion_id
        self.value = value
        super().__init__(f"invalid score for criterion {criterion_id!r}: {value!r}")


# --- results ----------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    points_awarded: Decimal
    points_possible: Decimal
    correct: bool | None  # None for ungraded (reflection) questions
    feedback: tuple[str, ...]  # feedback of the chosen options / true-false value


@dataclass(frozen=True)
class AttemptResult:
    score: Decimal
    max_score: Decimal
    percent: Decimal
    passed: bool
    results: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class AttemptSummary:
    """A graded attempt, as far as choosing the counted result needs it."""

    attempt_id: str
    number: int  # 1, 2, ... in the order the attempts were started
    submitted_at: datetime
    percent: Decimal
    passed: bool


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    level_id: str | None  # None for pass/fail rubrics
    points: Decimal
    max_points: Decimal
    passed: bool | None  # None for levels rubrics


@dataclass(frozen=True)
class RubricResult:
    total: Decimal
    max_total: Decimal
    percent: Decimal
    passed: bool
    criteria: tuple[CriterionResult, ...]


# --- helpers ----------------------------------------------------------------


def _round(value: Decimal) -> Decimal:
    with localcontext(_CONTEXT):
        return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _share(value: Decimal, numerator: int, denominator: int) -> Decimal:
    """``value * numerator / denominator``, multiplied first, rounded to cents."""
    with localcontext(_CONTEXT):
        return _round(value * numerator / denominator)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if whole == 0:
        return _ZERO
    with localcontext(_CONTEXT):
        return _round(part * _HUNDRED / whole)


def _to_decimal(value: object, error: type[ValueError], what: str) -> Decimal:
    """A finite, non-negative Decimal rounded to cents; floats are refused."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise error(f"{what} must be a decimal string, int or Decimal: {value!r}")
    try:
        number = Decimal(value)
        if not number.is_finite() or number < 0:
            raise error(f"{what} must be finite and not negative: {value!r}")
        return _round(number) if number else _ZERO  # no "-0.00"
    except InvalidOperation as exc:
        raise error(f"{what} is not a usable decimal: {value!r}") from exc


def _percent_mark(value: object, what: str) -> Decimal:
    mark = _to_decimal(value, ValueError, what)
    if mark > _HUNDRED:
        raise ValueError(f"{what} must be between 0 and 100: {value!r}")
    return mark


def _entries(value: object, error: type[ValueError], what: str) -> list[Any]:
    """A non-empty list of objects with unique, non-empty string ids."""
    if not isinstance(value, list) or not value:
        raise error(f"{what} must be a non-empty list")
    if not all(isinstance(entry, Mapping) for entry in value):
        raise error(f"{what} must be objects")
    ids = [entry.get("id") for entry in value]
    if not all(isinstance(i, str) and i for i in ids) or len(set(ids)) != len(ids):
        raise error(f"{what} need unique non-empty string ids")
    return value


def _question_type(question: Mapping[str, Any]) -> str:
    if not isinstance(question, Mapping):
        raise InvalidQuestion("a question must be an object")
    qtype = question.get("type")
    if qtype not in QUESTION_TYPES:
        raise InvalidQuestion(f"unknown question type: {qtype!r}")
    if not isinstance(question.get("id"), str) or not question["id"]:
        raise InvalidQuestion("question id must be a non-empty string")
    return qtype


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidQuestion(message)


def validate_question(question: Question) -> None:
    """Check a question snapshot against the schema; raise ``InvalidQuestion``
    if it does not follow it. Every function that reads a question calls this,
    so a malformed snapshot fails whatever the answer is."""
    qtype = _question_type(question)
    if qtype == "reflection":
        return
    _to_decimal(question.get("points"), InvalidQuestion, "points")
    get = question.get
    if qtype in {"single_choice", "multiple_choice"}:
        for option in _entries(get("options"), InvalidQuestion, "options"):
            _require(isinstance(option.get("text"), str), "option text must be str")
            _require(isinstance(option.get("correct"), bool), "correct must be bool")
            _require(isinstance(option.get("feedback", ""), str), "feedback: str")
        if qtype == "multiple_choice":
            _scoring(question)
    elif qtype == "true_false":
        _require(isinstance(get("correct"), bool), "correct must be bool")
        for key in ("feedback_true", "feedback_false"):
            _require(isinstance(get(key, ""), str), f"{key} must be str")
    elif qtype == "short_text":
        accepted = get("accepted_answers")
        _require(
            isinstance(accepted, list) and all(isinstance(a, str) for a in accepted),
            "accepted_answers must be a list of str",
        )
        for key in ("case_sensitive", "normalise_whitespace"):
            _require(isinstance(get(key), bool), f"{key} must be bool")
    elif qtype == "ordering":
        for item in _entries(get("items"), InvalidQuestion, "items"):
            _require(isinstance(item.get("text"), str), "item text must be str")


def _scoring(question: Mapping[str, Any]) -> str:
    scoring = question.get("scoring", "all_or_nothing")
    if scoring not in SCORING_MODES:
        raise InvalidQuestion(f"unknown scoring: {scoring!r}")
    return scoring


def _id_list(answer: object) -> list[str] | None:
    """The answer as a list of ids, or None when it is not a list of strings."""
    if not isinstance(answer, list) or not all(isinstance(x, str) for x in answer):
        return None
    return answer


def _normalise_text(text: str, *, case_sensitive: bool, whitespace: bool) -> str:
    text = unicodedata.normalize("NFC", text)
    if whitespace:
        text = " ".join(text.split())
    if not case_sensitive:
        # casefold can decompose (e.g. "İ"), so compose again.
        text = unicodedata.normalize("NFC", text.casefold())
    return text


# Each grader returns ((numerator, denominator) of the points earned,
# correct, feedback).
_Graded = tuple[tuple[int, int], bool, tuple[str, ...]]
_NONE = (0, 1)
_ALL = (1, 1)
_WRONG: _Graded = (_NONE, False, ())


def _grade_single_choice(question: Mapping[str, Any], answer: object) -> _Graded:
    if not isinstance(answer, str):
        return _WRONG
    for option in question["options"]:
        if option["id"] == answer:
            feedback = (option["feedback"],) if option.get("feedback") else ()
            if option["correct"]:
                return _ALL, True, feedback
            return _NONE, False, feedback
    return _WRONG


def _grade_multiple_choice(question: Mapping[str, Any], answer: object) -> _Graded:
    scoring = _scoring(question)
    ids = _id_list(answer)
    if ids is None:
        return _WRONG
    options = question["options"]
    chosen = set(ids) & {option["id"] for option in options}
    key = {option["id"] for option in options if option["correct"]}
    feedback = tuple(
        option["feedback"]
        for option in options
        if option["id"] in chosen and option.get("feedback")
    )
    exact = chosen == key
    if scoring == "partial" and key:
        net = len(chosen & key) - len(chosen - key)
        return (max(net, 0), len(key)), exact, feedback
    return (_ALL if exact else _NONE), exact, feedback


def _grade_true_false(question: Mapping[str, Any], answer: object) -> _Graded:
    if not isinstance(answer, bool):
        return _WRONG
    text = question.get("feedback_true" if answer else "feedback_false")
    feedback = (text,) if text else ()
    if answer is question["correct"]:
        return _ALL, True, feedback
    return _NONE, False, feedback


def _grade_short_text(question: Mapping[str, Any], answer: object) -> _Graded:
    if not isinstance(answer, str):
        return _WRONG
    rules = {
        "case_sensitive": question["case_sensitive"],
        "whitespace": question["normalise_whitespace"],
    }
    given = _normalise_text(answer, **rules)
    if not given:
        return _WRONG
    accepted = {_normalise_text(text, **rules) for text in question["accepted_answers"]}
    return (_ALL, True, ()) if given in accepted else _WRONG


def _grade_ordering(question: Mapping[str, Any], answer: object) -> _Graded:
    ids = _id_list(answer)
    if ids is not None and ids == [item["id"] for item in question["items"]]:
        return _ALL, True, ()
    return _WRONG


_GRADERS = {
    "single_choice": _grade_single_choice,
    "multiple_choice": _grade_multiple_choice,
    "true_false": _grade_true_false,
    "short_text": _grade_short_text,
    "ordering": _grade_ordering,
}


# --- quizzes ----------------------------------------------------------------


def grade_question(*, question: Question, answer: object) -> QuestionResult:
    """Grade one answer. Never raises for the answer; raises
    ``InvalidQuestion`` for a malformed question."""
    validate_question(question)
    if question["type"] == "reflection":
        return QuestionResult(question["id"], _ZERO, _ZERO, None, ())
    points = _to_decimal(question["points"], InvalidQuestion, "points")
    grader = _GRADERS[question["type"]]
    (numerator, denominator), correct, feedback = grader(question, answer)
    awarded = _share(points, numerator, denominator)
    return QuestionResult(question["id"], awarded, points, correct, feedback)


def grade_attempt(
    *,
    questions: Sequence[Question],
    answers: Mapping[str, object],
    pass_mark_percent: Decimal,
) -> AttemptResult:
    """Grade a whole attempt. Answers to unknown questions are ignored; a
    non-mapping ``answers`` counts as no answers. Raises ``InvalidQuestion``
    for a malformed question or duplicate question ids, ``ValueError`` for a
    pass mark outside 0-100."""
    mark = _percent_mark(pass_mark_percent, "pass_mark_percent")
    if not isinstance(answers, Mapping):
        answers = {}
    seen: set[str] = set()
    results = []
    for question in questions:
        _question_type(question)
        if question["id"] in seen:
            raise InvalidQuestion(f"duplicate question id: {question['id']!r}")
        seen.add(question["id"])
        answer = answers.get(question["id"])
        results.append(grade_question(question=question, answer=answer))
    score = sum((r.points_awarded for r in results), _ZERO)
    max_score = sum((r.points_possible for r in results), _ZERO)
    percent = _percent(score, max_score)
    return AttemptResult(score, max_score, percent, percent >= mark, tuple(results))


def _shuffle_key(seed: str, *parts: str) -> bytes:
    # A hash per element, not random.Random: the order must stay the same for
    # a stored attempt across processes and Python upgrades.
    return hashlib.sha256("\x1f".join((seed, *parts)).encode()).digest()


def _shuffled_list(
    entries: Sequence[Mapping[str, Any]], *, seed: str, qid: str
) -> list[dict[str, Any]]:
    return [
        dict(entry)
        for entry in sorted(entries, key=lambda e: _shuffle_key(seed, qid, e["id"]))
    ]


_SHUFFLED_FIELD = {
    "single_choice": "options",
    "multiple_choice": "options",
    "ordering": "items",
}


def shuffled(question: Question, *, seed: str) -> dict[str, Any]:
    """A copy of the question with its options or items in a deterministic
    order for ``seed`` (use one seed per attempt). The input is not changed."""
    validate_question(question)
    qtype = question["type"]
    copy: dict[str, Any] = dict(question)
    field = _SHUFFLED_FIELD.get(qtype)
    if field is not None:
        copy[field] = _shuffled_list(copy[field], seed=seed, qid=question["id"])
    return copy


def shuffled_questions(questions: Sequence[Question], *, seed: str) -> list[Question]:
    """The questions in a deterministic order for ``seed``."""
    return sorted(questions, key=lambda q: _shuffle_key(seed, "question", q["id"]))


def public_question(question: Question, *, seed: str | None = None) -> dict[str, Any]:
    """The question without anything that reveals the key: the only form that
    may reach the browser before an attempt is finished.

    Built from a whitelist: id, type, prompt, points; options and items keep
    only id and text; multiple choice keeps ``scoring``. With ``seed``, options
    and items are in the order of ``shuffled(question, seed=seed)``. Ordering
    items are always shuffled (by question id when there is no seed), because
    their stored order is the answer. The prompt is passed through unchanged.
    """
    validate_question(question)
    qtype = question["type"]
    source = shuffled(question, seed=seed) if seed is not None else question
    public: dict[str, Any] = {
        "id": question["id"],
        "type": qtype,
        "prompt": question.get("prompt", ""),
        "points": "0" if qtype == "reflection" else str(question.get("points", "0")),
    }
    if qtype in {"single_choice", "multiple_choice"}:
        public["options"] = [
            {key: option[key] for key in _PUBLIC_OPTION_KEYS}
            for option in source["options"]
        ]
    if qtype == "multiple_choice":
        public["scoring"] = _scoring(question)
    if qtype == "ordering":
        items = source["items"]
        if seed is None:
            items = _shuffled_list(items, seed="", qid=question["id"])
        public["items"] = [
            {key: item[key] for key in _PUBLIC_OPTION_KEYS} for item in items
        ]
    return public


# --- attempts and feedback --------------------------------------------------


def select_result(
    *, attempts: Sequence[AttemptSummary], policy: Literal["best", "latest"]
) -> AttemptSummary | None:
    """The graded attempt that counts, or None when there is none.

    ``best``: a passed attempt beats a failed one, then the higher percent;
    ties go to the earliest (so an equal later attempt changes nothing).
    ``latest``: the last submitted; equal timestamps go to the higher number.
    """
    if policy not in {"best", "latest"}:
        raise ValueError(f"unknown result policy: {policy!r}")
    if not attempts:
        return None
    if policy == "latest":
        return max(attempts, key=lambda a: (a.submitted_at, a.number))
    best = max(attempts, key=lambda a: (a.passed, a.percent))
    return min(
        (a for a in attempts if (a.passed, a.percent) == (best.passed, best.percent)),
        key=lambda a: (a.submitted_at, a.number),
    )


def _non_negative_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int: {value!r}")
    if value < 0:
        raise ValueError(f"{what} must not be negative: {value!r}")
    return value


def attempts_remaining(*, allowed: int | None, used: int) -> int | None:
    """Attempts left; None means unlimited (``allowed`` is None)."""
    used = _non_negative_int(used, "used")
    if allowed is None:
        return None
    return max(_non_negative_int(allowed, "allowed") - used, 0)


def feedback_visible(
    *,
    policy: Literal["immediately", "after_last_attempt", "never"],
    attempt_finished: bool,
    attempts_remaining: int | None,
    passed: bool,
) -> bool:
    """Whether per-question feedback and the key may be shown.

    Never before the attempt is finished. ``after_last_attempt``: once no
    attempts remain or the trainee has passed (a passed trainee gains nothing
    from the key); with unlimited attempts that means only after passing.
    """
    if policy not in {"immediately", "after_last_attempt", "never"}:
        raise ValueError(f"unknown feedback policy: {policy!r}")
    if not attempt_finished or policy == "never":
        return False
    if policy == "immediately":
        return True
    return passed or attempts_remaining == 0


def _aware(value: object, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime: {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return value


def deadline_state(
    *,
    started_at: datetime,
    time_limit_seconds: int | None,
    now: datetime,
    grace_seconds: int,
) -> Literal["open", "grace", "expired"]:
    """``open`` up to and including the deadline, ``grace`` up to and including
    deadline + grace (answers still accepted, the clock shows time is up),
    ``expired`` after. No time limit: always ``open``."""
    started_at, now = _aware(started_at, "started_at"), _aware(now, "now")
    grace = _non_negative_int(grace_seconds, "grace_seconds")
    if time_limit_seconds is None:
        return "open"
    if _non_negative_int(time_limit_seconds, "time_limit_seconds") == 0:
        raise ValueError("time_limit_seconds must be positive")
    deadline = started_at + timedelta(seconds=time_limit_seconds)
    if now <= deadline:
        return "open"
    if now <= deadline + timedelta(seconds=grace):
        return "grace"
    return "expired"


def is_late(*, submitted_at: datetime, due_at: datetime | None) -> bool:
    """Late only strictly after ``due_at``; no due date is never late."""
    submitted_at = _aware(submitted_at, "submitted_at")
    if due_at is None:
        return False
    return submitted_at > _aware(due_at, "due_at")


# --- rubrics ----------------------------------------------------------------


def _level_points(criterion: Mapping[str, Any]) -> dict[str, Decimal]:
    levels = _entries(criterion.get("levels"), InvalidRubric, "levels")
    return {
        level["id"]: _to_decimal(level.get("points"), InvalidRubric, "level points")
        for level in levels
    }


def grade_rubric(
    *,
    rubric: Rubric,
    scores: Mapping[str, str | bool | None],
    pass_threshold_percent: Decimal | None = None,
) -> RubricResult:
    """Total a trainer's rubric scores.

    ``levels``: each criterion scores its chosen level's points, the maximum is
    the sum of each criterion's highest level, passed when the rounded percent
    reaches ``pass_threshold_percent`` (required). ``pass_fail``: each
    criterion is worth 1, passed only when every criterion passed; the
    threshold is ignored. Scores for unknown criteria are ignored.

    Raises ``InvalidScore`` for the first score that names an unknown level or
    has the wrong type, then ``IncompleteRubric`` listing every criterion with
    no score (missing or None), ``InvalidRubric`` for a malformed rubric.
    """
    if not isinstance(scores, Mapping):
        raise TypeError("scores must be a mapping of criterion id to score")
    kind = rubric.get("kind")
    if kind not in {"levels", "pass_fail"}:
        raise InvalidRubric(f"unknown rubric kind: {kind!r}")
    if kind == "levels":
        if pass_threshold_percent is None:
            raise ValueError("a levels rubric needs pass_threshold_percent")
        threshold = _percent_mark(pass_threshold_percent, "pass_threshold_percent")
    results: list[CriterionResult] = []
    missing: list[str] = []
    for criterion in _entries(rubric.get("criteria"), InvalidRubric, "criteria"):
        cid = criterion["id"]
        value = scores.get(cid)
        if kind == "levels":
            levels = _level_points(criterion)
            if value is not None and (
                not isinstance(value, str) or value not in levels
            ):
                raise InvalidScore(cid, value)
            if value is not None:
                best = max(levels.values())
                results.append(CriterionResult(cid, value, levels[value], best, None))
        else:
            if value is not None and not isinstance(value, bool):
                raise InvalidScore(cid, value)
            if value is not None:
                earned = Decimal(1) if value else Decimal(0)
                results.append(CriterionResult(cid, None, earned, Decimal(1), value))
        if value is None:
            missing.append(cid)
    if missing:
        raise IncompleteRubric(missing)
    total = sum((r.points for r in results), _ZERO)
    max_total = sum((r.max_points for r in results), _ZERO)
    percent = _percent(total, max_total)
    if kind == "levels":
        passed = percent >= threshold
    else:
        passed = all(r.passed for r in results)
    return RubricResult(total, max_total, percent, passed, tuple(results))
