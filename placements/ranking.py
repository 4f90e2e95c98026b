"""Ranking coaches for an organisation, and organisations for a coach.

Pure functions: no ORM, no settings. The selectors read profiles; this module
orders them and says why, in words built from translatable templates.

Order: the most languages shared with the organisation's clients first, then
those in the same municipality, then by name (case-insensitive), then by id
so that the order is total and stable.

Municipalities match when they are equal ignoring case and surrounding
spaces; an empty municipality matches nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext


@dataclass(frozen=True)
class Profile:
    """A coach or an organisation, as far as matching is concerned."""

    id: int
    name: str
    languages: frozenset[str]
    municipality: str = ""


@dataclass(frozen=True)
class Match:
    """``candidate`` compared with the profile it was ranked for."""

    candidate: Profile
    shared_languages: tuple[str, ...]
    same_municipality: bool
    free_places: int | None = None


def _place(municipality: str) -> str:
    return " ".join(municipality.split()).casefold()


def same_municipality(a: str, b: str) -> bool:
    return bool(_place(a)) and _place(a) == _place(b)


def compare(
    *,
    target: Profile,
    candidate: Profile,
    language_name: Callable[[str], str] = str,
    free_places: int | None = None,
) -> Match:
    shared = sorted(target.languages & candidate.languages, key=language_name)
    return Match(
        candidate=candidate,
        shared_languages=tuple(shared),
        same_municipality=same_municipality(
            target.municipality, candidate.municipality
        ),
        free_places=free_places,
    )


def sort_key(match: Match) -> tuple:
    return (
        -len(match.shared_languages),
        not match.same_municipality,
        match.candidate.name.casefold(),
        match.candidate.id,
    )


def rank(
    *,
    target: Profile,
    candidates: Iterable[Profile],
    language_name: Callable[[str], str] = str,
    free_places: dict[int, int] | None = None,
) -> list[Match]:
    """Every candidate compared with ``target``, best match first."""
    free_places = free_places or {}
    matches = [
        compare(
            target=target,
            candidate=candidate,
            language_name=language_name,
            free_places=free_places.get(candidate.id),
        )
        for candidate in candidates
    ]
    return sorted(matches, key=sort_key)


# --- Words --------------------------------------------------------------------


def join_names(names: list[str]) -> str:
    """``["Arabic"]`` → "Arabic"; two or more → "Arabic, Somali and Tigrinya"."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return gettext("%(list)s and %(last)s") % {
        "list": gettext(", ").join(names[:-1]),
        "last": names[-1],
    }


def coach_reason(match: Match, *, language_name: Callable[[str], str] = str) -> str:
    """Why a coach suits an organisation.

    "speaks Arabic and Tigrinya; lives in Ronneby"
    """
    names = [language_name(code) for code in match.shared_languages]
    parts = [
        gettext("speaks %(languages)s") % {"languages": join_names(names)}
        if names
        else gettext("speaks none of the clients' languages")
    ]
    if match.candidate.municipality.strip():
        parts.append(
            gettext("lives in %(municipality)s")
            % {"municipality": match.candidate.municipality.strip()}
        )
    return gettext("; ").join(parts)


def organisation_reason(
    match: Match, *, language_name: Callable[[str], str] = str
) -> str:
    """Why an organisation suits a coach.

    "clients speak Arabic; in Ronneby; 2 free places"
    """
    names = [language_name(code) for code in match.shared_languages]
    parts = [
        gettext("clients speak %(languages)s") % {"languages": join_names(names)}
        if names
        else gettext("no shared language with the clients")
    ]
    if match.candidate.municipality.strip():
        parts.append(
            gettext("in %(municipality)s")
            % {"municipality": match.candidate.municipality.strip()}
        )
    if match.free_places is not None:
        parts.append(
            ngettext("%(count)d free place", "%(count)d free places", match.free_places)
            % {"count": match.free_places}
        )
    return gettext("; ").join(parts)
