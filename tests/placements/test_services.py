import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from certificates.services import certificate_reissue, certificate_revoke
from placements.models import Placement, PlacementEvent
from placements.services import (
    placement_activate,
    placement_agree,
    placement_attention_resolve,
    placement_complete,
    placement_end_early,
    placement_update,
    placements_flag_for_revocation,
)
from tests.placements.helpers import expire, organisation_create, propose

pytestmark = pytest.mark.django_db


def refused(code: str, call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    codes = [
        e.code
        for e in (
            caught.value.error_list
            if not hasattr(caught.value, "error_dict")
            else [x for errors in caught.value.error_dict.values() for x in errors]
        )
    ]
    assert code in codes, codes
    return caught.value


def test_a_certified_coach_is_proposed_and_it_is_logged(
    coach, organisation, programme_admin
):
    placement = propose(coach=coach, organisation=organisation, by=programme_admin)

    assert placement.status == Placement.Status.PROPOSED
    [event] = placement.events.all()
    assert event.action == "placements.propose"
    assert event.actor == programme_admin
    assert event.new["status"] == "proposed"
    assert event.old == {}


def test_an_uncertified_trainee_cannot_be_proposed(make_coach, organisation):
    trainee = make_coach(certified=False)

    error = refused("not_certified", propose, coach=trainee, organisation=organisation)

    assert "does not hold a valid certificate" in " ".join(error.messages)
    assert not Placement.objects.exists()


def test_a_revoked_certificate_does_not_count(
    make_coach, certify, organisation, programme_admin
):
    holder = make_coach(certified=False)
    certificate = certify(holder)
    certificate_revoke(
        certificate=certificate, reason="error", public_reason="", by=programme_admin
    )

    refused("not_certified", propose, coach=holder, organisation=organisation)
    assert not Placement.objects.exists()


def test_an_expired_certificate_does_not_count(make_coach, certify, organisation):
    holder = make_coach(certified=False)
    expire(certify(holder))

    refused("not_certified", propose, coach=holder, organisation=organisation)
    assert not Placement.objects.exists()


def test_a_reissued_certificate_still_counts(
    make_coach, certify, organisation, programme_admin
):
    holder = make_coach(certified=False)
    certificate_reissue(certificate=certify(holder), by=programme_admin)

    assert propose(coach=holder, organisation=organisation).status == "proposed"


def test_the_certificate_is_checked_again_when_agreeing(
    make_coach, certify, organisation
):
    holder = make_coach(certified=False)
    certificate = certify(holder)
    placement = propose(coach=holder, organisation=organisation)
    expire(certificate)

    refused("not_certified", placement_agree, placement=placement)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED


def test_an_inactive_organisation_takes_no_proposals(coach):
    closed = organisation_create(is_active=False)
    refused("inactive_organisation", propose, coach=coach, organisation=closed)


def test_places_are_never_over_filled(make_coach, organisation):
    first, second = make_coach(), make_coach()
    one = propose(coach=first, organisation=organisation)
    two = propose(coach=second, organisation=organisation)

    placement_activate(placement=placement_agree(placement=one))
    refused("no_free_place", placement_agree, placement=two)

    placement_complete(placement=one)
    assert placement_agree(placement=two).status == Placement.Status.AGREED
    assert (
        Placement.objects.filter(
            organisation=organisation, status__in=Placement.TAKES_A_PLACE
        ).count()
        == organisation.places
    )


def test_an_agreed_placement_holds_its_place_until_started(make_coach):
    organisation = organisation_create(places=1)
    first, second = make_coach(), make_coach()
    one = placement_agree(placement=propose(coach=first, organisation=organisation))
    two = propose(coach=second, organisation=organisation)

    refused("no_free_place", placement_agree, placement=two)
    # Starting the one that holds the place needs no second place.
    assert placement_activate(placement=one).status == Placement.Status.ACTIVE


def test_a_coach_holds_one_place_at_a_time(coach, organisation):
    elsewhere = organisation_create(places=3)
    placement_agree(placement=propose(coach=coach, organisation=organisation))
    second = propose(coach=coach, organisation=elsewhere)

    with pytest.raises(ValidationError, match="already has an agreed or active"):
        placement_agree(placement=second)


def test_one_open_placement_per_coach_and_organisation(coach, organisation):
    propose(coach=coach, organisation=organisation)
    with pytest.raises(ValidationError, match="already has an open placement"):
        propose(coach=coach, organisation=organisation)


def test_status_moves_only_forward(coach, organisation):
    placement = propose(coach=coach, organisation=organisation)
    refused("wrong_status", placement_activate, placement=placement)
    refused("wrong_status", placement_complete, placement=placement)
    placement = placement_complete(
        placement=placement_activate(placement=placement_agree(placement=placement)),
        outcome_notes="Met 14 clients.",
    )
    assert placement.closed_at is not None
    assert placement.outcome_notes == "Met 14 clients."
    refused("wrong_status", placement_end_early, placement=placement, reason="x")


def test_ending_early_needs_a_reason_and_frees_the_place(coach, organisation):
    placement = placement_agree(
        placement=propose(coach=coach, organisation=organisation)
    )
    refused("no_reason", placement_end_early, placement=placement, reason="  ")

    placement = placement_end_early(placement=placement, reason="Moved to Malmö.")

    assert placement.status == Placement.Status.ENDED_EARLY
    assert placement.ended_reason == "Moved to Malmö."
    assert not Placement.objects.filter(status__in=Placement.TAKES_A_PLACE).exists()


def test_end_date_before_start_date_is_refused(coach, organisation):
    with pytest.raises(ValidationError) as caught:
        propose(
            coach=coach,
            organisation=organisation,
            start_date=datetime.date(2026, 9, 1),
            end_date=datetime.date(2026, 8, 1),
        )
    assert "end_date" in caught.value.error_dict


def test_update_logs_what_changed(coach, organisation, programme_admin):
    placement = propose(coach=coach, organisation=organisation)

    placement_update(
        placement=placement,
        data={
            "hours_per_week": Decimal("12.5"),
            "supervisor_name": "Eva Berg",
            "status": "completed",
        },
        by=programme_admin,
    )
    placement_update(placement=placement, data={"supervisor_name": "Eva Berg"})

    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED  # not editable
    event = placement.events.get(action="placements.update")
    assert event.actor == programme_admin
    assert event.old == {"hours_per_week": "20.0", "supervisor_name": ""}
    assert event.new == {"hours_per_week": "12.5", "supervisor_name": "Eva Berg"}


def test_revoking_flags_open_placements_without_ending_them(
    make_coach, certify, programme_admin
):
    holder = make_coach(certified=False)
    certificate = certify(holder)
    here, there, done = (organisation_create(places=2) for _ in range(3))
    active = placement_activate(
        placement=placement_agree(placement=propose(coach=holder, organisation=here))
    )
    proposed = propose(coach=holder, organisation=there)
    finished = propose(coach=holder, organisation=done)
    placement_end_early(placement=finished, reason="Did not start.")

    certificate = certificate_revoke(
        certificate=certificate,
        reason="misconduct",
        public_reason="",
        by=programme_admin,
    )
    # certificate_revoke flags them itself; flagging again changes nothing.
    assert placements_flag_for_revocation(holder=holder, certificate=certificate) == 0

    for placement, status in ((active, "active"), (proposed, "proposed")):
        placement.refresh_from_db()
        assert placement.status == status
        assert placement.needs_attention
        assert certificate.code in placement.attention_reason
    finished.refresh_from_db()
    assert not finished.needs_attention
    assert PlacementEvent.objects.filter(action="placements.flag").count() == 2

    # The flagged proposal cannot go further without a valid certificate.
    refused("not_certified", placement_agree, placement=proposed)


def test_resolving_a_flag_keeps_a_note(coach, organisation, programme_admin):
    placement = propose(coach=coach, organisation=organisation)
    Placement.objects.filter(pk=placement.pk).update(
        needs_attention=True, attention_reason="Check this."
    )
    refused("no_note", placement_attention_resolve, placement=placement, note="")

    placement = placement_attention_resolve(
        placement=placement, note="New certificate on its way.", by=programme_admin
    )

    assert not placement.needs_attention
    event = placement.events.get(action="placements.resolve")
    assert event.note == "New certificate on its way."
    assert event.old == {"needs_attention": True, "attention_reason": "Check this."}
