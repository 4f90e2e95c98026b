"""Quiz content: question blocks, and the quizzes of the demo courses."""

from decimal import Decimal

import pytest
import yaml

from assessments import grading
from assessments.models import QuizPage
from assessments.quiz_content import QuizContentError, questions_stream, stable_id
from courses.demo_loader import CONTENT_DIR, demo_courses_load
from courses.models import ModulePage

pytestmark = pytest.mark.django_db


def yaml_quizzes() -> dict[str, dict]:
    quizzes = {}
    for path in sorted(CONTENT_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for module in data["modules"]:
            for step in module["steps"]:
                if step["type"] == "quiz":
                    quizzes[step["slug"]] = step
    return quizzes


def test_every_demo_module_gets_its_quiz_in_both_languages():
    report = demo_courses_load()

    assert not report.skipped.get("quiz")
    steps = yaml_quizzes()
    modules = ModulePage.objects.filter(locale__language_code="sv")
    for module in modules:
        assert QuizPage.objects.child_of(module).live().count() == 1
    swedish = QuizPage.objects.filter(locale__language_code="sv")
    assert sorted(q.slug for q in swedish) == sorted(steps)
    for original in swedish:
        step = steps[original.slug]
        english = original.get_translation(
            QuizPage.objects.filter(locale__language_code="en").first().locale
        ).specific
        sv, en = original.questions_snapshot(), english.questions_snapshot()
        for question in sv + en:
            grading.validate_question(question)
        assert [q["id"] for q in sv] == [q["id"] for q in en]
        for a, b in zip(sv, en, strict=True):
            assert [o["id"] for o in a.get("options", [])] == [
                o["id"] for o in b.get("options", [])
            ]
            assert [i["id"] for i in a.get("items", [])] == [
                i["id"] for i in b.get("items", [])
            ]
        assert sv[0]["prompt"] != en[0]["prompt"]
        assert english.title == step["en"]["title"]
        assert original.pass_mark_percent == Decimal(step["pass_mark"])
        assert original.attempts_allowed == step["attempts_allowed"]
        assert original.time_limit_minutes == step["time_limit_minutes"]
        assert original.feedback_policy == step["feedback"]
        assert original.shuffle_questions is bool(step["shuffle"])
        # The last step of its module.
        assert original.get_next_siblings().count() <= 1


def test_loading_again_changes_nothing():
    demo_courses_load()
    before = QuizPage.objects.count()

    report = demo_courses_load()

    assert QuizPage.objects.count() == before
    assert report.created_count == 0


def test_ids_are_stable_for_the_same_slug_and_position():
    assert stable_id("quiz-a", 0) == stable_id("quiz-a", 0)
    assert stable_id("quiz-a", 0) != stable_id("quiz-a", 1)
    assert stable_id("quiz-a", 0, 1) != stable_id("quiz-b", 0, 1)


@pytest.mark.parametrize(
    "question",
    [
        {
            "type": "single_choice",
            "prompt": "Two right?",
            "options": [
                {"text": "a", "correct": True},
                {"text": "b", "correct": True},
            ],
        },
        {
            "type": "multiple_choice",
            "prompt": "None right?",
            "options": [
                {"text": "a", "correct": False},
                {"text": "b", "correct": False},
            ],
        },
        {"type": "ordering", "prompt": "One item?", "items": ["only"]},
        {"type": "short_text", "prompt": "No answers?", "accepted_answers": []},
        {"type": "essay", "prompt": "Unknown type"},
    ],
)
def test_questions_that_cannot_be_graded_are_refused(question):
    with pytest.raises(QuizContentError):
        questions_stream([question], slug="broken")


def test_editors_can_open_a_new_and_an_existing_quiz_in_the_admin(
    client, programme_admin
):
    from django.urls import reverse
    from wagtail.users.models import UserProfile

    from tests.assessments.quizzes import build_quiz
    from tests.mfa import enable_totp

    quiz = build_quiz()
    enable_totp(programme_admin)
    profile = UserProfile.get_for_user(programme_admin)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(programme_admin)
    module = quiz.get_parent()

    new = client.get(
        reverse("wagtailadmin_pages:add", args=["assessments", "quizpage", module.pk])
    )
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]))

    assert new.status_code == 200
    assert edit.status_code == 200
    body = edit.content.decode()
    assert "Quiz rules" in body
    assert "Where does person-centred work start?" in body
