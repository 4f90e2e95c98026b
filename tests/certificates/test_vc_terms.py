"""Undefined-term detection: data the contexts do not define is never signed."""

import copy
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from certificates.vc import (
    OB3_CONTEXT,
    Alignment,
    CanonicalizationError,
    ContextNotAllowedError,
    DocumentTooLargeError,
    UndefinedTermError,
    assert_all_terms_defined,
    build_open_badge_credential,
    canonicalize,
    document_loader,
    identity_matches,
    new_salt,
    recipient_identity_hash,
    sign,
    status_entry,
)
from certificates.vc.terms import MAX_DEPTH

DATA = Path(__file__).parent / "data"
ISSUER = "did:web:academy.example"


def full_credential() -> dict:
    return build_open_badge_credential(
        credential_id="https://academy.example/credentials/7",
        issuer_id=ISSUER,
        issuer_name="Coach Academy",
        issuer_url="https://academy.example/",
        valid_from="2025-03-01T00:00:00Z",
        valid_until="2030-03-01T00:00:00Z",
        recipient_email=" Amina@Example.org ",
        recipient_salt="5a1t",
        recipient_name="أمينة يوسف",
        achievement_id="https://academy.example/certifications/wellbeing-coach",
        achievement_name="Certifierad hälsocoach",
        achievement_description="Personcentrerad hälsocoachning.",
        criteria_narrative="Alla moduler och examinationer godkända.\nRad två.",
        achievement_type="Certification",
        credits_available=7.5,
        field_of_study="0923 Social work and counselling",
        human_code="WBC-1",
        tags=["coaching", "hälsa"],
        alignments=[
            Alignment(
                target_name="EQF level 5",
                target_url="https://europa.eu/europass/en/description-eight-eqf-levels",
                target_description="Comprehensive, specialised knowledge.",
                target_framework="European Qualifications Framework",
                target_code="5",
                target_type="ext:EQFLevel",
            )
        ],
        in_language="sv",
        credential_status=status_entry("https://academy.example/status/1", 42),
    )


def minimal_credential() -> dict:
    return build_open_badge_credential(
        credential_id="https://academy.example/credentials/8",
        issuer_id=ISSUER,
        issuer_name="Coach Academy",
        valid_from="2025-03-01T00:00:00Z",
        recipient_email="jonas@example.org",
        recipient_salt="salt",
        recipient_name="Jonas Berg",
        achievement_id="https://academy.example/certifications/wellbeing-coach",
        achievement_name="Wellbeing coach",
        achievement_description="Coaching.",
        criteria_narrative="Passed.",
    )


def problems_of(document: dict, **kwargs) -> list[tuple[str, str | None, str | None]]:
    with pytest.raises(UndefinedTermError) as caught:
        assert_all_terms_defined(document, **kwargs)
    return [(p.kind, p.term, p.path) for p in caught.value.problems]


def at(document: dict, *path):
    node = document
    for token in path:
        node = node[token]
    return node


# Each case changes a valid credential and names the single finding expected.
UNDEFINED_CASES = {
    "top-level property": (
        lambda d: d.update({"grade": "A"}),
        ("undefined_property", "grade", "grade"),
    ),
    "property in credentialSubject": (
        lambda d: at(d, "credentialSubject").update({"favouriteColour": "blue"}),
        ("undefined_property", "favouriteColour", "credentialSubject.favouriteColour"),
    ),
    "property in the nested achievement": (
        lambda d: at(d, "credentialSubject", "achievement").update({"ects": 7.5}),
        ("undefined_property", "ects", "credentialSubject.achievement.ects"),
    ),
    "property in the criteria object": (
        lambda d: at(d, "credentialSubject", "achievement", "criteria").update(
            {"minimumScore": 80}
        ),
        (
            "undefined_property",
            "minimumScore",
            "credentialSubject.achievement.criteria.minimumScore",
        ),
    ),
    "property in an array item": (
        lambda d: at(d, "credentialSubject", "identifier", 0).update({"pepper": "x"}),
        ("undefined_property", "pepper", "credentialSubject.identifier[0].pepper"),
    ),
    "property in a second array item": (
        lambda d: at(d, "credentialSubject", "achievement", "alignment").append(
            {"type": ["Alignment"], "targetName": "x", "targetLevel": "5"}
        ),
        (
            "undefined_property",
            "targetLevel",
            "credentialSubject.achievement.alignment[1].targetLevel",
        ),
    ),
    "term defined only for another type": (
        lambda d: at(d, "credentialSubject").update({"creditsAvailable": 7.5}),
        (
            "undefined_property",
            "creditsAvailable",
            "credentialSubject.creditsAvailable",
        ),
    ),
    "unknown credential type": (
        lambda d: at(d, "type").append("CoachCertificate"),
        ("undefined_type", "CoachCertificate", "type[2]"),
    ),
    "unknown nested type": (
        lambda d: at(d, "credentialSubject", "achievement", "type").append("Programme"),
        ("undefined_type", "Programme", "credentialSubject.achievement.type[1]"),
    ),
    "unknown type on an array item": (
        lambda d: at(d, "credentialSubject", "identifier", 0).update(
            {"type": ["IdentityObject", "HashedEmail"]}
        ),
        ("undefined_type", "HashedEmail", "credentialSubject.identifier[0].type[1]"),
    ),
    "relative node id": (
        lambda d: at(d, "issuer").update({"id": "academy"}),
        ("relative_iri", "academy", "issuer.id"),
    ),
    "relative IRI value": (
        lambda d: at(d, "credentialSubject", "achievement").update(
            {"image": "badge.png"}
        ),
        ("relative_iri", "badge.png", "credentialSubject.achievement.image"),
    ),
    "compact IRI with an undefined prefix": (
        lambda d: d.update({"schema:award": "x"}),
        ("undefined_property", "schema:award", "schema:award"),
    ),
    "issuer-dependent vocabulary": (
        lambda d: d.update({"https://www.w3.org/ns/credentials/issuer-dependent#x": 1}),
        (
            "undefined_property",
            "https://www.w3.org/ns/credentials/issuer-dependent#x",
            '["https://www.w3.org/ns/credentials/issuer-dependent#x"]',
        ),
    ),
    "null value": (
        lambda d: at(d, "credentialSubject").update({"name": None}),
        ("null_value", "name", "credentialSubject.name"),
    ),
    "unsupported keyword": (
        lambda d: at(d, "credentialSubject").update({"@index": "a"}),
        ("unsupported_keyword", "@index", "credentialSubject.@index"),
    ),
    "unsigned text direction": (
        lambda d: d.update({"name": {"@value": "شهادة", "@direction": "rtl"}}),
        ("unsupported_keyword", "@direction", "name.@direction"),
    ),
    "malformed language tag": (
        lambda d: d.update({"name": {"@value": "x", "@language": "en us"}}),
        ("invalid_language", "en us", "name.@language"),
    ),
    "IRI with a character N-Quads cannot hold": (
        lambda d: d.update({"id": "https://academy.example/a b"}),
        ("invalid_iri", "https://academy.example/a b", "id"),
    ),
}


@pytest.mark.parametrize(
    ("mutate", "expected"), UNDEFINED_CASES.values(), ids=UNDEFINED_CASES
)
def test_undefined_terms_are_found_and_located(mutate, expected):
    document = full_credential()
    mutate(document)

    assert problems_of(document) == [expected]


@pytest.mark.parametrize(
    ("mutate", "expected"), UNDEFINED_CASES.values(), ids=UNDEFINED_CASES
)
def test_undefined_terms_are_refused_by_sign_and_canonicalize(mutate, expected):
    document = full_credential()
    mutate(document)

    with pytest.raises(UndefinedTermError):
        canonicalize(document)
    with pytest.raises(UndefinedTermError):
        sign(
            document,
            private_key=Ed25519PrivateKey.from_private_bytes(bytes(32)),
            verification_method=f"{ISSUER}#key-1",
            created="2025-03-01T00:00:00Z",
        )


def test_replacing_a_type_also_undefines_the_terms_it_scoped():
    document = full_credential()
    at(document, "credentialSubject", "identifier", 0)["type"] = "HashedEmail"

    assert problems_of(document) == [
        ("undefined_property", key, f"credentialSubject.identifier[0].{key}")
        for key in ("hashed", "identityHash", "identityType", "salt")
    ] + [("undefined_type", "HashedEmail", "credentialSubject.identifier[0].type")]


def test_without_paths_the_terms_are_still_named():
    document = full_credential()
    document["grade"] = "A"
    at(document, "credentialSubject", "achievement")["ects"] = 7.5

    problems = problems_of(document, locate_paths=False)

    assert sorted(problems) == [
        ("undefined_property", "ects", None),
        ("undefined_property", "grade", None),
    ]


def test_all_findings_are_reported_together():
    document = full_credential()
    document["grade"] = "A"
    document["type"].append("CoachCertificate")
    at(document, "credentialSubject", "identifier", 0)["pepper"] = "x"
    at(document, "credentialSubject")["nickname"] = None

    with pytest.raises(UndefinedTermError) as caught:
        assert_all_terms_defined(document)

    assert {p.path for p in caught.value.problems} == {
        "credentialSubject.identifier[0].pepper",
        "credentialSubject.nickname",
        "grade",
        "type[2]",
    }
    assert "credentialSubject.identifier[0].pepper" in str(caught.value)


def test_many_findings_are_all_reported_within_the_work_limit():
    document = full_credential()
    at(document, "credentialSubject", "achievement")["alignment"] = [
        {"type": ["Alignment"], "targetName": f"t{i}", "bogus": i} for i in range(300)
    ]

    problems = problems_of(document)

    assert len(problems) == 300
    assert {(kind, term) for kind, term, _ in problems} == {
        ("undefined_property", "bogus")
    }
    paths = [path for _, _, path in problems]
    assert "credentialSubject.achievement.alignment[0].bogus" in paths
    assert all(
        path.startswith("credentialSubject.achievement.alignment") for path in paths
    )


def test_the_same_key_can_be_defined_in_one_place_and_not_another():
    document = full_credential()
    # "narrative" is an OB term everywhere; "caption" only inside an Image.
    document["narrative"] = "fine"
    at(document, "credentialSubject")["caption"] = "not fine"

    assert problems_of(document) == [
        ("undefined_property", "caption", "credentialSubject.caption")
    ]


def test_pyld_alone_would_drop_the_term_from_the_signed_data():
    document = full_credential()
    extended = copy.deepcopy(document)
    extended["credentialSubject"]["grade"] = "A"
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
    }

    assert jsonld.normalize(extended, options) == jsonld.normalize(document, options)
    with pytest.raises(UndefinedTermError):
        canonicalize(extended)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(full_credential(), id="builder, every option"),
        pytest.param(minimal_credential(), id="builder, required only"),
        pytest.param(
            json.loads((DATA / "w3c-eddsa-rdfc-2022" / "unsigned.json").read_text()),
            id="W3C vector",
        ),
        pytest.param(
            json.loads((DATA / "1edtech-ob3" / "vector.json").read_text())[
                "unsignedCredential"
            ],
            id="1EdTech vector",
        ),
    ],
)
def test_valid_documents_pass(document):
    assert_all_terms_defined(document)


def test_canonicalize_does_not_modify_its_input():
    document = full_credential()
    document["grade"] = "A"
    before = copy.deepcopy(document)

    with pytest.raises(UndefinedTermError):
        canonicalize(document)

    assert document == before


@pytest.mark.parametrize(
    "context",
    [
        [*OB3_CONTEXT, {"grade": "https://example.com/grade"}],
        [*OB3_CONTEXT, "https://example.com/context.jsonld"],
        None,
        {"@vocab": "https://example.com/"},
    ],
)
def test_only_pinned_context_urls_are_accepted(context):
    document = full_credential()
    document["@context"] = context

    with pytest.raises(ContextNotAllowedError):
        assert_all_terms_defined(document)


def test_nested_contexts_are_checked_too():
    document = full_credential()
    at(document, "credentialSubject")["@context"] = {"@vocab": "https://example.com/"}

    with pytest.raises(ContextNotAllowedError, match=r"credentialSubject\.@context"):
        assert_all_terms_defined(document)


@pytest.mark.parametrize(
    "value",
    [float("inf"), b"bytes", {1, 2}, "bell\x07", "tab\t", "\udc00"],
)
def test_values_that_cannot_be_signed_portably_are_refused(value):
    document = full_credential()
    document["name"] = value

    with pytest.raises(CanonicalizationError):
        canonicalize(document)


def test_line_breaks_are_signed():
    canonical = canonicalize(full_credential())

    assert "examinationer godkända.\\nRad två." in canonical


def test_depth_limit():
    document = full_credential()
    node = at(document, "credentialSubject", "achievement")
    for _ in range(MAX_DEPTH):
        node["criteria"] = {"narrative": "x"}
        node = node["criteria"]

    with pytest.raises(DocumentTooLargeError):
        canonicalize(document)


def test_non_object_documents_are_refused():
    with pytest.raises(CanonicalizationError):
        canonicalize([full_credential()])


# The OB 3.0 builder.


def test_builder_output_shape():
    document = full_credential()
    achievement = document["credentialSubject"]["achievement"]

    assert document["@context"] == list(OB3_CONTEXT)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"] == {
        "id": ISSUER,
        "type": ["Profile"],
        "name": "Coach Academy",
        "url": "https://academy.example/",
    }
    assert document["name"] == "Certifierad hälsocoach"
    assert document["credentialSubject"]["name"] == "أمينة يوسف"
    assert achievement["creditsAvailable"] == 7.5
    assert achievement["alignment"][0]["targetCode"] == "5"
    assert document["credentialStatus"]["statusListIndex"] == "42"


def test_builder_hashes_the_email_with_the_salt():
    identity = full_credential()["credentialSubject"]["identifier"][0]
    expected = hashlib.sha256(b"amina@example.org5a1t").hexdigest()

    assert identity == {
        "type": "IdentityObject",
        "identityHash": "sha256$" + expected,
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "5a1t",
    }
    assert "example.org" not in json.dumps(full_credential()).lower()


def test_identity_matches():
    identity = full_credential()["credentialSubject"]["identifier"][0]

    assert identity_matches(identity=identity, email="AMINA@example.org")
    assert not identity_matches(identity=identity, email="amina@example.com")
    assert not identity_matches(
        identity={**identity, "hashed": False}, email="amina@example.org"
    )


def test_salts_are_random():
    assert new_salt() != new_salt()
    assert recipient_identity_hash(email="a@b.c", salt="1") != recipient_identity_hash(
        email="a@b.c", salt="2"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credential_id", "credentials/7", "credential_id must be an absolute IRI"),
        ("issuer_id", "", "issuer_id must be an absolute IRI"),
        ("valid_from", "2025-03-01", "valid_from must be an XML Schema"),
        ("valid_until", "2025-03-01T00:00:00", "valid_until must be an XML Schema"),
        ("recipient_name", "  ", "recipient_name must be a non-empty string"),
        ("achievement_type", "Diplom", "unknown OB 3.0 achievement type"),
        ("credits_available", -1, "credits_available must be"),
        ("credits_available", float("nan"), "credits_available must be"),
        ("issuer_url", "ftp://academy.example/", "issuer_url must be"),
    ],
)
def test_builder_refuses_bad_input(field, value, message):
    arguments = {
        "credential_id": "https://academy.example/credentials/8",
        "issuer_id": ISSUER,
        "issuer_name": "Coach Academy",
        "valid_from": "2025-03-01T00:00:00Z",
        "recipient_email": "jonas@example.org",
        "recipient_salt": "salt",
        "recipient_name": "Jonas Berg",
        "achievement_id": "https://academy.example/certifications/wellbeing-coach",
        "achievement_name": "Wellbeing coach",
        "achievement_description": "Coaching.",
        "criteria_narrative": "Passed.",
    }
    arguments[field] = value

    with pytest.raises(ValueError, match=message):
        build_open_badge_credential(**arguments)


def test_builder_accepts_extension_achievement_types():
    document = build_open_badge_credential(
        credential_id="https://academy.example/credentials/9",
        issuer_id=ISSUER,
        issuer_name="Coach Academy",
        valid_from="2025-03-01T00:00:00Z",
        recipient_email="jonas@example.org",
        recipient_salt="salt",
        recipient_name="Jonas Berg",
        achievement_id="https://academy.example/certifications/wellbeing-coach",
        achievement_name="Wellbeing coach",
        achievement_description="Coaching.",
        criteria_narrative="Passed.",
        achievement_type="ext:CoachCertification",
    )

    assert document["credentialSubject"]["achievement"]["achievementType"] == (
        "ext:CoachCertification"
    )
    assert_all_terms_defined(document)
