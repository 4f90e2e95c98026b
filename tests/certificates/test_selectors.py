"""The eligibility adapter, the dashboard panel and who holds a certificate."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from certificates.models import Certificate
from certificates.selectors import (
    assessment_content_type_ids,
    cohort_eligibility,
    dashboard_certificates,
    eligibility_for,
    eligible_user_ids,
    ever_certified,
    valid_certificate_holders,
)
from certificates.services import certificate_reissue, certificate_revoke
from tests.certificates.helpers import cohort_for, complete_course

pytestmark = pytest.mark.django_db


def _trainees(make_user, courses, count, *, done=True):
    users = [make_user("trainee") for _ in range(count)]
    cohort = cohort_for(courses=courses, members=users)
    if done:
        for user in users:
            for course in courses:
                complete_course(user=user, course=course)
    return cohort, users


@pytest.mark.parametrize("count", [3, 30])
def test_eligibility_takes_the_same_queries_for_3_or_30_trainees(
    make_user, two_courses, certification, ledger, count, django_assert_num_queries
):
    certification.min_practicum_hours = Decimal("10")
    certification.save()
    _, users = _trainees(make_user, two_courses, count, done=False)
    for user in users[:2]:
        ledger.hours[user.pk] = Decimal("10")

    assessment_content_type_ids()  # cached for the process, like the step types
    # certification courses, assessments, steps, titles, progress (the two
    # ledger readers are stand-ins here and run their own queries).
    with translation.override("en"), django_assert_num_queries(5):
        results = eligibility_for(
            certification=certification, user_ids=[u.pk for u in users]
        )

    assert len(results) == count
    assert not any(result.met for result in results.values())
    assert ledger.calls == ["hours"]


def test_each_requirement_is_checked_and_said_in_words(
    make_user, two_courses, certification, ledger
):
    certification.min_practicum_hours = Decimal("10")
    certification.save()
    user = make_user("trainee")
    cohort_for(courses=two_courses, members=[user])
    complete_course(user=user, course=two_courses[0])
    ledger.hours[user.pk] = Decimal("6.5")

    with translation.override("en"):
        result = eligibility_for(certification=certification, user_ids=[user.pk])[
            user.pk
        ]

    assert not result.met
    assert [(item.kind, item.met) for item in result.items] == [
        ("course", True),
        ("course", False),
        ("practicum", False),
    ]
    assert [item.detail.default for item in result.missing] == [
        "The biopsychosocial model: 0 of 2 steps done",
        "6.5 of 10 practicum hours signed",
    ]


def test_assessments_default_to_every_graded_step_of_the_courses(
    make_user, two_courses, certification, ledger, monkeypatch
):
    """Blank "required assessments" means every quiz and assignment in the courses."""
    from django.contrib.contenttypes.models import ContentType

    from certificates import selectors
    from courses.models import LessonPage

    # Until the quiz page type exists, treat lessons as graded steps.
    lesson_type = ContentType.objects.get_for_model(LessonPage).pk
    monkeypatch.setattr(
        selectors, "assessment_content_type_ids", lambda: frozenset({lesson_type})
    )
    user = make_user("trainee")
    cohort_for(courses=two_courses, members=[user])
    for course in two_courses:
        complete_course(user=user, course=course)
    lessons = list(LessonPage.objects.live().order_by("path"))
    ledger.passed[user.pk] = {lessons[0].translation_key}

    result = eligibility_for(certification=certification, user_ids=[user.pk])[user.pk]

    assessments = [item for item in result.items if item.kind == "assessment"]
    assert len(assessments) == 4
    assert [item.met for item in assessments] == [True, False, False, False]
    assert ledger.calls == ["passed"]

    # Choosing assessments replaces the default.
    certification.required_assessments.set([lessons[0]])
    result = eligibility_for(certification=certification, user_ids=[user.pk])[user.pk]
    assert result.met


def test_translations_count_as_their_original(
    make_user, certification, two_courses, ledger
):
    """Progress recorded against the original course meets the rule in any language."""
    user = make_user("trainee")
    cohort_for(courses=two_courses, members=[user])
    for course in two_courses:
        complete_course(user=user, course=course)

    with translation.override("ar"):
        result = eligibility_for(certification=certification, user_ids=[user.pk])

    assert result[user.pk].met


def test_eligible_user_ids_leave_out_holders(
    issue, make_user, two_courses, certification, ledger
):
    cohort, users = _trainees(make_user, two_courses, 3)
    issue(holder=users[0], certification=certification)

    assert eligible_user_ids(cohort=cohort, certification=certification) == [
        users[1].pk,
        users[2].pk,
    ]


def test_cohort_eligibility_rows(issue, make_user, two_courses, certification, ledger):
    cohort, users = _trainees(make_user, two_courses, 2)
    slow = make_user("trainee", legal_name="Aaron Slow")
    cohort.memberships.create(user=slow, status="active")
    issue(holder=users[0], certification=certification)

    with translation.override("en"):
        rows = cohort_eligibility(cohort=cohort, certification=certification)

    by_user = {row.user.pk: row for row in rows}
    assert by_user[users[0].pk].certificate is not None
    assert by_user[users[1].pk].eligibility.met
    assert not by_user[slow.pk].eligibility.met
    assert by_user[slow.pk].checklist[0]["detail"].endswith("0 of 2 steps done")


def test_the_dashboard_shows_a_checklist_then_the_certificate(
    issue, make_user, two_courses, certification, ledger
):
    user = make_user("trainee", preferred_language="en")
    cohort_for(courses=two_courses, members=[user])
    complete_course(user=user, course=two_courses[0])
    request = RequestFactory().get("/en/my-learning/")
    request.user = user

    with translation.override("en"):
        panel = dashboard_certificates(user=user)
        html = render_to_string(
            "certificates/includes/dashboard_panel.html",
            {"certificate_panel": panel},
            request=request,
        )
    assert [item.name for item in panel] == ["Certified wellbeing coach"]
    assert not panel[0].met
    assert "The biopsychosocial model: 0 of 2 steps done" in html
    assert "Coaching basics: completed" in html

    complete_course(user=user, course=two_courses[1])
    certificate = issue(holder=user, certification=certification)
    with translation.override("en"):
        panel = dashboard_certificates(user=user)
        html = render_to_string(
            "certificates/includes/dashboard_panel.html",
            {"certificate_panel": panel},
            request=request,
        )
    assert panel[0].certificate == certificate
    assert f"/en/certificates/{certificate.uuid}/credential.json" in html
    assert "being prepared" in html  # the PDF comes from a task
    assert f"/en/v/{certificate.code}" in html


def test_the_dashboard_is_empty_outside_a_cohort(make_user, certification):
    assert dashboard_certificates(user=make_user("trainee")) == []


def test_the_real_assessment_ledger_is_read(make_user, two_courses, certification):
    """No stand-ins: no signed practicum hours means the practicum is missing."""
    certification.min_practicum_hours = Decimal("10")
    certification.save()
    user = make_user("trainee")
    cohort_for(courses=two_courses, members=[user])
    for course in two_courses:
        complete_course(user=user, course=course)

    with translation.override("en"):
        result = eligibility_for(certification=certification, user_ids=[user.pk])[
            user.pk
        ]

    assert not result.met
    assert [item.detail.default for item in result.missing] == [
        "0 of 10 practicum hours signed"
    ]


def test_a_valid_certificate_is_in_force_not_revoked_superseded_or_expired(
    make_user,
    two_courses,
    certification,
    ledger,
    issue,
    programme_admin,
    django_assert_num_queries,
):
    _, users = _trainees(make_user, two_courses, 5)
    valid, revoked, reissued, expired, _uncertified = users
    issued = {
        user: issue(holder=user, certification=certification)
        for user in (valid, revoked, reissued, expired)
    }
    certificate_revoke(
        certificate=issued[revoked],
        reason="error",
        public_reason="",
        by=programme_admin,
    )
    certificate_reissue(certificate=issued[reissued], by=programme_admin)
    Certificate.objects.filter(pk=issued[expired].pk).update(
        valid_until=timezone.now() - datetime.timedelta(days=1)
    )
    user_ids = [user.pk for user in users]

    with django_assert_num_queries(1):
        holders = valid_certificate_holders(user_ids=user_ids)
    assert holders == {valid.pk, reissued.pk}
    assert (
        valid_certificate_holders(user_ids=user_ids, on=datetime.date(2000, 1, 1))
        == set()
    )
    # The funnel counts anyone certified once, unless the certificate was revoked.
    assert ever_certified(user_ids=user_ids) == {valid.pk, reissued.pk, expired.pk}
