"""Building courses, cohorts and certifications for the certificate tests."""

import datetime
import json
import subprocess
from decimal import Decimal

from certificates.models import Certification
from courses.factories import course_page_create, lesson_page_create, module_page_create
from courses.models import Cohort, CohortMembership, LessonPage
from courses.services import step_complete


def course_with_lessons(*, title: str, lessons: int = 2):
    course = course_page_create(title=title)
    module = module_page_create(parent=course, title=f"{title}: module")
    for n in range(lessons):
        lesson_page_create(parent=module, title=f"{title}: lesson {n + 1}")
    return course


def cohort_for(*, courses, members=(), name: str | None = None) -> Cohort:
    cohort = Cohort(
        name=name or f"Cohort {Cohort.objects.count() + 1}",
        start_date=datetime.date(2026, 1, 12),
        end_date=datetime.date(2026, 6, 12),
        status=Cohort.Status.RUNNING,
    )
    cohort.full_clean()
    cohort.save()
    cohort.courses.set(courses)
    for user in members:
        CohortMembership.objects.create(
            cohort=cohort, user=user, status=CohortMembership.Status.ACTIVE
        )
    return cohort


def complete_course(*, user, course) -> None:
    for lesson in LessonPage.objects.live().descendant_of(course).order_by("path"):
        step_complete(user=user, step=lesson)


def certification_create(*, courses, **fields) -> Certification:
    defaults = {
        "name_sv": "Certifierad välbefinnandecoach",
        "name_en": "Certified wellbeing coach",
        "name_ar": "مدرب رفاهية معتمد",
        "description_sv": "Personcentrerad välbefinnandecoachning.",
        "description_en": "Person-centred wellbeing coaching.",
        "criteria_sv": "Alla kurser klara.",
        "criteria_en": "Every course completed.",
        "learning_outcomes_sv": "Leda samtal\nSätta gränser",
        "learning_outcomes_en": "Lead conversations\nSet boundaries",
        "workload_hours": 60,
        "eqf_level": 5,
        "quality_assurance": "Reviewed yearly by the programme board.",
        "min_practicum_hours": Decimal(0),
    }
    defaults.update(fields)
    certification = Certification(**defaults)
    certification.full_clean()
    certification.save()
    certification.required_courses.set(courses)
    return certification


def pdf_text(data: bytes) -> str:
    """The text of a PDF, as poppler's pdftotext reads it."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 - poppler-utils, fixed args
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def as_json_bytes(document) -> bytes:
    return json.dumps(document).encode()


def pdf_streams(data: bytes) -> list[bytes]:
    """Every stream of a PDF, inflated where it is Flate-compressed."""
    import re
    import zlib

    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        raw = match.group(1)
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    return streams


def read_pdf(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()
