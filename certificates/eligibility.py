"""Pure eligibility for a certification rule.

No Django, no ORM, no settings. The selector layer reads a trainee's progress,
passed assessments and signed practicum hours into a ``TraineeRecord``; this
module says whether the ``Rule`` is met and lists every requirement, met or
not, so the trainee sees a checklist of exactly what is missing.

Human text is never built here in a way the Django layer cannot translate:
each label and detail is a ``Message`` with a stable ``code``, the ``params``
to fill in, and an English ``default`` rendered from ``TEMPLATES``. The page
layer looks the code up in its own translated catalogue and falls back to the
default.

Policies:

- Requirements are listed in rule order: courses, then assessments, then
  practicum. The practicum requirement is listed only when the rule asks for
  more than 0 hours.
- A course is met when the steps done reach its ``steps_total``. A course with
  0 steps is therefore met even with no progress at all (nothing to do);
  keeping empty courses out of a rule is the rule editor's job. Steps done
  above the total (steps removed since) are shown as the total.
- A course missing from ``courses_done`` has 0 steps done.
- Hours are shown with at most 2 decimal places, rounded down so the
  checklist never claims more hours than were signed, without trailing zeros
  ("6.5", "10").
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Literal

Kind = Literal["course", "assessment", "practicum"]

TEMPLATES: Mapping[str, str] = {
    # labels
    "course_label": "Complete {title}",
    "assessment_label": "Pass {title}",
    "practicum_label": "{required} practicum hours signed off",
    # details
    "course_complete": "{title}: completed",
    "course_incomplete": "{title}: {done} of {total} steps done",
    "assessment_passed": "{title} passed",
    "assessment_not_passed": "{title} not passed",
    "practicum_hours_met": "{signed} of {required} practicum hours signed",
    "practicum_hours": "{signed} of {required} practicum hours signed",
}


@dataclass(frozen=True)
class Message:
    """Translatable text: ``code`` + ``params``, with an English ``default``."""

    code: str
    params: Mapping[str, str | int]
    default: str


def message(code: str, **params: str | int) -> Message:
    """The ``Message`` for ``code``; raises ``KeyError`` for an unknown code."""
    return Message(code, dict(params), TEMPLATES[code].format(**params))


def format_hours(hours: Decimal) -> str:
    """``Decimal("6.50")`` -> ``"6.5"``, ``Decimal("10.00")`` -> ``"10"``."""
    shown = Decimal(hours).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    if shown.is_zero():
        return "0"
    return f"{shown.normalize():f}"


@dataclass(frozen=True)
class CourseReq:
    course_id: Hashable
    title: str
    steps_total: int

    def __post_init__(self) -> None:
        if isinstance(self.steps_total, bool) or self.steps_total < 0:
            raise ValueError(f"steps_total must be >= 0: {self.steps_total!r}")


@dataclass(frozen=True)
class AssessmentReq:
    assessment_id: Hashable
    title: str


def _hours(value: Decimal, what: str) -> Decimal:
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise TypeError(f"{what} must be a Decimal: {value!r}")
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what} must be finite and not negative: {value!r}")
    return value


@dataclass(frozen=True)
class Rule:
    required_courses: Sequence[CourseReq] = ()
    required_assessments: Sequence[AssessmentReq] = ()
    min_practicum_hours: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        # Frozen means frozen: lists passed in are copied to tuples.
        object.__setattr__(self, "required_courses", tuple(self.required_courses))
        object.__setattr__(
            self, "required_assessments", tuple(self.required_assessments)
        )
        hours = _hours(self.min_practicum_hours, "min_practicum_hours")
        object.__setattr__(self, "min_practicum_hours", hours)


@dataclass(frozen=True)
class TraineeRecord:
    courses_done: Mapping[Hashable, int] = field(default_factory=dict)
    passed_assessments: frozenset[Hashable] = frozenset()
    signed_practicum_hours: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "courses_done", dict(self.courses_done))
        object.__setattr__(
            self, "passed_assessments", frozenset(self.passed_assessments)
        )
        hours = _hours(self.signed_practicum_hours, "signed_practicum_hours")
        object.__setattr__(self, "signed_practicum_hours", hours)


@dataclass(frozen=True)
class Requirement:
    kind: Kind
    label: Message
    met: bool
    detail: Message


@dataclass(frozen=True)
class Eligibility:
    met: bool
    items: tuple[Requirement, ...]

    @property
    def missing(self) -> tuple[Requirement, ...]:
        return tuple(item for item in self.items if not item.met)


def _course(req: CourseReq, record: TraineeRecord) -> Requirement:
    done = max(record.courses_done.get(req.course_id, 0), 0)
    met = done >= req.steps_total
    if met:
        detail = message("course_complete", title=req.title, total=req.steps_total)
    else:
        detail = message(
            "course_incomplete", title=req.title, done=done, total=req.steps_total
        )
    return Requirement("course", message("course_label", title=req.title), met, detail)


def _assessment(req: AssessmentReq, record: TraineeRecord) -> Requirement:
    met = req.assessment_id in record.passed_assessments
    code = "assessment_passed" if met else "assessment_not_passed"
    label = message("assessment_label", title=req.title)
    return Requirement("assessment", label, met, message(code, title=req.title))


def _practicum(rule: Rule, record: TraineeRecord) -> Requirement:
    required = format_hours(rule.min_practicum_hours)
    met = record.signed_practicum_hours >= rule.min_practicum_hours
    detail = message(
        "practicum_hours_met" if met else "practicum_hours",
        signed=format_hours(record.signed_practicum_hours),
        required=required,
    )
    label = message("practicum_label", required=required)
    return Requirement("practicum", label, met, detail)


def check_eligibility(*, rule: Rule, record: TraineeRecord) -> Eligibility:
    """Every requirement of ``rule`` checked against ``record``; ``met`` when
    all are met (a rule with no requirements is met)."""
    items = [_course(req, record) for req in rule.required_courses]
    items += [_assessment(req, record) for req in rule.required_assessments]
    if rule.min_practicum_hours > 0:
        items.append(_practicum(rule, record))
    return Eligibility(all(item.met for item in items), tuple(items))
