"""`make demo`'s data, end to end: every report shows real numbers, and the
demo coach went the whole way from the 2025 cohort to an active placement."""

import pytest
from django.core.management import call_command
from django.utils import translation

from certificates.models import Certificate
from certificates.services.verification import VALID, certificate_verify
from courses.demo import DEMO_ACCOUNTS
from placements.demo import DEMO_COACH_EMAIL
from placements.models import Placement
from placements.selectors import my_placement, suggestions_for_organisation
from reports.demo import DEMO_COHORT_NAME
from reports.selectors import programme_report
from users.models import User

pytestmark = pytest.mark.django_db


def test_demo_seed_builds_the_whole_path_once(
    capsys, django_capture_on_commit_callbacks
):
    # The PDFs are rendered in tasks that run once the data is committed.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_seed")
    first = capsys.readouterr().out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_seed")
    again = capsys.readouterr().out

    assert "certificates issued now: 16" in first
    assert "certificates issued now: 0" in again
    assert "placements of the finished cohort made now: 4" in first
    assert "placements of the finished cohort made now: 0" in again
    assert Certificate.objects.count() == 16
    assert Placement.objects.count() == 5

    # The demo coach: completed the 2025 cohort, certified, placed.
    coach = User.objects.get(email=DEMO_COACH_EMAIL)
    assert DEMO_COACH_EMAIL in [a.email for a in DEMO_ACCOUNTS if a.role == "coach"]
    assert coach.memberships.get().cohort.name == DEMO_COHORT_NAME
    certificate = Certificate.objects.get(holder=coach)
    assert certificate.pdf
    assert certificate_verify(credential=certificate.credential).status == VALID
    placement = my_placement(user=coach)
    assert placement.status == Placement.Status.ACTIVE
    assert placement.organisation.name == "Försäkringskassan Ronneby"
    # The demo trainee is still part-way, and uncertified.
    trainee = User.objects.get(email="trainee@demo.coach-academy.example")
    assert not Certificate.objects.filter(holder=trainee).exists()

    report = programme_report()
    scope = next(s for s in report.scopes if s.label == DEMO_COHORT_NAME)
    funnel, hours, outcomes = scope.tables[0], scope.tables[1], scope.tables[2]
    # 20 invited + the coach; 2 never joined; 3 withdrew; the rest certified;
    # five placed (the coach and four from the outcomes table).
    assert [funnel.row(key).cells[0].value for key in ("invited", "participants")] == [
        21,
        19,
    ]
    assert funnel.row("finished").cells[0].value == 16
    assert funnel.row("certified").cells[0].value == 16
    assert funnel.row("placed").cells[0].value == 5
    assert hours.row("learning").cells[0].value > 0
    assert hours.row("practicum").cells[0].value == 404 + 24
    # As MIA Östra Södertörn saw: men logged more practice hours than women.
    women, men = hours.row("practicum").cells[1], hours.row("practicum").cells[2]
    assert men.value / men.people > women.value / women.people
    assert outcomes.row("in_work").cells[0].shown == "5"
    assert outcomes.row("in_placement").cells[0].shown == "<5"  # three and the coach
    overview = {row.label: [c.shown for c in row.cells] for row in report.overview.rows}
    assert overview[DEMO_COHORT_NAME] == ["24", "21", "19", "16", "16", "5"]
    # 19 + the demo trainee and her nine classmates in the running cohort.
    total = report.scope("total").tables[0]
    assert total.row("participants").cells[0].shown == "29"

    # Once placed, the coach is no longer suggested to others.
    with translation.override("en"):
        others = suggestions_for_organisation(organisation=placement.organisation)
    assert coach.pk not in [s.id for s in others]
