import datetime

import pytest
from wagtail.models import Locale

from courses.models import (
    Cohort,
    CohortMembership,
    CoursePage,
    HomePage,
    LessonPage,
    ModulePage,
)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def build_course(*, title="Coaching basics", modules=2, lessons=3, in_order=True):
    home = HomePage.objects.get(locale=Locale.get_default())
    course = publish(
        home,
        CoursePage(title=title, summary="A course.", estimated_hours=10),
    )
    for m in range(modules):
        module = publish(
            course,
            ModulePage(title=f"Module {m + 1}", unlock_in_order=in_order),
        )
        for n in range(lessons):
            publish(
                module,
                LessonPage(
                    title=f"Lesson {m + 1}.{n + 1}",
                    body=[("rich_text", f"<p>Text {m + 1}.{n + 1}</p>")],
                ),
            )
    return course


def enrol(
    *, user, courses, status=CohortMembership.Status.ACTIVE, name=None, trainers=()
):
    cohort = Cohort.objects.create(
        name=name or f"Cohort {Cohort.objects.count() + 1}",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 1, 31),
    )
    cohort.courses.set(courses)
    cohort.trainers.set(trainers)
    CohortMembership.objects.create(cohort=cohort, user=user, status=status)
    return cohort


@pytest.fixture
def course(db):
    return build_course()


def lessons_of(course):
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))
