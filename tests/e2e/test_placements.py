"""From a certified coach to an active placement, and the funder's figures.

An administrator finds a match for an organisation, places the demo coach,
opens the programme dashboard and downloads its CSV; the coach then sees
the placement on her dashboard.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.utils import translation

from certificates.demo import demo_certification_ensure
from certificates.services import certificate_issue
from courses.demo import (
    DEMO_ACCOUNTS,
    demo_accounts_ensure,
    demo_cohort_ensure,
    demo_content_ensure,
)
from placements.demo import DEMO_COACH_ORGANISATION, demo_organisations_ensure
from placements.models import PartnerOrganisation, Placement
from reports.demo import demo_reports_ensure
from reports.selectors import programme_report
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.test_certificates import sign_in_admin
from tests.e2e.test_sign_in import sign_in
from users.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ACCOUNTS = {account.role: account for account in DEMO_ACCOUNTS}


@pytest.fixture
def certified_coach():
    """The demo as ``make demo`` builds it, up to the coach's placement: she
    finished the 2025 cohort and holds the certificate, unplaced."""
    demo_accounts_ensure()
    demo_content_ensure()
    demo_cohort_ensure()
    certification, _ = demo_certification_ensure()
    demo_reports_ensure()
    demo_organisations_ensure()
    coach = User.objects.get(email=ACCOUNTS["coach"].email)
    admin = User.objects.get(email=ACCOUNTS["admin"].email)
    certificate_issue(certification=certification, holder=coach, issued_by=admin)
    return coach


def _funnel_row(rows: list[list[str]], label: str) -> list[str]:
    return next(row for row in rows if row and row[0] == label)


def test_match_place_and_report(browser, live_server, page, certified_coach):
    coach = certified_coach
    organisation = PartnerOrganisation.objects.get(name=DEMO_COACH_ORGANISATION)
    placed_before = programme_report().scope("total").tables[0].row("placed")
    assert placed_before.cells[0].shown == "0"
    sign_in_admin(page)

    # Matching starts from the suggestions: the organisation's page ranks the
    # certified coaches, with the reason in words.
    page.goto("/admin/placements/suggestions/")
    page.locator(
        f"a[href='/admin/partner_organisations/{organisation.pk}/suggestions/']"
    ).click()
    page.wait_for_url(re.compile(rf"/partner_organisations/{organisation.pk}/"))
    first = page.locator("table.listing tbody tr").first
    assert coach.legal_name in first.inner_text()
    reason = first.locator("td").nth(2).inner_text()
    assert "Ronneby" in reason
    assert axe_violations(page) == []
    screenshot(page, "placement-suggestions")

    # Propose her: the form arrives with coach and organisation chosen.
    first.locator("a.button").click()
    page.wait_for_url(re.compile(r"/admin/placements/new/"))
    assert page.locator("select[name=coach]").input_value() == str(coach.pk)
    assert page.locator("select[name=organisation]").input_value() == str(
        organisation.pk
    )
    page.locator("textarea[name=role_description]").fill(
        "Wellbeing conversations in Tigrinya and Arabic with people on sick leave."
    )
    page.locator("input[name=start_date]").fill("2026-12-01")
    page.locator("input[name=hours_per_week]").fill("20")
    page.locator("input[name=supervisor_name]").fill("Lars Nyström")
    page.locator("form[action*='/placements/new/'] button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/placements/(edit/\d+/)?$"))
    placement = Placement.objects.get(coach=coach)
    assert placement.status == Placement.Status.PROPOSED
    screenshot(page, "placement-proposed")

    # From the list, open it; agree, then start, with the header's buttons.
    page.locator(f"a[href='/admin/placements/edit/{placement.pk}/']").first.click()
    page.wait_for_url(re.compile(rf"/admin/placements/edit/{placement.pk}/"))

    for action, status in (
        ("agree", Placement.Status.AGREED),
        ("activate", Placement.Status.ACTIVE),
    ):
        page.locator(f"a[href='/admin/placements/{placement.pk}/{action}/']").click()
        page.wait_for_url(re.compile(rf"/admin/placements/{placement.pk}/{action}/"))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/admin/placements/edit/{placement.pk}/"))
        placement.refresh_from_db()
        assert placement.status == status
    screenshot(page, "placement-active")

    # The programme dashboard counts her as placed; the CSV says the same.
    page.goto("/admin/programme_reports/")
    assert axe_violations(page) == []
    screenshot(page, "programme-dashboard")
    # The admin speaks the administrator's language; so does the CSV.
    admin = User.objects.get(email=ACCOUNTS["admin"].email)
    with translation.override(admin.preferred_language):
        report = programme_report()
        funnel = report.scope("total").tables[0]
        placed_label = funnel.row("placed").label
        placed_shown = [cell.shown for cell in funnel.row("placed").cells]
    # One person: shown as "<5" (it was "0" before), in every table alike.
    assert placed_shown[0] == "<5"
    with page.expect_download() as download:
        page.locator(
            "a[href='/admin/programme_reports/csv/funnel/?cohort=total']"
        ).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert _funnel_row(rows, placed_label)[1 : 1 + len(placed_shown)] == placed_shown

    # The coach sees where she works, and with whom.
    coach_context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    coach_page = coach_context.new_page()
    sign_in(coach_page, coach.email)
    coach_page.wait_for_url(re.compile(r"/my-learning/$"))
    panel = coach_page.locator("section", has_text=organisation.name)
    assert "Lars Nyström" in panel.inner_text()
    assert axe_violations(coach_page) == []
    screenshot(coach_page, "coach-dashboard")
    coach_context.close()
