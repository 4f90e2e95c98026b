import importlib
import sys
import types
from decimal import Decimal

import pytest

from tests.certificates.helpers import (
    certification_create,
    cohort_for,
    complete_course,
    course_with_lessons,
)


@pytest.fixture(autouse=True)
def _certificate_dirs(settings, tmp_path):
    """Keys and PDFs in a temporary directory; a fixed public origin."""
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "keys")
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def signing_key(db):
    from certificates.services import signing_key_create

    return signing_key_create().key


class AssessmentLedger:
    """Stands in for the assessments app's two ledger readers."""

    def __init__(self):
        self.passed: dict[int, set] = {}
        self.hours: dict[int, Decimal] = {}
        self.calls: list[str] = []

    def passed_assessment_keys(self, *, user_ids):
        self.calls.append("passed")
        return {u: set(self.passed.get(u, set())) for u in user_ids if u in self.passed}

    def signed_practicum_hours(self, *, user_ids):
        self.calls.append("hours")
        return {u: self.hours[u] for u in user_ids if u in self.hours}


@pytest.fixture
def ledger(monkeypatch):
    """Replace the assessments app's ``passed_assessment_keys`` and
    ``signed_practicum_hours`` where the eligibility adapter imports them."""
    fake = AssessmentLedger()
    for path, name in (
        ("assessments.selectors.results", "passed_assessment_keys"),
        ("assessments.selectors.practicum", "signed_practicum_hours"),
    ):
        try:
            module = importlib.import_module(path)
        except ImportError:  # the assessments app is not there yet
            module = types.ModuleType(path)
            monkeypatch.setitem(sys.modules, path, module)
        monkeypatch.setattr(module, name, getattr(fake, name), raising=False)
    return fake


@pytest.fixture
def two_courses(db):
    return [
        course_with_lessons(title="Coaching basics"),
        course_with_lessons(title="The biopsychosocial model"),
    ]


@pytest.fixture
def certification(two_courses):
    return certification_create(courses=two_courses, validity_months=36)


@pytest.fixture
def eligible_trainee(make_user, two_courses, ledger):
    """A trainee in a cohort who finished both courses."""
    user = make_user("trainee", legal_name="Åsa Öberg-Ärlig", preferred_language="sv")
    cohort_for(courses=two_courses, members=[user])
    for course in two_courses:
        complete_course(user=user, course=course)
    return user


@pytest.fixture
def issue(signing_key, programme_admin, django_capture_on_commit_callbacks):
    """Issue through the service. With ``render`` the after-commit tasks run
    (eager Celery): the PDF is rendered and the holder e-mailed."""
    from certificates.services import certificate_issue

    def run(*, holder, certification, by=None, render=False):
        with django_capture_on_commit_callbacks(execute=render):
            return certificate_issue(
                certification=certification,
                holder=holder,
                issued_by=by or programme_admin,
            )

    return run
