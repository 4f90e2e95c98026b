import datetime

import pytest

from courses.models import CohortMembership
from placements.services import placement_activate, placement_agree
from reports.services import outcome_record
from tests.placements.helpers import (
    certification_create,
    cohort_create,
    complete_course,
    course_with_lessons,
    join,
    organisation_create,
    propose,
)

Status = CohortMembership.Status


@pytest.fixture(autouse=True)
def _private_dirs(settings, tmp_path):
    """Signing keys, certificate PDFs and export files in a temporary directory."""
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "keys")
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def signing_key(db):
    from certificates.services import signing_key_create

    return signing_key_create().key


@pytest.fixture
def course(db):
    # Two lessons of 30 minutes each.
    return course_with_lessons(title="Person-centred coaching", lessons=2)


@pytest.fixture
def certify(signing_key, course, programme_admin):
    from certificates.services import certificate_issue

    certification = certification_create(courses=[course])

    def issue(user):
        return certificate_issue(
            certification=certification, holder=user, issued_by=programme_admin
        )

    return issue


# (gender, birth year, what they did) for the main cohort, which starts in 2025:
# born 2003 → under 25, 1985 → 25 to 54, 1965 → 55 and over.
PEOPLE = [
    ("woman", 1985, "placed"),
    ("woman", 1985, "placed"),
    ("woman", 2003, "certified"),
    ("woman", 1985, "certified"),
    ("woman", 1965, "certified"),
    ("woman", 1985, "finished"),
    ("woman", None, "started"),
    ("man", 1985, "certified"),
    ("man", 2003, "finished"),
    ("man", 1965, "finished"),
    ("man", 1985, "started"),
    ("other", 1985, "withdrew"),
    ("", 1985, "invited"),
    ("prefer_not_to_say", 2003, "invited"),
]


@pytest.fixture
def world(make_user, course, certify, programme_admin):
    """A cohort of 14 invited people, 12 of whom joined, and a second cohort of
    six (one of them from the first)."""
    cohort = cohort_create(
        courses=[course],
        name="Blekinge kohort 2025",
        start=datetime.date(2025, 9, 1),
        planned_participants=20,
    )
    organisation = organisation_create(places=5)
    users = []
    for n, (gender, born, done) in enumerate(PEOPLE):
        user = make_user(
            "trainee", legal_name=f"Participant {n}", gender=gender, birth_year=born
        )
        users.append(user)
        if done == "invited":
            join(cohort=cohort, user=user, status=Status.INVITED)
            continue
        status = Status.WITHDRAWN if done == "withdrew" else Status.ACTIVE
        join(cohort=cohort, user=user, status=status)
        if done in ("placed", "certified", "finished"):
            complete_course(user=user, course=course)
        if done in ("placed", "certified"):
            certify(user)
        if done == "placed":
            placement = propose(coach=user, organisation=organisation)
            placement_activate(placement=placement_agree(placement=placement))
    kinds = [
        "in_placement",
        "in_placement",
        "in_work",
        "in_work",
        "in_studies",
        "job_seeker",
        "job_seeker",
        "in_work",
        "other",
        "unknown",
    ]
    for user, kind in zip(users, kinds, strict=False):
        outcome_record(
            participant=user,
            cohort=cohort,
            stage="exit",
            kind=kind,
            date=datetime.date(2026, 2, 1),
            by=programme_admin,
        )
    outcome_record(
        participant=users[0],
        cohort=cohort,
        stage="follow_up",
        kind="in_work",
        date=datetime.date(2026, 8, 1),
    )
    later = cohort_create(
        courses=[course], name="Blekinge kohort 2026", start=datetime.date(2026, 9, 1)
    )
    join(cohort=later, user=users[10])  # also in the first cohort
    newcomers = [
        make_user("trainee", legal_name=f"Newcomer {n}", gender="woman")
        for n in range(5)
    ]
    for newcomer in newcomers:
        join(cohort=later, user=newcomer)
    return {"cohort": cohort, "later": later, "users": users, "newcomers": newcomers}
