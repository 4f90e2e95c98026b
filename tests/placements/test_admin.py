import pytest
from django.urls import reverse

from placements.models import PartnerOrganisation, Placement, PlacementEvent
from placements.services import placement_activate, placement_agree
from tests.placements.conftest import staff_login
from tests.placements.helpers import organisation_create, propose

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/placements/new/"


def form_data(*, coach, organisation, **extra):
    return {
        "coach": coach.pk,
        "organisation": organisation.pk,
        "role_description": "Coaching conversations with job seekers.",
        "start_date": "2026-09-01",
        "end_date": "2027-02-28",
        "hours_per_week": "20",
        "supervisor_name": "Eva Berg",
        "supervisor_email": "eva.berg@example.org",
        "supervisor_phone": "0455-123 45",
        **extra,
    }


def test_the_admin_form_cannot_place_an_uncertified_trainee(
    admin_client, make_coach, organisation
):
    trainee = make_coach(certified=False, legal_name="Nadia Uncertified")

    page = admin_client.get(ADD_URL)
    assert page.status_code == 200
    # Offered like anyone else: the refusal comes from the service, not the list.
    assert f'value="{trainee.pk}"' in page.content.decode()

    response = admin_client.post(
        ADD_URL, form_data(coach=trainee, organisation=organisation)
    )

    assert response.status_code == 200
    assert "does not hold a valid certificate" in response.content.decode()
    assert not Placement.objects.exists()
    assert not PlacementEvent.objects.exists()


def test_the_admin_form_proposes_through_the_service(
    admin_client, programme_admin, coach, organisation
):
    response = admin_client.post(
        ADD_URL, form_data(coach=coach, organisation=organisation)
    )

    assert response.status_code == 302
    placement = Placement.objects.get()
    assert placement.status == Placement.Status.PROPOSED
    assert placement.proposed_by == programme_admin
    assert placement.supervisor_email == "eva.berg@example.org"
    event = placement.events.get()
    assert (event.action, event.actor) == ("placements.propose", programme_admin)


def test_the_admin_form_shows_model_errors(admin_client, coach, organisation):
    response = admin_client.post(
        ADD_URL,
        form_data(
            coach=coach,
            organisation=organisation,
            end_date="2026-01-01",
            hours_per_week="99",
        ),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "The end date is before the start date." in content
    assert "less than or equal to 60" in content
    assert not Placement.objects.exists()


def test_the_form_is_prefilled_from_a_suggestion(admin_client, coach, organisation):
    response = admin_client.get(
        f"{ADD_URL}?coach={coach.pk}&organisation={organisation.pk}"
    )
    form = response.context["form"]
    assert form.initial["coach"] == coach.pk
    assert form.initial["organisation"] == organisation.pk


def test_status_buttons_change_the_status_through_the_service(
    admin_client, programme_admin, coach, organisation
):
    placement = propose(coach=coach, organisation=organisation)
    edit = admin_client.get(f"/admin/placements/edit/{placement.pk}/").content.decode()
    assert reverse("placements:agree", args=[placement.pk]) in edit
    assert reverse("placements:complete", args=[placement.pk]) not in edit

    confirm = admin_client.get(reverse("placements:agree", args=[placement.pk]))
    assert confirm.status_code == 200
    response = admin_client.post(reverse("placements:agree", args=[placement.pk]))
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Placement.Status.AGREED
    assert placement.events.filter(
        action="placements.agree", actor=programme_admin
    ).exists()


def test_a_refused_transition_says_why(admin_client, make_coach):
    organisation = organisation_create(places=1)
    taken = propose(coach=make_coach(), organisation=organisation)
    placement_agree(placement=taken)
    waiting = propose(coach=make_coach(), organisation=organisation)

    response = admin_client.post(
        reverse("placements:agree", args=[waiting.pk]), follow=True
    )

    assert "has no free place" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Placement.Status.PROPOSED


def test_ending_early_asks_for_a_reason(admin_client, coach, organisation):
    placement = propose(coach=coach, organisation=organisation)
    url = reverse("placements:end_early", args=[placement.pk])

    response = admin_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]

    admin_client.post(url, {"reason": "The organisation reorganised."})
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED_EARLY


def test_the_history_shows_who_changed_what(
    admin_client, programme_admin, coach, organisation
):
    placement = propose(coach=coach, organisation=organisation, by=programme_admin)
    placement_activate(
        placement=placement_agree(placement=placement, by=programme_admin)
    )
    admin_client.post(
        f"/admin/placements/edit/{placement.pk}/",
        {
            **form_data(coach=coach, organisation=organisation),
            "hours_per_week": "15",
            "outcome_notes": "",
        },
    )

    response = admin_client.get(reverse("placements:history", args=[placement.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    for label in ("Proposed", "Agreed", "Started", "Details changed"):
        assert label in content
    assert programme_admin.legal_name in content
    assert "<del>20.0</del> → 15.0" in content
    assert content.count("<dt>Status</dt>") == 3  # proposed, agreed, started


def test_the_edit_form_cannot_change_coach_or_status(
    admin_client, coach, organisation, make_coach
):
    placement = propose(coach=coach, organisation=organisation)
    other = make_coach()
    admin_client.post(
        f"/admin/placements/edit/{placement.pk}/",
        {
            **form_data(coach=other, organisation=organisation),
            "status": "active",
            "outcome_notes": "",
        },
    )
    placement.refresh_from_db()
    assert placement.coach == coach
    assert placement.status == Placement.Status.PROPOSED


def test_placements_cannot_be_deleted(admin_client, coach, organisation):
    placement = propose(coach=coach, organisation=organisation)
    admin_client.post(f"/admin/placements/delete/{placement.pk}/")
    assert Placement.objects.filter(pk=placement.pk).exists()


def test_the_list_filters_by_status_and_attention(admin_client, make_coach):
    organisation = organisation_create(places=5)
    flagged = propose(
        coach=make_coach(legal_name="Flagged Coach"), organisation=organisation
    )
    Placement.objects.filter(pk=flagged.pk).update(
        needs_attention=True, attention_reason="Certificate revoked."
    )
    agreed = placement_agree(
        placement=propose(
            coach=make_coach(legal_name="Agreed Coach"), organisation=organisation
        )
    )

    def listed(query):
        response = admin_client.get(f"/admin/placements/?{query}")
        assert response.status_code == 200
        return {p.pk for p in response.context["object_list"]}

    assert listed("needs_attention=true") == {flagged.pk}
    assert listed("status=agreed") == {agreed.pk}
    assert listed("q=Flagged") == {flagged.pk}


def test_organisations_are_searchable_and_filterable(admin_client):
    organisation_create(
        name="Vårdcentralen Olofström",
        kind="primary_care",
        municipality="Olofström",
        languages=["ar", "so"],
    )
    organisation_create(
        name="Karlshamns kommun",
        kind="municipality",
        municipality="Karlshamn",
        languages=["fa"],
    )

    def listed(query):
        response = admin_client.get(f"/admin/partner_organisations/?{query}")
        assert response.status_code == 200
        return {o.name for o in response.context["object_list"]}

    assert listed("q=olofstr") == {"Vårdcentralen Olofström"}
    assert listed("kind=municipality") == {"Karlshamns kommun"}
    assert listed("languages=so") == {"Vårdcentralen Olofström"}


def test_places_cannot_be_cut_below_those_taken(admin_client, make_coach):
    organisation = organisation_create(
        name="Ronneby kommun", places=2, municipality="Ronneby"
    )
    placement_agree(placement=propose(coach=make_coach(), organisation=organisation))
    placement_agree(placement=propose(coach=make_coach(), organisation=organisation))

    response = admin_client.post(
        f"/admin/partner_organisations/edit/{organisation.pk}/",
        {
            "name": organisation.name,
            "kind": "municipality",
            "municipality": "Ronneby",
            "places": "1",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "cannot be fewer places" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.places == 2


def test_an_organisation_is_created_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/partner_organisations/new/",
        {
            "name": "Littorina folkhögskola",
            "kind": "education_provider",
            "municipality": "Karlskrona",
            "places": "3",
            "is_active": "on",
            "languages": ["ar", "ti"],
            "contact_email": "kontakt@example.org",
        },
    )
    assert response.status_code == 302
    organisation = PartnerOrganisation.objects.get(name="Littorina folkhögskola")
    assert set(organisation.languages.values_list("code", flat=True)) == {"ar", "ti"}


def test_suggestions_for_an_organisation_show_ranked_reasons(
    admin_client, make_coach, organisation
):
    make_coach(legal_name="Bo Somali", languages=["so"], municipality="Karlskrona")
    make_coach(legal_name="Amal Both", languages=["ar", "ti"], municipality="Ronneby")
    make_coach(
        legal_name="Not Certified", languages=["ar", "ti", "so"], certified=False
    )

    response = admin_client.get(
        reverse("partner_organisations:suggestions", args=[organisation.pk])
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Amal Both") < content.index("Bo Somali")
    assert "speaks Arabic and Tigrinya; lives in Ronneby" in content
    assert "Not Certified" not in content


def test_suggestions_for_a_coach_list_organisations_with_free_places(
    admin_client, coach, make_coach
):
    full = organisation_create(name="Full House", places=1, languages=["ar"])
    placement_agree(placement=propose(coach=make_coach(), organisation=full))
    organisation_create(
        name="Vårdcentralen Olofström",
        municipality="Olofström",
        languages=["ar", "ti"],
        places=2,
    )

    response = admin_client.get(
        reverse("placements:coach_suggestions", args=[coach.pk])
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "clients speak Arabic and Tigrinya; in Olofström; 2 free places" in content
    assert "Full House" not in content


def test_only_programme_administrators_manage_placements(
    client, make_user, coach, organisation
):
    placement = propose(coach=coach, organisation=organisation)
    urls = [
        "/admin/placements/",
        ADD_URL,
        f"/admin/placements/edit/{placement.pk}/",
        reverse("placements:history", args=[placement.pk]),
        reverse("placements:agree", args=[placement.pk]),
        reverse("placements:suggestions"),
        reverse("placements:coach_suggestions", args=[coach.pk]),
        "/admin/partner_organisations/",
        reverse("partner_organisations:suggestions", args=[organisation.pk]),
    ]
    staff_login(client, make_user("admin"))
    for url in urls:
        assert client.get(url).status_code == 200, url

    staff_login(client, make_user("trainer"))
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == "/admin/", url
    client.post(reverse("placements:agree", args=[placement.pk]))

    client.force_login(coach)  # the coach themselves: not in the admin at all
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/admin/" not in response["Location"], url

    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED


def test_suggestion_screens_run_a_fixed_number_of_queries(
    admin_client, make_coach, organisation, django_assert_max_num_queries
):
    url = reverse("partner_organisations:suggestions", args=[organisation.pk])
    make_coach(languages=["ar"])
    admin_client.get(url)
    with django_assert_max_num_queries(30) as few:
        admin_client.get(url)
    for n in range(4):
        make_coach(languages=["ar", "ti"][: n % 2 + 1], municipality="Ronneby")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(url)
