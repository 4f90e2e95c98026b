"""An administrator certifies the demo cohort; anyone can check the result."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from assessments.services.practicum import practicum_session_log, practicum_session_sign
from assessments.services.results import assessment_result_record
from certificates.demo import demo_certification_ensure
from certificates.models import Certificate
from courses.demo import (
    DEMO_ACCOUNTS,
    demo_accounts_ensure,
    demo_cohort_ensure,
    demo_content_ensure,
)
from courses.models import Cohort, CoursePage
from courses.services import step_complete
from courses.steps import STEP_DEPTH, step_content_type_ids
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.test_sign_in import sign_in
from tests.mfa import enable_totp, totp_code
from users.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ACCOUNTS = {account.role: account for account in DEMO_ACCOUNTS}


def make_eligible(trainee, trainer) -> None:
    """Everything the demo rule asks for, done through the real services."""
    for course in CoursePage.objects.filter(locale__language_code="sv"):
        steps = Page.objects.live().filter(
            path__startswith=course.path,
            depth=STEP_DEPTH,
            content_type_id__in=step_content_type_ids(),
        )
        for step in steps.order_by("path").specific():
            if step.step_kind == "lesson":
                step_complete(user=trainee, step=step)
            else:
                assessment_result_record(
                    user=trainee,
                    assessment=step,
                    score=Decimal(10),
                    max_score=Decimal(10),
                    percent=Decimal(100),
                    passed=True,
                    by=trainer,
                )
    for days_ago in (3, 2):
        session = practicum_session_log(
            trainee=trainee,
            date=timezone.localdate() - datetime.timedelta(days=days_ago),
            minutes=300,
            client_code=f"K-{days_ago}",
            competencies=["solution_focused"],
            reflection="Practised scaling questions.",
        )
        practicum_session_sign(supervisor=trainer, session_id=session.pk)


@pytest.fixture
def eligible_demo():
    demo_accounts_ensure()
    demo_content_ensure()
    demo_cohort_ensure()
    certification, _ = demo_certification_ensure()
    trainee = User.objects.get(email=ACCOUNTS["trainee"].email)
    trainer = User.objects.get(email=ACCOUNTS["trainer"].email)
    make_eligible(trainee, trainer)
    return certification


def sign_in_admin(page) -> None:
    admin = User.objects.get(email=ACCOUNTS["admin"].email)
    secret = enable_totp(admin)
    sign_in(page, admin.email)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("form:has(input[name=code]) button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_issue_download_verify_and_revoke(browser, live_server, page, eligible_demo):
    cohort = Cohort.objects.get(name__startswith="Blekinge kohort 2026")

    # The administrator issues to everyone eligible in the demo cohort.
    sign_in_admin(page)
    page.goto(
        reverse("certificate_cohorts:eligibility", args=[cohort.pk, eligible_demo.pk])
    )
    page.locator("form:has(input[value=issue_all]) button").click()
    page.wait_for_load_state()
    certificate = Certificate.objects.get()
    assert certificate.pdf

    # The trainee downloads the PDF from the dashboard.
    trainee_context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    trainee_page = trainee_context.new_page()
    sign_in(trainee_page, ACCOUNTS["trainee"].email)
    trainee_page.wait_for_url(re.compile(r"/my-learning/$"))
    screenshot(trainee_page, "certificate-dashboard")
    with trainee_page.expect_download() as download:
        trainee_page.locator(f"a[href$='/certificates/{certificate.uuid}/pdf']").click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    trainee_context.close()

    # Anyone can follow the QR link and sees that it is valid.
    public = browser.new_context(base_url=live_server.url, bypass_csp=True)
    visitor = public.new_page()
    visitor.goto(f"/en/v/{certificate.code}")
    assert visitor.locator(".verdict--valid").count() == 1
    assert certificate.holder.legal_name in visitor.content()
    assert axe_violations(visitor) == []
    screenshot(visitor, "certificate-valid")

    # Revoked by the administrator: the same link now says so, with the reason.
    page.goto(reverse("certificate:detail", args=[certificate.pk]))
    page.locator("select[name=reason]").select_option("error")
    page.locator("textarea[name=public_reason]").fill("Issued by mistake.")
    page.locator("form[action$='/revoke/'] button").click()
    page.wait_for_load_state()

    visitor.goto(f"/en/v/{certificate.code}")
    assert visitor.locator(".verdict--revoked").count() == 1
    assert "Issued by mistake." in visitor.content()
    assert axe_violations(visitor) == []
    screenshot(visitor, "certificate-revoked")
    public.close()
