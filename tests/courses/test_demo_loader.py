import textwrap

import pytest
from wagtail.models import Page, PageLogEntry, Revision

from courses import demo_loader
from courses.demo import (
    DEMO_COHORT_NAME,
    demo_accounts_ensure,
    demo_cohort_ensure,
    demo_content_ensure,
)
from courses.demo_loader import (
    DemoContentError,
    demo_courses_load,
    lesson_load,
    register_step_loader,
)
from courses.models import (
    CohortMembership,
    CoursePage,
    CourseProgress,
    HomePage,
    LessonPage,
    ModulePage,
    StepCompletion,
)

pytestmark = pytest.mark.django_db

COACHING = "person-centred-wellbeing-coaching"
BIOPSYCHOSOCIAL = "biopsychosocial-model"
ARABIC_LESSON = "what-person-centred-means"


def in_language(model, language):
    return model.objects.filter(locale__language_code=language)


def write_course(directory, name, text):
    (directory / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


def test_both_courses_load_in_swedish_and_english_as_translations():
    report = demo_courses_load()

    for language in ("sv", "en"):
        courses = in_language(CoursePage, language).live()
        assert sorted(c.slug for c in courses) == [BIOPSYCHOSOCIAL, COACHING]
        for course in courses:
            modules = ModulePage.objects.child_of(course).live()
            assert modules.count() >= 4
            for module in modules:
                assert LessonPage.objects.child_of(module).live().count() >= 3

    sv = in_language(CoursePage, "sv").get(slug=COACHING)
    en = in_language(CoursePage, "en").get(slug=COACHING)
    assert sv.title == "Personcentrerad välbefinnandecoachning"
    assert en.title == "Person-centred wellbeing coaching"
    assert sv.get_parent().specific == HomePage.objects.get(depth=2, locale=sv.locale)
    assert (en.estimated_hours, en.level) == (24, "introductory")
    assert en.summary.startswith("An introductory course in coaching people")
    assert len(en.learning_outcomes) == 6
    assert en.learning_outcomes[0].block_type == "outcome"
    assert en.learning_outcomes[0].value.startswith("Explain what person-centredness")

    module = in_language(ModulePage, "en").get(slug="empowerment-and-motivation")
    assert module.unlock_in_order
    assert module.intro.startswith("<p")
    assert "</p>" in module.intro
    lesson = in_language(LessonPage, "en").get(slug=ARABIC_LESSON)
    assert lesson.title == "What does person-centred mean?"
    assert lesson.estimated_minutes == 20
    assert [block.block_type for block in lesson.body] == [
        "rich_text",
        "callout",
        "key_points",
        "reflection_prompt",
        "glossary_term",
    ]
    assert lesson.body[1].value["kind"] == "tip"
    assert len(lesson.body[2].value["items"]) == 4
    assert lesson.body[4].value["term"] == "Person-centredness"

    # Every English page is a translation of a Swedish one created before it,
    # published through a revision.
    sv_pages = {p.translation_key: p for p in Page.objects.filter(locale=sv.locale)}
    english = Page.objects.filter(locale=en.locale)
    assert in_language(LessonPage, "en").count() == 24
    for page in english:
        original = sv_pages[page.translation_key]
        assert original.specific_class is page.specific_class
        assert original.pk < page.pk
        assert page.live
        assert page.live_revision_id
        assert not page.has_unpublished_changes
    assert all(p.live_revision_id for p in sv_pages.values() if p.depth > 2)

    # Quizzes and assignments come with the assessments app's step loaders.
    for kind, line in [("quiz", "skipped 8 quizzes: "), ("assignment", "skipped 2 ")]:
        if kind not in demo_loader.STEP_LOADERS:
            assert any(text.startswith(line) for text in report.lines())


def test_arabic_lesson_rich_text_and_page_tree():
    demo_courses_load()

    arabic = in_language(LessonPage, "ar").get(slug=ARABIC_LESSON)
    swedish = in_language(LessonPage, "sv").get(slug=ARABIC_LESSON)
    assert arabic.translation_key == swedish.translation_key
    assert arabic.live
    assert arabic.title.startswith("ما معنى")
    assert arabic.body[4].value["term"] == "التمحور حول الشخص"
    assert in_language(LessonPage, "ar").count() == 1
    # Its module and course are not translated: they are aliases of the
    # Swedish pages, in the Arabic tree.
    module = arabic.get_parent().specific
    assert module.locale.language_code == "ar"
    assert module.alias_of_id == swedish.get_parent().pk
    assert module.get_parent().specific.alias_of.slug == COACHING
    assert arabic.url.startswith("/ar/")

    # Rich text is stored in Wagtail's format and renders as HTML.
    refer = in_language(LessonPage, "en").get(slug="where-to-refer")
    source = refer.body[0].value.source
    assert "<strong>" not in source
    assert "<b>" in source
    html = refer.body[0].render()
    assert '<a href="https://www.1177.se">1177.se</a>' in html
    assert "<h2" in html
    assert "<li" in html
    callout = arabic.body[1].render()
    assert "callout--tip" in callout
    assert "<p" in callout

    # Every page's type is allowed under its parent's.
    pages = Page.objects.filter(depth__gt=1).specific().order_by("path")
    by_path = {page.path: page for page in Page.objects.all().specific()}
    for page in pages:
        parent = by_path[page.path[: -Page.steplen]]
        assert type(page) in type(parent).allowed_subpage_models(), page.url_path
        assert type(parent) in type(page).allowed_parent_page_models(), page.url_path


def test_loading_twice_creates_nothing():
    before = Page.objects.count()
    first = demo_courses_load()
    counts = (
        Page.objects.count(),
        Revision.objects.count(),
        PageLogEntry.objects.count(),
    )
    latest = dict(Page.objects.values_list("pk", "latest_revision_id"))

    second = demo_courses_load()

    assert first.created_count == counts[0] - before >= 2 * (2 + 8 + 24) + 4
    assert second.created_count == 0
    assert second.lines()[0].startswith("nothing new: ")
    assert (
        Page.objects.count(),
        Revision.objects.count(),
        PageLogEntry.objects.count(),
    ) == counts
    assert dict(Page.objects.values_list("pk", "latest_revision_id")) == latest


def test_demo_cohort_has_the_trainee_part_way_through(
    django_capture_on_commit_callbacks, mailoutbox
):
    demo_accounts_ensure()
    demo_content_ensure()

    with django_capture_on_commit_callbacks(execute=True):
        result = demo_cohort_ensure()
    again = demo_cohort_ensure()

    cohort = result.cohort
    assert result.created
    assert not again.created
    assert cohort.name == DEMO_COHORT_NAME
    assert cohort.status == cohort.Status.RUNNING
    assert (cohort.capacity, cohort.planned_participants) == (30, 82)
    assert cohort.start_date < cohort.end_date
    assert sorted(cohort.courses.values_list("slug", flat=True)) == [
        BIOPSYCHOSOCIAL,
        COACHING,
    ]
    assert all(c.locale.language_code == "sv" for c in cohort.courses.all())
    assert list(cohort.trainers.values_list("email", flat=True)) == [
        "trainer@demo.coach-academy.example"
    ]
    membership = CohortMembership.objects.get(cohort=cohort)
    assert membership.user.email == "trainee@demo.coach-academy.example"
    assert membership.status == CohortMembership.Status.ACTIVE
    # Invited through the invitation service, accepted before any e-mail left.
    assert membership.invitations.get().accepted_at is not None
    assert mailoutbox == []

    # Module 1's three lessons and the first lesson of module 2, recorded once.
    assert result.completions_created == 4
    assert again.completions_created == 0
    assert StepCompletion.objects.filter(user=membership.user).count() == 4
    progress = CourseProgress.objects.get(user=membership.user, course__slug=COACHING)
    steps = Page.objects.descendant_of(progress.course).live().filter(depth=5)
    assert (progress.steps_done, progress.steps_total) == (4, steps.count())
    assert 0 < progress.percent < 100


def test_prerequisites_are_wired_by_slug_in_each_language(tmp_path):
    course = """\
        slug: {slug}
        estimated_hours: 5
        level: introductory
        prerequisites: {prerequisites}
        sv: {{title: "Kurs {slug}", summary: "Om kursen.", learning_outcomes: [Kunna]}}
        en: {{title: "Course {slug}", summary: "About it.", learning_outcomes: [Know]}}
        modules:
          - slug: m
            unlock_in_order: false
            sv: {{title: "Modul", intro: "<p>Intro</p>"}}
            en: {{title: "Module", intro: "<p>Intro</p>"}}
            steps: []
        """
    # "advanced" comes first by name; the loader still creates "basics" first.
    write_course(
        tmp_path, "a", course.format(slug="advanced", prerequisites="[basics]")
    )
    write_course(tmp_path, "b", course.format(slug="basics", prerequisites="[]"))

    report = demo_courses_load(directory=tmp_path)

    assert report.courses == ["basics", "advanced"]
    for language in ("sv", "en"):
        courses = in_language(CoursePage, language)
        advanced, basics = courses.get(slug="advanced"), courses.get(slug="basics")
        assert list(advanced.prerequisites.all()) == [basics]
        assert not basics.prerequisites.exists()
        assert not any(m.unlock_in_order for m in in_language(ModulePage, language))


LESSON_STEP = """\
  - type: {type}
    slug: {slug}
    estimated_minutes: 5
    sv: {{title: "Lektion", body: [{{type: rich_text, value: "{html}"}}]}}
    en: {{title: "Lesson", body: [{{type: rich_text, value: "<p>Text</p>"}}]}}
"""


def one_module_course(directory, steps):
    course = textwrap.dedent(
        """\
        slug: c
        estimated_hours: 1
        level: introductory
        prerequisites: []
        sv: {title: "Kurs", summary: "Om kursen.", learning_outcomes: []}
        en: {title: "Course", summary: "About it.", learning_outcomes: []}
        modules:
          - slug: m
            unlock_in_order: true
            sv: {title: "Modul", intro: ""}
            en: {title: "Module", intro: ""}
            steps:
        """
    )
    write_course(directory, "c", course + textwrap.indent(steps, "    "))


def test_a_registered_step_loader_builds_its_kind(tmp_path, monkeypatch):
    one_module_course(
        tmp_path,
        LESSON_STEP.format(type="lesson", slug="l", html="<p>Text</p>")
        + LESSON_STEP.format(type="quiz", slug="q", html="<p>Quiz</p>"),
    )
    calls = []

    def quiz_loader(*, module_page, step_data, language, original):
        calls.append((module_page.locale.language_code, language, original))
        # Stands in for a quiz page: the lesson loader builds the page.
        return lesson_load(
            module_page=module_page,
            step_data=step_data,
            language=language,
            original=original,
        )

    loaders = {k: v for k, v in demo_loader.STEP_LOADERS.items() if k != "quiz"}
    monkeypatch.setattr(demo_loader, "STEP_LOADERS", loaders)
    skipped = demo_courses_load(directory=tmp_path)
    assert any(line.startswith("skipped 1 quiz: ") for line in skipped.lines())

    register_step_loader("quiz", quiz_loader)
    report = demo_courses_load(directory=tmp_path)

    sv_quiz = in_language(LessonPage, "sv").get(slug="q")
    assert calls == [("sv", "sv", None), ("en", "en", sv_quiz)]
    assert report.created == {("sv", "lesson"): 1, ("en", "lesson"): 1}
    module = in_language(ModulePage, "sv").get()
    assert [p.slug for p in module.get_children()] == ["l", "q"]
    with pytest.raises(ValueError, match="already registered"):
        register_step_loader("quiz", lesson_load)
    register_step_loader("quiz", quiz_loader)  # the same again: no error


def test_content_outside_the_schema_is_refused_and_nothing_is_left(tmp_path):
    one_module_course(
        tmp_path,
        LESSON_STEP.format(type="lesson", slug="l", html="<p>ok</p>")
        + LESSON_STEP.format(type="lesson", slug="bad", html="<img src=x>"),
    )
    pages = Page.objects.count()

    with pytest.raises(DemoContentError, match=r"<img> is not allowed"):
        demo_courses_load(directory=tmp_path)

    assert Page.objects.count() == pages
