"""Reads for placements: suggestions, the coach's own placement, the history.

Each reader runs a fixed number of queries, whatever the number of coaches,
organisations or languages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from certificates.selectors import valid_certificate_holders
from placements.models import PartnerOrganisation, Placement, PlacementEvent
from placements.ranking import (
    Match,
    Profile,
    coach_reason,
    organisation_reason,
    rank,
)
from users.languages import language_name


@dataclass(frozen=True)
class Suggestion:
    """A ranked coach (for an organisation) or organisation (for a coach)."""

    id: int
    name: str
    municipality: str
    shared_languages: tuple[str, ...]
    same_municipality: bool
    reason: str
    free_places: int | None = None


def _suggestion(match: Match, reason: str) -> Suggestion:
    return Suggestion(
        id=match.candidate.id,
        name=match.candidate.name,
        municipality=match.candidate.municipality,
        shared_languages=tuple(language_name(c) for c in match.shared_languages),
        same_municipality=match.same_municipality,
        reason=reason,
        free_places=match.free_places,
    )


def _languages_by_user(user_ids) -> dict[int, frozenset[str]]:
    through = get_user_model().languages.through
    found = defaultdict(set)
    for user_id, code in through.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "language_id"
    ):
        found[user_id].add(code)
    return {user_id: frozenset(codes) for user_id, codes in found.items()}


def _languages_by_organisation(organisation_ids) -> dict[int, frozenset[str]]:
    through = PartnerOrganisation.languages.through
    found = defaultdict(set)
    for organisation_id, code in through.objects.filter(
        partnerorganisation_id__in=organisation_ids
    ).values_list("partnerorganisation_id", "language_id"):
        found[organisation_id].add(code)
    return {key: frozenset(codes) for key, codes in found.items()}


def places_taken(*, organisation_ids) -> dict[int, int]:
    """Agreed and active placements per organisation (one query)."""
    return dict(
        Placement.objects.filter(
            organisation_id__in=organisation_ids,
            status__in=Placement.TAKES_A_PLACE,
        )
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )


def organisations_with_places_taken():
    """Partner organisations annotated with ``taken`` (for listings)."""
    return PartnerOrganisation.objects.annotate(
        taken=Count(
            "placements",
            filter=Q(placements__status__in=Placement.TAKES_A_PLACE),
        )
    )


def unplaced_coach_ids(*, organisation: PartnerOrganisation | None = None) -> set[int]:
    """Valid certificate holders without an agreed or active placement (and,
    with ``organisation``, without an open placement there). One query."""
    placed = Placement.objects.filter(status__in=Placement.TAKES_A_PLACE)
    if organisation is not None:
        placed = Placement.objects.filter(
            Q(status__in=Placement.TAKES_A_PLACE)
            | Q(organisation=organisation, status__in=Placement.OPEN)
        )
    pool = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(pk__in=placed.values("coach_id"))
        .values("pk")
    )
    return valid_certificate_holders(user_ids=pool)


def suggestions_for_organisation(
    *, organisation: PartnerOrganisation
) -> list[Suggestion]:
    """Certified coaches not yet placed, best match for ``organisation`` first.

    Four queries.
    """
    wanted = frozenset(organisation.languages.values_list("code", flat=True))
    coach_ids = unplaced_coach_ids(organisation=organisation)
    people = (
        get_user_model()
        .objects.filter(pk__in=coach_ids)
        .values("pk", "legal_name", "preferred_name", "municipality")
    )
    languages = _languages_by_user(coach_ids)
    candidates = [
        Profile(
            id=person["pk"],
            name=person["preferred_name"] or person["legal_name"],
            languages=languages.get(person["pk"], frozenset()),
            municipality=person["municipality"],
        )
        for person in people
    ]
    target = Profile(
        id=organisation.pk,
        name=organisation.name,
        languages=wanted,
        municipality=organisation.municipality,
    )
    return [
        _suggestion(match, coach_reason(match, language_name=language_name))
        for match in rank(
            target=target, candidates=candidates, language_name=language_name
        )
    ]


def suggestions_for_coach(*, coach) -> list[Suggestion]:
    """Active organisations with a free place, best match for ``coach`` first.

    Organisations where the coach already has an open placement are left
    out. Four queries.
    """
    spoken = frozenset(coach.languages.values_list("code", flat=True))
    already = Placement.objects.filter(coach=coach, status__in=Placement.OPEN).values(
        "organisation_id"
    )
    organisations = list(
        PartnerOrganisation.objects.filter(is_active=True)
        .exclude(pk__in=already)
        .values("pk", "name", "municipality", "places")
    )
    ids = [row["pk"] for row in organisations]
    taken = places_taken(organisation_ids=ids)
    free = {row["pk"]: row["places"] - taken.get(row["pk"], 0) for row in organisations}
    languages = _languages_by_organisation(ids)
    candidates = [
        Profile(
            id=row["pk"],
            name=row["name"],
            languages=languages.get(row["pk"], frozenset()),
            municipality=row["municipality"],
        )
        for row in organisations
        if free[row["pk"]] > 0
    ]
    target = Profile(
        id=coach.pk,
        name=coach.get_full_name(),
        languages=spoken,
        municipality=coach.municipality,
    )
    return [
        _suggestion(match, organisation_reason(match, language_name=language_name))
        for match in rank(
            target=target,
            candidates=candidates,
            language_name=language_name,
            free_places=free,
        )
    ]


def my_placement(*, user) -> Placement | None:
    """The coach's own agreed or active placement, if any (one query).

    Proposals stay with the administrators until the organisation and the
    coach have agreed; finished placements are in the coach's history, not
    on the dashboard.
    """
    if not user.is_authenticated:
        return None
    return (
        Placement.objects.filter(coach=user, status__in=Placement.TAKES_A_PLACE)
        .select_related("organisation")
        .order_by("-start_date", "-pk")
        .first()
    )


def placement_history(*, placement: Placement) -> list[PlacementEvent]:
    """Every change to ``placement``, newest first, with who made it (one query)."""
    return list(
        PlacementEvent.objects.filter(placement=placement)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
