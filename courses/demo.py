"""Demo data for ``make demo``: idempotent, built through the real services."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from courses.demo_loader import LoadReport, demo_courses_load
from courses.factories import home_page
from courses.invitation_csv import InviteRow
from courses.invitations import cohort_invite
from courses.models import (
    Cohort,
    CohortMembership,
    CoursePage,
    CourseProgress,
    ModulePage,
    StepCompletion,
)
from courses.services import step_complete
from users.models import User
from users.services import user_create

DEMO_DOMAIN = "demo.coach-academy.example"  # reserved for examples: never delivered
DEMO_PASSWORD = "coach-demo-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    legal_name: str
    language: str
    profile: dict
    languages: tuple[str, ...] = ()

    @property
    def user_role(self) -> str:
        """The role the account is created with: a coach is a trainee who
        finished (``users.roles``)."""
        return "trainee" if self.role == "coach" else self.role


DEMO_ACCOUNTS = (
    DemoAccount(
        role="trainee",
        email=f"trainee@{DEMO_DOMAIN}",
        legal_name="Amal Haddad Sjöberg",
        language="sv",
        profile={"gender": "woman", "birth_year": 1988, "municipality": "Ronneby"},
        languages=("ar", "sv", "en", "ti"),
    ),
    # Finished the 2025 cohort (reports.demo), certified (certificates.demo)
    # and placed (placements.demo): the end of the path.
    DemoAccount(
        role="coach",
        email=f"coach@{DEMO_DOMAIN}",
        legal_name="Tigist Alemu Ekström",
        language="sv",
        profile={"gender": "woman", "birth_year": 1984, "municipality": "Ronneby"},
        languages=("ti", "am", "ar", "sv"),
    ),
    DemoAccount(
        role="trainer",
        email=f"trainer@{DEMO_DOMAIN}",
        legal_name="Jonas Åkesson",
        language="sv",
        profile={"gender": "man", "municipality": "Karlskrona"},
    ),
    DemoAccount(
        role="admin",
        email=f"admin@{DEMO_DOMAIN}",
        legal_name="Maria Lindqvist",
        language="en",
        profile={"municipality": "Karlskrona"},
    ),
)


@transaction.atomic
def demo_accounts_ensure() -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts that are missing; returns (account, created)."""
    results = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(email=account.email).exists():
            results.append((account, False))
            continue
        user = user_create(
            email=account.email,
            legal_name=account.legal_name,
            password=DEMO_PASSWORD,
            role=account.user_role,
            preferred_language=account.language,
            email_verified=True,
            **account.profile,
        )
        if account.languages:
            user.languages.set(account.languages)
        results.append((account, True))
    return results


# --- Content and a cohort part-way through it ------------------------------------

DEMO_COHORT_NAME = "Blekinge kohort 2026"
DEMO_COURSE_SLUGS = ("person-centred-wellbeing-coaching", "biopsychosocial-model")
# The demo trainee has finished module 1 of this course and started module 2.
DEMO_PROGRESS_COURSE_SLUG = "person-centred-wellbeing-coaching"


def _demo_user(role: str) -> User:
    email = next(a.email for a in DEMO_ACCOUNTS if a.role == role)
    return User.objects.get(email=email)


def demo_content_ensure() -> LoadReport:
    """Load the demo courses from ``courses/demo_content`` (idempotent)."""
    return demo_courses_load()


@dataclass(frozen=True)
class DemoCohortResult:
    cohort: Cohort
    created: bool
    membership_created: bool
    completions_created: int
    progress: list[CourseProgress]


@transaction.atomic
def demo_membership_activate(
    *, cohort: Cohort, user: User, invited_by: User
) -> tuple[CohortMembership, bool]:
    """Make ``user`` an active member of ``cohort``; (membership, created).

    Invites through ``courses.invitations.cohort_invite`` (capacity check,
    invitation row, audit log). The link's token exists only in the e-mail,
    so the demo cannot click it: it records the acceptance the way
    ``invitation_accept`` does once the token checks out. Being accepted
    before the e-mail task runs, the invitation is never e-mailed.
    Idempotent: an existing membership is returned unchanged.
    """
    existing = CohortMembership.objects.filter(cohort=cohort, user=user).first()
    if existing is not None:
        return existing, False
    result = cohort_invite(
        cohort=cohort,
        rows=[InviteRow(line=2, email=user.email, name=user.legal_name)],
        invited_by=invited_by,
    )
    if not result.invited:
        raise RuntimeError(f"The demo trainee could not be invited: {result}")
    membership = CohortMembership.objects.get(cohort=cohort, user=user)
    now = timezone.now()
    membership.status = CohortMembership.Status.ACTIVE
    membership.joined_at = now
    membership.full_clean()
    membership.save(update_fields=["status", "joined_at"])
    membership.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).update(accepted_at=now)
    return membership, True


def _demo_steps_done(course: CoursePage) -> list[Page]:
    """Every lesson of the course's first module and the first of its second.

    Only steps a trainee marks done themselves: a quiz or an assignment is
    completed by passing it, through the assessments services.
    """
    modules = list(ModulePage.objects.child_of(course).live().order_by("path")[:2])
    steps = []
    for number, module in enumerate(modules):
        by_trainee = [
            step
            for step in Page.objects.child_of(module).live().specific().order_by("path")
            if getattr(step, "completed_by_trainee", False)
        ]
        steps.extend(by_trainee if number == 0 else by_trainee[:1])
    return steps


@transaction.atomic
def demo_cohort_ensure(*, today: datetime.date | None = None) -> DemoCohortResult:
    """The demo cohort, six weeks into its course, with the demo trainee in it.

    Needs the demo accounts and content (``demo_accounts_ensure``,
    ``demo_content_ensure``); raises ``RuntimeError`` without the courses.
    Idempotent: an existing cohort keeps its dates, and completions go through
    ``step_complete``, which records each step once.
    """
    today = today or timezone.localdate()
    home = home_page()
    courses = list(CoursePage.objects.child_of(home).filter(slug__in=DEMO_COURSE_SLUGS))
    if len(courses) != len(DEMO_COURSE_SLUGS):
        raise RuntimeError("Load the demo courses first (demo_content_ensure).")
    trainer, trainee = _demo_user("trainer"), _demo_user("trainee")

    cohort = Cohort.objects.filter(name=DEMO_COHORT_NAME).first()
    created = cohort is None
    if created:
        start = today - datetime.timedelta(weeks=6)
        cohort = Cohort(
            name=DEMO_COHORT_NAME,
            start_date=start,
            end_date=today + datetime.timedelta(weeks=22),
            capacity=30,
            planned_participants=82,
            status=Cohort.Status.RUNNING,
        )
        cohort.full_clean()
        cohort.save()
        cohort.courses.set(courses)
        cohort.trainers.set([trainer])

    _, membership_created = demo_membership_activate(
        cohort=cohort, user=trainee, invited_by=_demo_user("admin")
    )

    studied = next(c for c in courses if c.slug == DEMO_PROGRESS_COURSE_SLUG)
    done = set(
        StepCompletion.objects.filter(user=trainee).values_list(
            "step__translation_key", flat=True
        )
    )
    completions_created = 0
    for step in _demo_steps_done(studied):
        if step.translation_key not in done:
            step_complete(user=trainee, step=step)
            completions_created += 1

    progress = list(
        CourseProgress.objects.filter(user=trainee, course__in=courses)
        .select_related("course")
        .order_by("course__path")
    )
    return DemoCohortResult(
        cohort=cohort,
        created=created,
        membership_created=membership_created,
        completions_created=completions_created,
        progress=progress,
    )
