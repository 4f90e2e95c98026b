import pytest

from tests.placements.helpers import (
    certification_create,
    cohort_create,
    complete_course,
    course_with_lessons,
    join,
    organisation_create,
    set_profile,
)


@pytest.fixture(autouse=True)
def _certificate_dirs(settings, tmp_path):
    """Signing keys and PDFs in a temporary directory; a fixed public origin."""
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
    return course_with_lessons(title="Person-centred coaching")


@pytest.fixture
def cohort(course):
    return cohort_create(courses=[course], name="Blekinge 2026")


@pytest.fixture
def certification(course):
    return certification_create(courses=[course])


@pytest.fixture
def make_coach(make_user, cohort, course, certify):
    """A trainee who finished the course; ``certified`` issues their certificate."""

    def make(*, languages=(), municipality="", certified=True, **user_fields):
        user = make_user("trainee", **user_fields)
        set_profile(user, languages=languages, municipality=municipality)
        join(cohort=cohort, user=user)
        complete_course(user=user, course=course)
        if certified:
            certify(user)
        return user

    return make


@pytest.fixture
def certify(signing_key, certification, programme_admin):
    """Issue a certificate through ``certificate_issue`` (tasks after commit
    are not run: no PDF is needed here)."""
    from certificates.services import certificate_issue

    def issue(user):
        return certificate_issue(
            certification=certification, holder=user, issued_by=programme_admin
        )

    return issue


@pytest.fixture
def coach(make_coach):
    return make_coach(
        languages=["ar", "ti", "sv"],
        municipality="Ronneby",
        legal_name="Amal Haddad",
    )


@pytest.fixture
def organisation(db):
    return organisation_create(
        name="Försäkringskassan Ronneby",
        kind="social_insurance",
        municipality="Ronneby",
        languages=["ar", "ti", "so"],
        places=1,
    )


def staff_login(client, user):
    """Sign ``user`` in to the admin (MFA set up) with the admin in English."""
    from wagtail.users.models import UserProfile

    from tests.mfa import enable_totp

    enable_totp(user)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(client, programme_admin):
    return staff_login(client, programme_admin)
