import pytest
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation

from placements.access import access_placement_by_id
from placements.selectors import (
    my_placement,
    suggestions_for_coach,
    suggestions_for_organisation,
)
from placements.services import placement_activate, placement_agree
from tests.placements.helpers import organisation_create, propose

pytestmark = pytest.mark.django_db


def test_suggested_coaches_are_ranked_with_reasons(make_coach, organisation):
    make_coach(legal_name="Omar Somali", languages=["so"], municipality="Ronneby")
    make_coach(
        legal_name="Amal Both", languages=["ar", "ti"], municipality="Karlskrona"
    )
    make_coach(legal_name="Ahmed Both", languages=["ti", "ar"], municipality="Ronneby")
    make_coach(legal_name="Sven Swedish", languages=["sv"], municipality="Ronneby")
    make_coach(
        legal_name="Lina Uncertified", languages=["ar", "ti", "so"], certified=False
    )
    placed = make_coach(legal_name="Placed Already", languages=["ar", "ti", "so"])
    placement_agree(placement=propose(coach=placed, organisation=organisation_create()))

    with translation.override("en"):
        suggestions = suggestions_for_organisation(organisation=organisation)

    assert [(s.name, s.reason) for s in suggestions] == [
        ("Ahmed Both", "speaks Arabic and Tigrinya; lives in Ronneby"),
        ("Amal Both", "speaks Arabic and Tigrinya; lives in Karlskrona"),
        ("Omar Somali", "speaks Somali; lives in Ronneby"),
        ("Sven Swedish", "speaks none of the clients' languages; lives in Ronneby"),
    ]


def test_a_coach_already_proposed_here_is_not_suggested_again(coach, organisation):
    propose(coach=coach, organisation=organisation)
    assert suggestions_for_organisation(organisation=organisation) == []


def test_suggested_organisations_have_free_places(coach, make_coach):
    organisation_create(
        name="Arbetsförmedlingen Karlskrona",
        languages=["ar"],
        municipality="Karlskrona",
        places=2,
    )
    organisation_create(
        name="Ronneby kommun", languages=["ar"], municipality="Ronneby", places=1
    )
    organisation_create(
        name="Vårdcentralen Olofström",
        languages=["ar", "ti"],
        municipality="Olofström",
        places=3,
    )
    full = organisation_create(name="Full", languages=["ar", "ti"], places=1)
    placement_agree(placement=propose(coach=make_coach(), organisation=full))
    organisation_create(name="Closed", languages=["ar", "ti"], is_active=False)

    with translation.override("en"):
        suggestions = suggestions_for_coach(coach=coach)

    assert [(s.name, s.reason) for s in suggestions] == [
        (
            "Vårdcentralen Olofström",
            "clients speak Arabic and Tigrinya; in Olofström; 3 free places",
        ),
        ("Ronneby kommun", "clients speak Arabic; in Ronneby; 1 free place"),
        (
            "Arbetsförmedlingen Karlskrona",
            "clients speak Arabic; in Karlskrona; 2 free places",
        ),
    ]


def test_suggestions_read_a_fixed_number_of_queries(
    make_coach, organisation, coach, django_assert_num_queries
):
    for n in range(6):
        make_coach(languages=["ar", "so", "ti"][: n % 3 + 1], municipality="Ronneby")
        organisation_create(languages=["ar", "fa"][: n % 2 + 1])
    with django_assert_num_queries(4):
        assert len(suggestions_for_organisation(organisation=organisation)) == 7
    with django_assert_num_queries(4):
        assert len(suggestions_for_coach(coach=coach)) == 7


def test_a_coach_sees_only_their_own_placement(make_coach, programme_admin):
    here, there = organisation_create(places=2), organisation_create(places=2)
    amal, bo = make_coach(legal_name="Amal"), make_coach(legal_name="Bo")
    amal_placement = propose(coach=amal, organisation=here, supervisor_name="Eva Berg")
    bo_placement = placement_agree(placement=propose(coach=bo, organisation=there))

    # A proposal stays with the administrators until it is agreed.
    assert my_placement(user=amal) is None
    placement_activate(placement=placement_agree(placement=amal_placement))
    assert my_placement(user=amal) == amal_placement
    assert my_placement(user=bo) == bo_placement

    assert access_placement_by_id(user=amal, placement_id=amal_placement.pk)
    for missing in (bo_placement.pk, 99999, "x"):
        with pytest.raises(Http404):
            access_placement_by_id(user=amal, placement_id=missing)
    assert access_placement_by_id(user=programme_admin, placement_id=bo_placement.pk)


def test_the_dashboard_panel_shows_the_coach_their_placement(make_coach):
    organisation = organisation_create(
        name="Vårdcentralen Olofström",
        municipality="Olofström",
        address="Storgatan 1\n293 30 Olofström",
    )
    coach = make_coach(legal_name="Amal")
    placement_activate(
        placement=placement_agree(
            placement=propose(
                coach=coach,
                organisation=organisation,
                supervisor_name="Eva Berg",
                supervisor_email="eva.berg@example.org",
                supervisor_phone="0454-12 34 56",
            )
        )
    )

    with translation.override("en"):
        html = render_to_string(
            "placements/includes/dashboard_panel.html",
            {"my_placement": my_placement(user=coach)},
        )
        empty = render_to_string(
            "placements/includes/dashboard_panel.html", {"my_placement": None}
        )

    assert "My placement" in html
    assert "Vårdcentralen Olofström" in html
    assert 'href="mailto:eva.berg@example.org"' in html
    assert 'href="tel:0454-123456"' in html
    assert "started" in html
    assert empty.strip() == ""
    # In Arabic: the status as a status (not a date label), and the texts
    # people wrote keep their own direction inside the right-to-left page.
    with translation.override("ar"):
        arabic = render_to_string(
            "placements/includes/dashboard_panel.html",
            {"my_placement": my_placement(user=coach)},
        )
    assert "بدأت" in arabic
    assert '<dd dir="auto">Storgatan 1<br>293 30 Olofström</dd>' in arabic
    assert "<bdi>Eva Berg</bdi>" in arabic
