"""Certified coaches and partner organisations, made through the real services."""

import datetime
import itertools
from decimal import Decimal

from certificates.models import Certificate, Certification
from courses.factories import course_page_create, lesson_page_create, module_page_create
from courses.models import Cohort, CohortMembership, LessonPage
from courses.services import step_complete
from placements.services import partner_organisation_create, placement_propose
from users.services import user_update_profile

_numbers = itertools.count(1)


def course_with_lessons(*, title: str | None = None, lessons: int = 2):
    title = title or f"Coaching course {next(_numbers)}"
    course = course_page_create(title=title)
    module = module_page_create(parent=course, title=f"{title}: module")
    for n in range(lessons):
        lesson_page_create(
            parent=module, title=f"{title}: lesson {n + 1}", estimated_minutes=30
        )
    return course


def cohort_create(*, courses, name=None, start=datetime.date(2026, 1, 12), **fields):
    cohort = Cohort(
        name=name or f"Cohort {next(_numbers)}",
        start_date=start,
        end_date=start + datetime.timedelta(days=150),
        status=fields.pop("status", Cohort.Status.RUNNING),
        **fields,
    )
    cohort.full_clean()
    cohort.save()
    cohort.courses.set(courses)
    return cohort


def join(*, cohort, user, status=CohortMembership.Status.ACTIVE, **dates):
    membership = CohortMembership(cohort=cohort, user=user, status=status, **dates)
    if status != CohortMembership.Status.INVITED and "joined_at" not in dates:
        membership.joined_at = membership.invited_at
    membership.full_clean()
    membership.save()
    return membership


def complete_course(*, user, course) -> None:
    for lesson in LessonPage.objects.live().descendant_of(course).order_by("path"):
        step_complete(user=user, step=lesson)


def certification_create(*, courses, **fields) -> Certification:
    values = {
        "name_sv": "Certifierad välbefinnandecoach",
        "name_en": "Certified wellbeing coach",
        "description_sv": "Personcentrerad välbefinnandecoachning.",
        "description_en": "Person-centred wellbeing coaching.",
        "criteria_sv": "Alla kurser klara.",
        "criteria_en": "Every course completed.",
        "learning_outcomes_sv": "Leda samtal",
        "learning_outcomes_en": "Lead conversations",
        "workload_hours": 60,
        "quality_assurance": "Reviewed yearly by the programme board.",
        "min_practicum_hours": Decimal(0),
        "validity_months": 36,
        **fields,
    }
    certification = Certification(**values)
    certification.full_clean()
    certification.save()
    certification.required_courses.set(courses)
    return certification


def set_profile(user, *, languages=(), municipality=""):
    return user_update_profile(
        user=user, data={"languages": list(languages), "municipality": municipality}
    )


def organisation_create(**fields):
    fields.setdefault("name", f"Partner {next(_numbers)}")
    fields.setdefault("kind", "municipality")
    fields.setdefault("municipality", "Karlskrona")
    fields.setdefault("places", 2)
    return partner_organisation_create(**fields)


def propose(*, coach, organisation, by=None, **fields):
    fields.setdefault("role_description", "Wellbeing coaching with clients.")
    fields.setdefault("start_date", datetime.date(2026, 9, 1))
    fields.setdefault("hours_per_week", Decimal(20))
    return placement_propose(coach=coach, organisation=organisation, by=by, **fields)


def expire(certificate: Certificate, *, days_ago: int = 1) -> None:
    """Time passes: the certificate's validity ended ``days_ago``."""
    from django.utils import timezone

    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.now() - datetime.timedelta(days=days_ago)
    )
