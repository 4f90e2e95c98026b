"""A written assignment end to end, in a browser: the trainee writes (the
draft saves itself) and hands in; the trainer grades with the rubric in the
admin; the trainee reads the feedback."""

import re
import time

import pytest
from django.core import mail
from wagtail.users.models import UserProfile

from assessments.models import Review, Submission
from courses.factories import course_page_create, module_page_create
from tests.assessments.test_assignments import make_assignment
from tests.courses.conftest import enrol
from tests.e2e.conftest import axe_violations, screenshot
from tests.mfa import enable_totp, totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(make_user):
    course = course_page_create(title="Coaching in practice")
    module = module_page_create(parent=course, unlock_in_order=False)
    page = make_assignment(module, title="Analyse a coaching process", word_limit=300)
    trainee = make_user("trainee", legal_name="Amal Trainee")
    trainee.preferred_language = "en"
    trainee.save()
    trainer = make_user("trainer", legal_name="Jonas Trainer")
    profile = UserProfile.get_for_user(trainer)
    profile.preferred_language = "en"
    profile.save()
    enrol(user=trainee, courses=[course], trainers=[trainer])
    return {
        "page": page,
        "trainee": trainee,
        "trainer": trainer,
        "secret": enable_totp(trainer),
    }


def sign_in(page, email, password, *, totp_secret=None):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    if totp_secret:
        page.wait_for_url(re.compile(r"/2fa/authenticate/"))
        page.locator("input[name=code]").fill(totp_code(totp_secret))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def wait_for_text(locator, predicate, timeout=15.0) -> str:
    """Poll a locator's text (the site's CSP forbids Playwright's eval)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = locator.inner_text()
        if predicate(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting; last text: {text!r}")


def test_trainee_hands_in_trainer_grades_trainee_reads_feedback(
    page, browser, live_server, world, password
):
    # --- the trainee writes; the draft saves itself -------------------------
    sign_in(page, world["trainee"].email, password)
    # The course exists in Swedish only, so the page is in Swedish: find
    # things by role and structure rather than by their (translated) words.
    page.goto(world["page"].url)
    assert axe_violations(page) == []
    editor = page.locator("#work [role=textbox][contenteditable=true]")
    editor.click()
    page.keyboard.type("Her resources come first: the choir and the parents' group.")
    page.keyboard.press("Enter")
    page.locator(".rich-text__toolbar button").first.click()  # bold
    page.keyboard.type("A scaling question")
    status = wait_for_text(
        page.locator("[data-autosave-status]"), lambda t: t and "…" not in t
    )
    assert "autosave-status--error" not in (
        page.locator("[data-autosave-status]").get_attribute("class")
    ), status
    draft = Submission.objects.get(user=world["trainee"])
    assert draft.status == "draft"
    assert draft.body_html.count("<p>") == 2
    assert re.search(r"<(b|strong)>A scaling question</(b|strong)>", draft.body_html)
    screenshot(page, "assignment-draft")

    page.locator("button[formaction]").click()  # "Hand in for review"
    page.wait_for_load_state()
    assert page.locator("#status .message--success").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "assignment-handed-in")

    # --- the trainer grades it with the rubric --------------------------------
    trainer_context = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        viewport={"width": 1400, "height": 1000},
    )
    trainer_page = trainer_context.new_page()
    try:
        sign_in(
            trainer_page,
            world["trainer"].email,
            password,
            totp_secret=world["secret"],
        )
        trainer_page.goto("/admin/grading/")
        assert axe_violations(trainer_page) == []
        trainer_page.get_by_role("link", name="Amal Trainee").click()
        trainer_page.wait_for_load_state()
        assert (
            "A scaling question"
            in trainer_page.locator(".submission-body").inner_text()
        )
        assert axe_violations(trainer_page) == []
        screenshot(trainer_page, "grading-screen")

        for criterion in trainer_page.locator(
            "fieldset.grading-criterion:not(.grading-decision)"
        ).all():
            criterion.get_by_text("Strong", exact=True).click()
        trainer_page.get_by_role("textbox", name="Feedback for the trainee").click()
        trainer_page.keyboard.type("Clear, kind and specific. Well done.")
        trainer_page.get_by_label("Passed").check()
        trainer_page.get_by_role("button", name="Save the grade").click()
        trainer_page.wait_for_url(re.compile(r"/admin/grading/$"))
        assert "Graded: Passed (100 %)" in trainer_page.content()
        # Wagtail's own message banner fades in (and is measured mid-fade):
        # check the queue itself, as the trainer sees it next.
        trainer_page.reload()
        assert "Nothing is waiting for review." in trainer_page.content()
        assert axe_violations(trainer_page) == []
    finally:
        trainer_context.close()

    review = Review.objects.get()
    assert (review.decision, review.percent) == ("passed", 100)
    assert "Clear, kind and specific." in review.feedback_html
    assert len(mail.outbox) == 1

    # --- the trainee reads the feedback ----------------------------------------
    page.goto(world["page"].url)
    page.locator("#status a[href*='/assignments/submissions/']").click()
    page.wait_for_load_state()
    assert (
        "Clear, kind and specific. Well done." in page.locator(".feedback").inner_text()
    )
    assert page.locator(".rubric__level--chosen").count() == 2
    assert axe_violations(page) == []
    screenshot(page, "assignment-feedback")
