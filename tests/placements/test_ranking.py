"""The ranking rules, table-driven, without a database."""

import pytest
from django.utils import translation

from placements.ranking import (
    Match,
    Profile,
    coach_reason,
    join_names,
    organisation_reason,
    rank,
    same_municipality,
)
from users.languages import language_name

ORGANISATION = Profile(
    id=1,
    name="Försäkringskassan",
    languages=frozenset({"ar", "ti", "so"}),
    municipality="Ronneby",
)


def coach(id, name, languages=(), municipality=""):
    return Profile(
        id=id, name=name, languages=frozenset(languages), municipality=municipality
    )


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        pytest.param(
            [coach(1, "Bo", ["ar"]), coach(2, "Ali", ["ar", "ti"])],
            [2, 1],
            id="more shared languages first",
        ),
        pytest.param(
            [coach(1, "Ali", ["ar"], "Karlskrona"), coach(2, "Bo", ["ar"], "Ronneby")],
            [2, 1],
            id="same languages: same municipality first",
        ),
        pytest.param(
            [coach(1, "Ali", [], "Ronneby"), coach(2, "Bo", ["so"], "Karlskrona")],
            [2, 1],
            id="a shared language outranks the municipality",
        ),
        pytest.param(
            [coach(1, "bo", ["ar"]), coach(2, "Ali", ["ar"]), coach(3, "Åsa", ["ar"])],
            [2, 1, 3],
            id="then by name, ignoring case",
        ),
        pytest.param(
            [coach(5, "Ali", ["ar"]), coach(4, "Ali", ["ar"])],
            [4, 5],
            id="same name: by id, so the order is stable",
        ),
        pytest.param(
            [coach(1, "Ali", ["sv", "en"]), coach(2, "Bo", ["ar", "sv"])],
            [2, 1],
            id="languages the clients do not speak do not count",
        ),
        pytest.param(
            [coach(1, "Ali", [], " ronneby "), coach(2, "Alma", [], "Karlshamn")],
            [1, 2],
            id="municipality matches ignoring case and spaces",
        ),
        pytest.param([], [], id="nobody"),
    ],
)
def test_rank_orders_coaches_for_an_organisation(candidates, expected):
    ranked = rank(target=ORGANISATION, candidates=candidates)
    assert [match.candidate.id for match in ranked] == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Ronneby", "Ronneby", True),
        ("Ronneby", "RONNEBY", True),
        ("Sölvesborg", "sölvesborg ", True),
        ("Ronneby", "Karlskrona", False),
        ("", "", False),
        ("Ronneby", "", False),
    ],
)
def test_same_municipality(a, b, same):
    assert same_municipality(a, b) is same


@pytest.mark.parametrize(
    ("names", "text"),
    [
        ([], ""),
        (["Arabic"], "Arabic"),
        (["Arabic", "Tigrinya"], "Arabic and Tigrinya"),
        (["Arabic", "Somali", "Tigrinya"], "Arabic, Somali and Tigrinya"),
    ],
)
def test_join_names(names, text):
    with translation.override("en"):
        assert join_names(names) == text


@pytest.mark.parametrize(
    ("languages", "municipality", "reason"),
    [
        (["ti", "ar", "sv"], "Ronneby", "speaks Arabic and Tigrinya; lives in Ronneby"),
        (["so"], "Karlskrona", "speaks Somali; lives in Karlskrona"),
        (["sv"], "", "speaks none of the clients' languages"),
        (
            ["ar", "so", "ti"],
            "Ronneby",
            "speaks Arabic, Somali and Tigrinya; lives in Ronneby",
        ),
    ],
)
def test_coach_reason(languages, municipality, reason):
    [match] = rank(
        target=ORGANISATION,
        candidates=[coach(1, "Ali", languages, municipality)],
        language_name=language_name,
    )
    with translation.override("en"):
        assert coach_reason(match, language_name=language_name) == reason


def test_reasons_are_translated():
    [match] = rank(
        target=ORGANISATION,
        candidates=[coach(1, "Ali", ["ar"], "Ronneby")],
        language_name=language_name,
    )
    with translation.override("sv"):
        text = coach_reason(match, language_name=language_name)
        swedish_name = language_name("ar")
    assert "Ronneby" in text
    assert swedish_name in text
    assert swedish_name != "Arabic"


@pytest.mark.parametrize(
    ("shared", "municipality", "free", "reason"),
    [
        (("ar",), "Ronneby", 2, "clients speak Arabic; in Ronneby; 2 free places"),
        (
            (),
            "Olofström",
            1,
            "no shared language with the clients; in Olofström; 1 free place",
        ),
        (("ar", "ti"), "", None, "clients speak Arabic and Tigrinya"),
    ],
)
def test_organisation_reason(shared, municipality, free, reason):
    match = Match(
        candidate=Profile(
            id=1, name="X", languages=frozenset(shared), municipality=municipality
        ),
        shared_languages=shared,
        same_municipality=False,
        free_places=free,
    )
    with translation.override("en"):
        assert organisation_reason(match, language_name=language_name) == reason


def test_rank_for_a_coach_carries_free_places():
    me = coach(1, "Amal", ["ar", "ti"], "Ronneby")
    organisations = [
        Profile(
            id=10,
            name="Arbetsförmedlingen",
            languages=frozenset({"ar"}),
            municipality="Karlskrona",
        ),
        Profile(
            id=11,
            name="Vårdcentralen",
            languages=frozenset({"ar", "ti"}),
            municipality="Olofström",
        ),
        Profile(
            id=12,
            name="Ronneby kommun",
            languages=frozenset({"ar"}),
            municipality="Ronneby",
        ),
    ]
    ranked = rank(target=me, candidates=organisations, free_places={10: 1, 11: 3})
    assert [m.candidate.id for m in ranked] == [11, 12, 10]
    assert [m.free_places for m in ranked] == [3, None, 1]
