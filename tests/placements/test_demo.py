import pytest

from courses.demo import demo_accounts_ensure
from placements.demo import DEMO_ORGANISATIONS, demo_placements_ensure
from placements.models import PartnerOrganisation, Placement

pytestmark = pytest.mark.django_db


def test_demo_organisations_are_made_once_with_made_up_contacts():
    demo_accounts_ensure()
    first = demo_placements_ensure()
    again = demo_placements_ensure()

    assert len(first.organisations_created) == len(DEMO_ORGANISATIONS)
    assert again.organisations_created == []
    assert PartnerOrganisation.objects.count() == len(DEMO_ORGANISATIONS)
    for organisation in PartnerOrganisation.objects.all():
        assert organisation.contact_email.endswith("@example.org")
        assert organisation.contact_phone.startswith("070-174 06 ")
        assert organisation.languages.exists()
    kinds = set(PartnerOrganisation.objects.values_list("kind", flat=True))
    assert {
        "employment_service",
        "social_insurance",
        "primary_care",
        "municipality",
        "education_provider",
    } <= kinds
    # Without a certificate the demo coach is not placed, and it says so.
    assert first.coach_placement is None
    assert "no valid certificate" in first.coach_note
    assert not Placement.objects.exists()
