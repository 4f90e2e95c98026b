"""Reading the records the reports need: a fixed number of queries, whatever
the number of participants."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from certificates.selectors import ever_certified
from courses.models import Cohort, CohortMembership, CourseProgress, StepCompletion
from courses.steps import step_models
from placements.models import Placement
from reports.models import ParticipantOutcome

# Queries ``programme_facts`` runs for up to PRACTICUM_CHUNK participants; one
# more per further PRACTICUM_CHUNK (the practicum ledger takes a list of ids).
FIXED_QUERIES = 9
PRACTICUM_CHUNK = 10_000
MINUTES_PER_HOUR = Decimal(60)

Status = CohortMembership.Status
Kind = ParticipantOutcome.Kind
Stage = ParticipantOutcome.Stage
NOT_RECORDED = "not_recorded"
FUNNEL = ("invited", "participants", "finished", "certified", "placed")


def funnel_labels() -> dict[str, str]:
    return {
        "invited": _("Invited"),
        "participants": _("Participants (active)"),
        "finished": _("Finished the courses"),
        "certified": _("Certified"),
        "placed": _("Placed"),
    }


def outcome_labels() -> dict[str, str]:
    return {**dict(Kind.choices), NOT_RECORDED: _("Not recorded")}


@dataclass(frozen=True)
class Membership:
    cohort_id: int
    user_id: int
    status: str
    joined: bool  # has a join date
    gender: str
    birth_year: int | None
    # Read only for the participant-level export.
    invited_at: datetime.datetime | None = None
    joined_at: datetime.datetime | None = None
    left_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None

    @property
    def participated(self) -> bool:
        return self.joined or self.status in (Status.ACTIVE, Status.COMPLETED)


@dataclass
class Facts:
    """Everything the reports read, as plain values."""

    cohorts: list[dict]
    courses: dict[int, set[int]]
    memberships: list[Membership]
    completed_courses: dict[int, set[int]]
    steps: dict[tuple[int, int], tuple[int, int]]  # (user, course): (steps, minutes)
    practicum: dict[int, Decimal]
    practicum_available: bool
    certified: set[int]
    placements: dict[int, list[dict]]
    outcomes: dict[tuple[int, int, str], dict]


def _step_minutes():
    """The estimated minutes of a completion's step, whatever its page type."""
    columns = [
        f"step__{model._meta.model_name}__estimated_minutes" for model in step_models()
    ]
    if len(columns) == 1:
        return F(columns[0])
    return Coalesce(*columns)


def _practicum_hours(user_ids: list[int]) -> tuple[dict[int, Decimal], bool]:
    try:
        from assessments.selectors.practicum import signed_practicum_hours
    except ImportError:
        return {}, False
    hours: dict[int, Decimal] = {}
    for start in range(0, len(user_ids), PRACTICUM_CHUNK):
        hours.update(
            signed_practicum_hours(user_ids=user_ids[start : start + PRACTICUM_CHUNK])
        )
    return hours, True


def programme_facts(
    *, cohort_ids: list[int] | None = None, with_dates: bool = False
) -> Facts:
    """Read everything for the cohorts ``cohort_ids`` (default: every cohort).

    ``with_dates`` also reads each membership's dates (for the export; the
    figures do not need them).
    """
    cohorts = Cohort.objects.all()
    if cohort_ids is not None:
        cohorts = cohorts.filter(pk__in=cohort_ids)
    cohort_rows = list(
        cohorts.order_by("start_date", "name").values(
            "id", "name", "planned_participants", "start_date", "end_date", "status"
        )
    )
    ids = [row["id"] for row in cohort_rows]

    courses: dict[int, set[int]] = defaultdict(set)
    for cohort_id, course_id in Cohort.courses.through.objects.filter(
        cohort_id__in=ids
    ).values_list("cohort_id", "coursepage_id"):
        courses[cohort_id].add(course_id)

    dates = ("invited_at", "joined_at", "left_at", "completed_at") if with_dates else ()
    memberships = [
        Membership(**row)
        for row in CohortMembership.objects.filter(cohort_id__in=ids)
        .order_by("cohort_id", "user_id")
        .values(
            "cohort_id",
            "user_id",
            "status",
            *dates,
            joined=ExpressionWrapper(
                Q(joined_at__isnull=False), output_field=BooleanField()
            ),
            gender=F("user__gender"),
            birth_year=F("user__birth_year"),
        )
    ]
    # Later reads filter on the members by subquery, never on a list of ids.
    members = CohortMembership.objects.filter(cohort_id__in=ids).values("user_id")

    completed_courses: dict[int, set[int]] = defaultdict(set)
    for user_id, course_id in CourseProgress.objects.filter(
        user_id__in=members, completed_at__isnull=False
    ).values_list("user_id", "course_id"):
        completed_courses[user_id].add(course_id)

    steps = {
        (row["user_id"], row["course_id"]): (row["n"], row["minutes"] or 0)
        for row in StepCompletion.objects.filter(user_id__in=members)
        .values("user_id", "course_id")
        .annotate(n=Count("id"), minutes=Sum(_step_minutes()))
        .order_by()
    }

    user_ids = sorted({m.user_id for m in memberships})
    practicum, practicum_available = _practicum_hours(user_ids)

    placements: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Placement.objects.filter(coach_id__in=members)
        .order_by("coach_id", "-start_date", "-id")
        .values(
            "coach_id", "status", "activated_at", "start_date", "organisation__kind"
        )
    ):
        placements[row["coach_id"]].append(row)

    outcomes = {
        (row["participant_id"], row["cohort_id"], row["stage"]): row
        for row in ParticipantOutcome.objects.filter(cohort_id__in=ids).values(
            "participant_id", "cohort_id", "stage", "kind", "date"
        )
    }

    return Facts(
        cohorts=cohort_rows,
        courses=dict(courses),
        memberships=memberships,
        completed_courses=dict(completed_courses),
        steps=steps,
        practicum=practicum,
        practicum_available=practicum_available,
        certified=ever_certified(user_ids=members),
        placements=dict(placements),
        outcomes=outcomes,
    )


def was_placed(facts: Facts, user_id: int) -> bool:
    return any(p["activated_at"] is not None for p in facts.placements.get(user_id, ()))


def finished_courses(facts: Facts, membership: Membership) -> bool:
    if membership.status == Status.COMPLETED:
        return True
    courses = facts.courses.get(membership.cohort_id, set())
    return bool(courses) and courses <= facts.completed_courses.get(
        membership.user_id, set()
    )


def learning_minutes(facts: Facts, user_id: int, courses: set[int]) -> int:
    return sum(facts.steps.get((user_id, course), (0, 0))[1] for course in courses)


def steps_done(facts: Facts, user_id: int, courses: set[int]) -> int:
    return sum(facts.steps.get((user_id, course), (0, 0))[0] for course in courses)
