"""Reads for written assignments: due dates, a trainee's versions, the queue."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page

from assessments.models import (
    AssignmentDueOverride,
    AssignmentPage,
    Attachment,
    Submission,
)
from courses.models import Cohort, CohortMembership, CoursePage
from courses.steps import COURSE_DEPTH, course_path
from users.roles import is_programme_admin

__all__ = [
    "GRADE_PERMISSION",
    "TraineeWork",
    "assignment_due_at",
    "gradable_cohorts",
    "grading_queue",
    "grading_queue_filters",
    "may_grade",
    "rubric_labels",
    "submission_cohort",
    "trainee_work",
]

GRADE_PERMISSION = "assessments.grade_submission"
Status = Submission.Status


def submission_cohort(*, user, page: Page) -> Cohort | None:
    """The active cohort in which ``user`` studies the course of ``page``.

    When there are several (rare), the one that started last.
    """
    key = (
        Page.objects.filter(path=course_path(page.path))
        .values_list("translation_key", flat=True)
        .first()
    )
    membership = (
        CohortMembership.objects.filter(
            user=user,
            status=CohortMembership.Status.ACTIVE,
            cohort__courses__translation_key=key,
        )
        .select_related("cohort")
        .order_by("-cohort__start_date", "-cohort_id")
        .first()
    )
    return membership.cohort if membership else None


def assignment_due_at(
    *, page: AssignmentPage, cohort: Cohort | None
) -> datetime.datetime | None:
    """When work on ``page`` is due for ``cohort``; None when never.

    The cohort's own date wins; then the page's fixed date; then the page's
    "days after the cohort starts", due at the very end of that day in the
    site's time zone (deadlines are inclusive).
    """
    if cohort is not None:
        override = (
            AssignmentDueOverride.objects.filter(
                cohort=cohort, assignment__translation_key=page.translation_key
            )
            .values_list("due_at", flat=True)
            .first()
        )
        if override is not None:
            return override
    if page.due_at is not None:
        return page.due_at
    if page.due_days_after_start and cohort is not None:
        day = cohort.start_date + datetime.timedelta(days=page.due_days_after_start)
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(23, 59, 59))
        )
    return None


def may_grade(*, user, submission: Submission) -> bool:
    """Trainers with ``grade_submission`` who teach the submission's cohort."""
    if not user.is_authenticated or not user.has_perm(GRADE_PERMISSION):
        return False
    if submission.cohort_id is None:
        return False
    return Cohort.trainers.through.objects.filter(
        cohort_id=submission.cohort_id, user_id=user.pk
    ).exists()


def may_read_submission(*, user, submission: Submission) -> bool:
    """The owner, trainers of its cohort, and programme administrators."""
    if not user.is_authenticated:
        return False
    if submission.user_id == user.pk:
        return True
    if is_programme_admin(user):
        return True
    return (
        submission.cohort_id is not None
        and Cohort.trainers.through.objects.filter(
            cohort_id=submission.cohort_id, user_id=user.pk
        ).exists()
    )


# --- the trainee's page ------------------------------------------------------


@dataclass
class TraineeWork:
    """Where a trainee stands with one assignment."""

    cohort: Cohort | None
    due_at: datetime.datetime | None
    versions: list[Submission] = field(default_factory=list)  # newest first
    closed: bool = False  # read again after the cohort: nothing is written

    @property
    def latest(self) -> Submission | None:
        return self.versions[0] if self.versions else None

    @property
    def draft(self) -> Submission | None:
        latest = self.latest
        return latest if latest and latest.status == Status.DRAFT else None

    @property
    def can_write(self) -> bool:
        """A draft exists, or one may be started (first or revised version)."""
        latest = self.latest
        if self.closed:
            return False
        return latest is None or latest.status in (Status.DRAFT, Status.RETURNED)

    @property
    def waiting(self) -> bool:
        latest = self.latest
        return bool(latest and latest.status in Submission.AWAITING_REVIEW)

    @property
    def body(self) -> str:
        """The text to edit: the draft's, or the returned version's to revise."""
        latest = self.latest
        return latest.body_html if latest and self.can_write else ""

    @property
    def attachments(self) -> list[Attachment]:
        latest = self.latest
        return list(latest.attachments.all()) if latest and self.can_write else []

    @property
    def graded(self) -> list[Submission]:
        return [v for v in self.versions if v.status not in Submission.OPEN]

    def is_late_now(self, now: datetime.datetime | None = None) -> bool:
        return self.due_at is not None and (now or timezone.now()) > self.due_at


def trainee_work(*, user, page: AssignmentPage) -> TraineeWork:
    """``user``'s versions of ``page`` (any translation), newest first."""
    cohort = submission_cohort(user=user, page=page)
    versions = list(
        Submission.objects.filter(
            user=user, assignment__translation_key=page.translation_key
        )
        .select_related("review", "review__reviewer")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
        )
        .order_by("-version")
    )
    return TraineeWork(
        cohort=cohort,
        due_at=assignment_due_at(page=page, cohort=cohort),
        versions=versions,
    )


def rubric_labels(page: AssignmentPage) -> dict[str, dict]:
    """Criterion and level titles of ``page`` by id, to show a stored rubric
    in the reader's language (translations share the ids)."""
    labels: dict[str, dict] = {}
    for criterion in page.rubric_snapshot()["criteria"]:
        labels[criterion["id"]] = criterion
        for level in criterion.get("levels", []):
            labels[level["id"]] = level
    return labels


# --- the grading queue -------------------------------------------------------


def gradable_cohorts(*, user) -> QuerySet[Cohort]:
    """The cohorts whose work ``user`` may grade."""
    if not user.is_authenticated or not user.has_perm(GRADE_PERMISSION):
        return Cohort.objects.none()
    return Cohort.objects.filter(trainers=user)


def grading_queue(
    *,
    user,
    cohort_id: int | None = None,
    course_id: int | None = None,
    assignment_id: int | None = None,
) -> QuerySet[Submission]:
    """Work waiting for review in the cohorts ``user`` teaches, oldest first.

    Filters that name something outside the user's cohorts simply match
    nothing. One query, whatever the number of rows.
    """
    cohorts = gradable_cohorts(user=user)
    queryset = Submission.objects.filter(
        status__in=Submission.AWAITING_REVIEW, cohort__in=cohorts
    )
    if cohort_id is not None:
        queryset = queryset.filter(cohort_id=cohort_id)
    if assignment_id is not None:
        queryset = queryset.filter(assignment_id=assignment_id)
    if course_id is not None:
        course = (
            Page.objects.filter(pk=course_id, depth=COURSE_DEPTH)
            .values_list("path", flat=True)
            .first()
        )
        queryset = (
            queryset.filter(assignment__path__startswith=course)
            if course
            else queryset.none()
        )
    return queryset.select_related(
        "user", "cohort", "assignment", "review_started_by"
    ).order_by("submitted_at", "id")


def grading_queue_filters(*, user) -> dict[str, list]:
    """Choices for the queue's filters: the user's cohorts, their courses and
    the assignments in those courses (original pages)."""
    cohorts = list(gradable_cohorts(user=user).order_by("name"))
    courses = list(
        CoursePage.objects.filter(cohorts__in=cohorts)
        .distinct()
        .order_by("title")
        .only("id", "title", "path")
    )
    query = Q(pk__in=[])
    for course in courses:
        query |= Q(path__startswith=course.path)
    assignments = list(
        AssignmentPage.objects.filter(query)
        .filter(
            pk__in=Submission.objects.filter(cohort__in=cohorts).values("assignment_id")
        )
        .order_by("title")
        .only("id", "title")
    )
    return {"cohorts": cohorts, "courses": courses, "assignments": assignments}
