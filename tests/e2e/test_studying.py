import re

import pytest

from courses.demo import (
    DEMO_ACCOUNTS,
    demo_accounts_ensure,
    demo_cohort_ensure,
    demo_content_ensure,
)
from courses.models import LessonPage
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TRAINEE = next(a for a in DEMO_ACCOUNTS if a.role == "trainee")


@pytest.fixture
def demo():
    demo_accounts_ensure()
    demo_content_ensure()
    demo_cohort_ensure()


def coaching_course_path() -> str:
    from courses.models import CoursePage

    return CoursePage.objects.get(
        slug="person-centred-wellbeing-coaching", locale__language_code="sv"
    ).path


def progress_value(page) -> int:
    return int(page.locator(".study-nav progress").get_attribute("value"))


def test_demo_trainee_continues_a_lesson_and_sees_progress_move(page, demo):
    sign_in(page, TRAINEE.email)
    page.wait_for_url(re.compile(r"/my-learning/$"))
    assert axe_violations(page) == []
    screenshot(page, "study-dashboard")

    page.locator(".course-card").first.locator("a.button").click()
    page.wait_for_load_state()
    assert "/person-centred-wellbeing-coaching/" in page.url
    # The demo trainee has done module 1's lessons and module 2's first: the
    # second lesson of module 2 is open.
    lesson = (
        LessonPage.objects.live()
        .filter(locale__language_code="sv", path__startswith=coaching_course_path())
        .order_by("path")[4]
    )
    page.goto(lesson.get_url())
    before = progress_value(page)
    assert page.locator("h1").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "study-lesson")

    page.locator("form[action$='/complete/'] button").click()
    page.wait_for_load_state()

    assert progress_value(page) > before
    assert page.locator(".messages").inner_text()


def test_an_arabic_lesson_reads_right_to_left(page, demo):
    lesson = LessonPage.objects.live().filter(locale__language_code="ar").first()
    assert lesson is not None, "the demo content has an Arabic lesson"
    sign_in(page, TRAINEE.email)
    page.wait_for_url(re.compile(r"/my-learning/$"))

    page.goto(lesson.get_url())

    assert page.locator("html").get_attribute("dir") == "rtl"
    body = page.locator(".lesson-body")
    assert body.evaluate("el => getComputedStyle(el).direction") == "rtl"
    # The module navigation sits on the left in a right-to-left layout.
    nav_box = page.locator(".study-nav").bounding_box()
    main_box = page.locator(".study-main").bounding_box()
    assert nav_box["x"] < main_box["x"]
    assert axe_violations(page) == []
    screenshot(page, "study-lesson-arabic")
