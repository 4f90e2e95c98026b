"""Cohorts, invitations and memberships for tests, made through the real services."""

import datetime
import re

from django.core import mail
from django.test import TestCase

from courses.factories import course_page_create, lesson_page_create, module_page_create
from courses.invitation_csv import InviteRow
from courses.invitations import cohort_invite, invitation_accept
from courses.models import Cohort, CohortMembership, CoursePage

TOKEN_IN_LINK = re.compile(r"/invitation/([A-Za-z0-9_-]{20,})/")


def course_with_modules(
    *, title: str = "Coaching basics", modules: int = 2, lessons: int = 2
) -> CoursePage:
    """A published course of ``modules`` modules of ``lessons`` lessons each."""
    course = course_page_create(title=title)
    for m in range(modules):
        module = module_page_create(parent=course, title=f"{title} module {m + 1}")
        for n in range(lessons):
            lesson_page_create(parent=module, title=f"Lesson {m + 1}.{n + 1}")
    return course


def cohort_create(
    *,
    name: str = "Autumn 2026",
    courses=(),
    trainers=(),
    capacity: int = 30,
    status: str = Cohort.Status.RUNNING,
    start_date=datetime.date(2026, 9, 1),
) -> Cohort:
    # Administrators create cohorts in the admin form; the form is tested on
    # its own, so other tests start from a validated row.
    cohort = Cohort(
        name=name,
        start_date=start_date,
        end_date=start_date + datetime.timedelta(days=150),
        capacity=capacity,
        status=status,
    )
    cohort.full_clean()
    cohort.save()
    cohort.courses.set(courses)
    cohort.trainers.set(trainers)
    return cohort


def tokens_sent_to(email: str) -> list[str]:
    """The invitation tokens in the e-mails sent to ``email``, oldest first."""
    return [
        TOKEN_IN_LINK.search(message.body).group(1)
        for message in mail.outbox
        if email in message.to
    ]


def invite(*, cohort: Cohort, people, by) -> list[str]:
    """Invite (email, name) pairs and send the e-mails; returns their tokens."""
    rows = [
        InviteRow(line=n, email=email.lower(), name=name)
        for n, (email, name) in enumerate(people, start=1)
    ]
    with TestCase.captureOnCommitCallbacks(execute=True):
        cohort_invite(cohort=cohort, rows=rows, invited_by=by)
    return [tokens_sent_to(email.lower())[-1] for email, _name in people]


def join(*, cohort: Cohort, user, by) -> CohortMembership:
    """``user`` (who has a password) is invited to ``cohort`` and accepts."""
    [token] = invite(cohort=cohort, people=[(user.email, user.legal_name)], by=by)
    return invitation_accept(token=token, user=user)
