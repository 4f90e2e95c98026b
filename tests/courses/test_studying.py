import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses.models import CohortMembership, CourseProgress, LessonPage, StepCompletion
from courses.services import step_complete
from tests.courses.conftest import build_course, enrol, lessons_of, publish

pytestmark = pytest.mark.django_db

LESSON_PAGE_BUDGET = 22
DASHBOARD_BUDGET = 16


def test_enrolled_trainee_studies_a_lesson_and_marks_it_done(client, trainee, course):
    enrol(user=trainee, courses=[course])
    first = lessons_of(course)[0]
    client.force_login(trainee)

    page = client.get(first.url)
    assert page.status_code == 200
    assert "Text 1.1" in page.content.decode()

    response = client.post(reverse("step_complete", args=[first.pk]))

    assert response.status_code == 302
    progress = CourseProgress.objects.get(user=trainee, course=course)
    assert (progress.steps_done, progress.steps_total, progress.percent) == (1, 6, 16)
    completion = StepCompletion.objects.get(user=trainee)
    assert completion.revision_id == first.live_revision_id


def test_completing_twice_counts_once(trainee, course):
    enrol(user=trainee, courses=[course])
    first = lessons_of(course)[0]

    step_complete(user=trainee, step=first)
    step_complete(user=trainee, step=first)

    assert StepCompletion.objects.filter(user=trainee).count() == 1
    assert CourseProgress.objects.get(user=trainee).steps_done == 1


def test_adding_a_step_lowers_everyones_percentage(
    trainee, course, django_capture_on_commit_callbacks
):
    enrol(user=trainee, courses=[course])
    for lesson in lessons_of(course)[:3]:
        step_complete(user=trainee, step=lesson)
    assert CourseProgress.objects.get(user=trainee).percent == 50

    module = lessons_of(course)[0].get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        publish(module, LessonPage(title="New lesson", body=[]))

    progress = CourseProgress.objects.get(user=trainee)
    assert (progress.steps_done, progress.steps_total, progress.percent) == (3, 7, 42)


def test_unpublishing_a_done_step_keeps_progress_honest(
    trainee, course, django_capture_on_commit_callbacks
):
    enrol(user=trainee, courses=[course])
    lessons = lessons_of(course)
    for lesson in lessons:
        step_complete(user=trainee, step=lesson)
    assert CourseProgress.objects.get(user=trainee).completed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        lessons[-1].unpublish()

    progress = CourseProgress.objects.get(user=trainee)
    assert (progress.steps_done, progress.steps_total, progress.percent) == (5, 5, 100)

    module = lessons[0].get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        publish(module, LessonPage(title="Added later", body=[]))
    progress.refresh_from_db()
    assert progress.completed_at is None
    assert progress.percent == 83


def test_steps_unlock_in_order_and_say_why(client, trainee, course):
    enrol(user=trainee, courses=[course])
    lessons = lessons_of(course)
    client.force_login(trainee)

    locked = client.get(lessons[1].url)

    assert locked.status_code == 200
    body = locked.content.decode()
    assert "Text 1.2" not in body
    assert "Lesson 1.1" in body  # the reason names the step to finish first
    state = locked.context["step_state"]
    assert state.locked
    assert "Lesson 1.1" in state.locked_reason

    step_complete(user=trainee, step=lessons[0])
    assert "Text 1.2" in client.get(lessons[1].url).content.decode()


def test_a_locked_step_cannot_be_marked_done_out_of_order(client, trainee, course):
    enrol(user=trainee, courses=[course])
    lessons = lessons_of(course)
    client.force_login(trainee)

    response = client.post(reverse("step_complete", args=[lessons[2].pk]))

    assert response.status_code == 302
    assert not StepCompletion.objects.filter(user=trainee).exists()


ROLES = [
    "enrolled",
    "completed",
    "not_enrolled",
    "withdrawn",
    "anonymous",
    "other_trainer",
    "staff",
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("which", ["course", "module", "lesson"])
def test_course_pages_are_for_enrolled_people_only(
    client, make_user, course, who, which
):
    trainee = make_user("trainee")
    enrol(user=trainee, courses=[course])
    lesson = lessons_of(course)[0]
    url = {
        "course": course.url,
        "module": lesson.get_parent().url,
        "lesson": lesson.url,
    }[which]
    if who == "enrolled":
        client.force_login(trainee)
    elif who == "not_enrolled":
        client.force_login(make_user("trainee"))
    elif who == "withdrawn":
        other = make_user("trainee")
        enrol(user=other, courses=[course], status=CohortMembership.Status.WITHDRAWN)
        client.force_login(other)
    elif who == "completed":
        other = make_user("trainee")
        enrol(user=other, courses=[course], status=CohortMembership.Status.COMPLETED)
        client.force_login(other)
    elif who == "other_trainer":
        other_course = build_course(title="Another course")
        client.force_login(make_user("trainee"))
        enrol(user=make_user("trainee"), courses=[other_course])
    elif who == "staff":
        client.force_login(make_user("trainer"))

    response = client.get(url)

    expected = {
        "enrolled": 200,
        "completed": 200,  # reads it again; cannot study (below)
        "staff": 200,
        "anonymous": 302,
        "not_enrolled": 404,
        "withdrawn": 404,
        "other_trainer": 404,
    }[who]
    assert response.status_code == expected
    if who == "anonymous":
        assert response.url.startswith("/accounts/login/")


def test_a_graduate_reads_the_course_again_but_changes_nothing(
    client, make_user, course
):
    graduate = make_user("trainee")
    enrol(user=graduate, courses=[course], status=CohortMembership.Status.COMPLETED)
    client.force_login(graduate)
    lesson = lessons_of(course)[0]

    with translation.override("en"):
        dashboard_url = reverse("dashboard")
    page = client.get(lesson.url).content.decode()
    dashboard = client.get(dashboard_url)

    with translation.override("sv"):  # the lesson lives at a Swedish address
        banner = translation.gettext(
            "You have completed this course and can read it again. Quizzes and "
            "assignments are closed; your results stay as they were."
        )
    assert banner in page
    assert reverse("step_complete", args=[lesson.pk]) not in page
    response = client.post(reverse("step_complete", args=[lesson.pk]))
    assert response.status_code == 404
    assert not StepCompletion.objects.filter(user=graduate).exists()
    [item] = dashboard.context["courses"]
    assert item.reviewing
    assert "Read it again" in dashboard.content.decode()
    # The search covers what she may read.
    found = client.get(reverse("search"), {"q": "Lesson"}).context["results"]
    assert lesson.pk in {page.pk for page in found}


def test_marking_done_needs_enrolment(client, make_user, course):
    outsider = make_user("trainee")
    client.force_login(outsider)

    response = client.post(reverse("step_complete", args=[lessons_of(course)[0].pk]))

    assert response.status_code == 404
    assert not StepCompletion.objects.exists()


def test_dashboard_shows_progress_and_where_to_continue(client, trainee, course):
    enrol(user=trainee, courses=[course])
    lessons = lessons_of(course)
    step_complete(user=trainee, step=lessons[0])
    step_complete(user=trainee, step=lessons[1])
    client.force_login(trainee)

    response = client.get(reverse("dashboard"))

    [item] = response.context["courses"]
    assert (item.steps_done, item.steps_total, item.percent) == (2, 6, 33)
    assert item.next_step.title == "Lesson 1.3"
    assert lessons[2].url in response.content.decode()


def test_dashboard_of_a_graduate_says_which_cohort_she_completed(
    client, trainee, course
):
    cohort = enrol(
        user=trainee,
        courses=[course],
        status=CohortMembership.Status.COMPLETED,
        name="Blekinge 2025",
    )
    cohort.memberships.update(
        completed_at=datetime.datetime(2026, 3, 18, 14, tzinfo=datetime.UTC)
    )
    client.force_login(trainee)

    response = client.get(reverse("dashboard"))

    page = response.content.decode()
    assert "You completed Blekinge 2025 on 18 March 2026." in page
    assert "You are not enrolled in any course yet." not in page


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lesson_page_queries_do_not_grow_with_the_course(client, trainee):
    small = build_course(title="Small", modules=2, lessons=5, in_order=False)
    large = build_course(title="Large", modules=4, lessons=50, in_order=False)
    enrol(user=trainee, courses=[small, large])
    client.force_login(trainee)
    client.get(lessons_of(small)[3].url)  # warm Wagtail's site-root cache

    with_10 = count_queries(client, lessons_of(small)[3].url)
    with_200 = count_queries(client, lessons_of(large)[3].url)

    assert with_10 == with_200
    assert with_200 <= LESSON_PAGE_BUDGET


def test_dashboard_queries_do_not_grow_with_cohorts(client, trainee):
    enrol(user=trainee, courses=[build_course(title="Course 0", lessons=2)])
    client.force_login(trainee)
    client.get(reverse("dashboard"))
    one_cohort = count_queries(client, reverse("dashboard"))
    for n in range(1, 5):
        enrol(user=trainee, courses=[build_course(title=f"Course {n}", lessons=2)])

    five_cohorts = count_queries(client, reverse("dashboard"))

    assert one_cohort == five_cohorts
    assert five_cohorts <= DASHBOARD_BUDGET


def test_search_finds_only_lessons_the_person_may_study(client, trainee, course):
    other = build_course(title="Hidden course")
    enrol(user=trainee, courses=[course])
    client.force_login(trainee)

    response = client.get(reverse("search"), {"q": "Lesson"})

    found = {page.pk for page in response.context["results"]}
    assert found
    assert found <= {lesson.pk for lesson in lessons_of(course)}
    assert not found & {lesson.pk for lesson in lessons_of(other)}


def test_a_partly_translated_course_falls_back_to_the_original(client, trainee, course):
    from wagtail.models import Locale

    enrol(user=trainee, courses=[course])
    first = lessons_of(course)[0]
    english = first.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.title = "Lesson one in English"
    english.save_revision().publish()
    client.force_login(trainee)

    response = client.get(english.get_url())

    assert response.status_code == 200
    module = response.context["module_state"]
    titles = [step.row.title for step in module.steps]
    assert titles == ["Lesson one in English", "Lesson 1.2", "Lesson 1.3"]
    # Untranslated steps link to the original; the next one is still offered.
    assert module.steps[1].row.url == lessons_of(course)[1].url
    assert response.context["next_step"].row.title == "Lesson 1.2"
