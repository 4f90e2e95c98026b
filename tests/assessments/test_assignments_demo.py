"""The demo: one assignment per course from the YAML, and practicum sessions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from wagtail.models import Locale

from assessments.demo import demo_practicum_ensure
from assessments.models import AssignmentPage, PracticumSession
from assessments.selectors.practicum import signed_practicum_hours
from courses.demo import (
    DEMO_ACCOUNTS,
    demo_accounts_ensure,
    demo_cohort_ensure,
    demo_content_ensure,
)
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo_accounts_ensure()
    report = demo_content_ensure()
    demo_cohort_ensure()
    return report


def test_each_demo_course_has_one_assignment_in_every_language(demo):
    assert not demo.skipped.get("assignment")
    originals = AssignmentPage.objects.filter(locale__language_code="sv")
    assert originals.count() == 2
    for original in originals:
        english = original.get_translation(
            Locale.objects.get(language_code="en")
        ).specific
        sv_rubric, en_rubric = original.rubric_snapshot(), english.rubric_snapshot()
        # The same ids and points in both languages; only the words differ.
        assert [c["id"] for c in sv_rubric["criteria"]] == [
            c["id"] for c in en_rubric["criteria"]
        ]
        for sv, en in zip(sv_rubric["criteria"], en_rubric["criteria"], strict=True):
            assert [(lv["id"], lv["points"]) for lv in sv["levels"]] == [
                (lv["id"], lv["points"]) for lv in en["levels"]
            ]
            assert sv["title"] != en["title"]
        assert original.pass_threshold_percent == Decimal(60)
        assert original.word_limit == 1500
        assert original.allow_files
        assert original.due_days_after_start

    again = demo_content_ensure()
    assert again.created_count == 0
    assert AssignmentPage.objects.count() == 4


def test_the_demo_trainee_has_practicum_sessions_part_way(demo):
    assert demo_practicum_ensure() == 5
    assert demo_practicum_ensure() == 0  # idempotent

    trainee = User.objects.get(
        email=next(a.email for a in DEMO_ACCOUNTS if a.role == "trainee")
    )
    statuses = sorted(
        PracticumSession.objects.filter(trainee=trainee).values_list(
            "status", flat=True
        )
    )
    assert statuses == ["logged", "returned", "signed", "signed", "signed"]
    assert signed_practicum_hours(user_ids=[trainee.pk]) == {
        trainee.pk: Decimal("3.75")
    }
