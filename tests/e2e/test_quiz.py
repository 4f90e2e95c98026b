import re

import pytest

from assessments.models import AssessmentResult, QuizAttempt, QuizPage
from courses.demo import (
    DEMO_ACCOUNTS,
    demo_accounts_ensure,
    demo_cohort_ensure,
    demo_content_ensure,
)
from courses.models import StepCompletion
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TRAINEE = next(a for a in DEMO_ACCOUNTS if a.role == "trainee")
# The first module's quiz: the demo trainee has done every lesson before it.
FIRST_QUIZ = "foundations-of-person-centred-coaching-quiz"


@pytest.fixture
def quiz():
    demo_accounts_ensure()
    demo_content_ensure()
    demo_cohort_ensure()
    return QuizPage.objects.get(slug=FIRST_QUIZ, locale__language_code="sv")


def open_attempt() -> QuizAttempt:
    return QuizAttempt.objects.get(status=QuizAttempt.Status.IN_PROGRESS)


def answer_correctly(page, attempt: QuizAttempt) -> None:
    """Click and type the right answers, as a trainee who studied would."""
    for question in attempt.questions:
        name = f"q-{question['id']}"
        qtype = question["type"]
        if qtype in ("single_choice", "multiple_choice"):
            for option in question["options"]:
                box = page.locator(f"input[name='{name}'][value='{option['id']}']")
                if option["correct"]:
                    box.check()
                elif qtype == "multiple_choice":
                    box.uncheck()
        elif qtype == "true_false":
            value = "true" if question["correct"] else "false"
            page.locator(f"input[name='{name}'][value='{value}']").check()
        elif qtype == "short_text":
            page.locator(f"input[name='{name}']").fill(question["accepted_answers"][0])
        elif qtype == "ordering":
            for position, item in enumerate(question["items"], start=1):
                page.locator(f"select[name='{name}-{item['id']}']").select_option(
                    str(position)
                )
        elif qtype == "reflection":
            page.locator(f"textarea[name='{name}']").fill(
                "A neighbour who taught maths every week."
            )


def test_the_demo_trainee_fails_a_quiz_retries_and_passes(page, quiz):
    sign_in(page, TRAINEE.email)
    page.wait_for_url(re.compile(r"/my-learning/$"))

    page.goto(quiz.get_url())
    assert axe_violations(page) == []
    page.locator("#quiz-attempt form button[type=submit]").click()
    page.wait_for_selector("#quiz-form")
    assert axe_violations(page) == []
    screenshot(page, "quiz-attempt-form")

    # First attempt: one answer, submitted too soon.
    first = open_attempt()
    single = next(q for q in first.questions if q["type"] == "single_choice")
    wrong = next(o for o in single["options"] if not o["correct"])
    page.locator(f"input[value='{wrong['id']}']").check()
    page.locator("[data-quiz-submit]").click()
    page.wait_for_url(re.compile(r"/quiz-attempts/\d+/$"))
    assert page.locator(".quiz-score h2").inner_text()
    assert "100" not in page.locator(".quiz-score__numbers").inner_text()
    # This quiz shows feedback right away: the chosen option's explanation.
    assert wrong["feedback"] in page.locator(".quiz-review").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "quiz-attempt-failed")

    # Second attempt: answers are saved as the trainee goes...
    page.locator(".quiz-score form button[type=submit]").click()
    page.wait_for_selector("#quiz-form")
    second = open_attempt()
    assert second.number == 2
    answer_correctly(page, second)
    status = page.locator("[data-save-status]")
    expected = page.locator("#quiz-form").get_attribute("data-msg-saved")
    page.wait_for_function(
        "([el, text]) => el.textContent === text",
        arg=[status.element_handle(), expected],
    )
    second.refresh_from_db()
    assert len(second.answers) == len(second.questions)

    # ...so a reload loses nothing.
    page.reload()
    page.wait_for_selector("#quiz-form")
    checked = page.locator("#quiz-form input:checked").count()
    assert checked >= 4
    screenshot(page, "quiz-attempt-answered")

    page.locator("[data-quiz-submit]").click()
    page.wait_for_url(re.compile(r"/quiz-attempts/\d+/$"))
    assert "100" in page.locator(".quiz-score__numbers").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "quiz-attempt-passed")

    result = AssessmentResult.objects.get(assessment=quiz)
    assert result.passed is True
    assert StepCompletion.objects.filter(step=quiz).exists()
    assert QuizAttempt.objects.filter(status=QuizAttempt.Status.SUBMITTED).count() == 2

    page.goto(quiz.get_url())
    assert page.locator(".quiz-result.message--success").count() == 1
    assert axe_violations(page) == []
