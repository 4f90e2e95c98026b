import pytest

from certificates.demo import demo_certification_ensure
from certificates.models import Certification, SigningKey
from courses.factories import course_page_create

pytestmark = pytest.mark.django_db


def test_the_demo_certification_is_made_once_with_a_key():
    courses = [
        course_page_create(
            title="Personcentrerad", slug="person-centred-wellbeing-coaching"
        ),
        course_page_create(title="Biopsykosocial", slug="biopsychosocial-model"),
    ]

    certification, created = demo_certification_ensure()
    again, created_again = demo_certification_ensure()

    assert (created, created_again) == (True, False)
    assert again == certification
    assert Certification.objects.count() == 1
    assert set(certification.required_courses.all()) == set(courses)
    assert certification.min_practicum_hours == 10
    assert SigningKey.objects.filter(is_active=True).count() == 1
