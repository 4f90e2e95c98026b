import pytest
from django.utils import translation

from certificates.services import certificate_issue
from courses.demo import (
    demo_accounts_ensure,
    demo_cohort_ensure,
    demo_content_ensure,
)
from placements.demo import DEMO_COACH_EMAIL, demo_placements_ensure
from placements.selectors import my_placement, suggestions_for_organisation
from reports.demo import DEMO_COHORT_NAME, demo_reports_ensure
from reports.selectors import programme_report
from tests.placements.helpers import (
    certification_create,
    complete_course,
    course_with_lessons,
)
from users.models import User

pytestmark = pytest.mark.django_db


def certify_demo_coach(signing_key, admin):
    """Stand-in for the certificates demo: the demo trainee is certified for a
    short course of its own."""
    coach = User.objects.get(email=DEMO_COACH_EMAIL)
    course = course_with_lessons(title="Certification course", lessons=1)
    complete_course(user=coach, course=course)
    certification = certification_create(courses=[course])
    certificate_issue(certification=certification, holder=coach, issued_by=admin)
    return coach


def test_the_demo_gives_every_report_real_numbers(signing_key):
    demo_accounts_ensure()
    demo_content_ensure()
    demo_cohort_ensure()
    admin = User.objects.get(email="admin@demo.coach-academy.example")
    coach = certify_demo_coach(signing_key, admin)

    placed = demo_placements_ensure()
    first = demo_reports_ensure()
    again = demo_reports_ensure()
    assert demo_placements_ensure().coach_note == "already placed"

    assert placed.coach_note == "placed"
    placement = my_placement(user=coach)
    assert placement.organisation.name == "Försäkringskassan Ronneby"
    assert first.created
    assert not again.created
    assert first.people_created == 20
    assert again.people_created == 0
    assert again.steps_done == again.outcomes == 0

    report = programme_report()
    scope = next(s for s in report.scopes if s.label == DEMO_COHORT_NAME)
    funnel, hours, outcomes = scope.tables[0], scope.tables[1], scope.tables[2]
    assert [c.value for c in funnel.row("invited").cells][:5] == [20, 11, 7, 1, 1]
    assert funnel.row("participants").cells[0].value == 18
    assert funnel.row("finished").cells[0].value == 15
    assert hours.row("learning").cells[0].value > 0
    assert hours.row("practicum").cells[0].value == 404
    # As MIA Östra Södertörn saw: men logged more practice hours than women.
    women, men = hours.row("practicum").cells[1], hours.row("practicum").cells[2]
    assert men.value / men.people > women.value / women.people
    assert outcomes.row("in_work").cells[0].shown == "5"
    assert outcomes.row("participants").cells[0].shown == "18"
    total = report.scope("total").tables[0]
    # 18 + the demo trainee and her nine classmates in the running cohort.
    assert first.classmates_added == 9
    assert again.classmates_added == 0
    assert total.row("participants").cells[0].shown == "28"
    assert total.row("placed").cells[0].shown == "<5"
    overview = {row.label: [c.shown for c in row.cells] for row in report.overview.rows}
    assert overview[DEMO_COHORT_NAME] == ["24", "20", "18", "15", "0", "0"]
    assert overview["Blekinge kohort 2026"] == ["82", "10", "10", "0", "<5", "<5"]

    # The demo organisations suggest the demo coach's kind of match.
    with translation.override("en"):
        ronneby = placement.organisation
        other = suggestions_for_organisation(organisation=ronneby)
    assert coach.pk not in [s.id for s in other]  # already placed
