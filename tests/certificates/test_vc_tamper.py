"""Signed credentials refuse every change, and verify never raises on junk."""

import copy
import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.vc import (
    CREDENTIALS_V2,
    EXAMPLES_V2,
    Alignment,
    DocumentTooLargeError,
    KeyNotFound,
    Reason,
    build_open_badge_credential,
    build_status_list_credential,
    canonicalize,
    entry_is_set,
    new_bitstring,
    set_bit,
    sign,
    status_entry,
    verify,
)

ISSUER = "did:web:academy.example"
METHOD = f"{ISSUER}#key-1"
LIST_URL = "https://academy.example/credentials/status/1"
INDEX = 94_567
CREATED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def private_key(label: str = "issuer") -> Ed25519PrivateKey:
    seed = hashlib.sha256(f"coach-academy test key {label}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def resolve_key(method: str):
    if method != METHOD:
        raise KeyNotFound(method)
    return private_key().public_key()


def credential(*, number: int = 1, holder: str = "Amina Yusuf") -> dict:
    return build_open_badge_credential(
        credential_id=f"https://academy.example/credentials/{number}",
        issuer_id=ISSUER,
        issuer_name="Coach Academy",
        issuer_url="https://academy.example/",
        valid_from="2025-03-01T00:00:00Z",
        valid_until="2030-03-01T00:00:00Z",
        recipient_email="amina@example.org",
        recipient_salt="c0ffee",
        recipient_name=holder,
        achievement_id="https://academy.example/certifications/wellbeing-coach",
        achievement_name="Certified wellbeing coach",
        achievement_description="Person-centred wellbeing coaching.",
        criteria_narrative="Completed all modules, assessments and practicum.",
        achievement_type="Certification",
        credits_available=15,
        field_of_study="Counselling",
        tags=["coaching", "wellbeing"],
        alignments=[
            Alignment(
                target_name="EQF level 5",
                target_url="https://europa.eu/europass/en/description-eight-eqf-levels",
                target_framework="European Qualifications Framework",
                target_code="5",
            )
        ],
        in_language="sv",
        credential_status=status_entry(LIST_URL, INDEX),
    )


def signed_credential(**kwargs) -> dict:
    return sign(
        credential(**kwargs),
        private_key=private_key(),
        verification_method=METHOD,
        created=CREATED,
    )


def test_signed_credential_verifies():
    result = verify(signed_credential(), resolve_key=resolve_key)

    assert result.ok, result.message
    assert bool(result) is True
    assert result.created == "2025-03-01T09:30:00Z"


def test_signing_and_verifying_from_many_threads():
    def round_trip(number: int) -> bool:
        return verify(signed_credential(number=number), resolve_key=resolve_key).ok

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(round_trip, range(32)))

    assert all(results)


def test_sign_does_not_modify_its_input():
    unsigned = credential()
    before = copy.deepcopy(unsigned)

    sign(
        unsigned, private_key=private_key(), verification_method=METHOD, created=CREATED
    )

    assert unsigned == before


def test_sign_refuses_a_signed_document():
    with pytest.raises(ValueError, match="already has a proof"):
        sign(
            signed_credential(),
            private_key=private_key(),
            verification_method=METHOD,
            created=CREATED,
        )


@pytest.mark.parametrize(
    "created",
    ["2025-03-01", "2025-03-01T09:30:00", datetime(2025, 3, 1)],  # noqa: DTZ001
)
def test_sign_refuses_a_created_without_time_zone(created):
    with pytest.raises(ValueError, match=r"(dateTimeStamp|timezone-aware)"):
        sign(
            credential(),
            private_key=private_key(),
            verification_method=METHOD,
            created=created,
        )


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "name"), "Amina Yusuh"),
        (("credentialSubject", "achievement", "name"), "Certified wellbeing coacH"),
        (("credentialSubject", "identifier", 0, "salt"), "c0ffeE"),
        (("issuer", "name"), "Coach Academy!"),
        (("validUntil",), "2099-03-01T00:00:00Z"),
        (("credentialStatus", "statusListIndex"), str(INDEX + 1)),
        (("type", 1), "EndorsementCredential"),
    ],
)
def test_changing_any_signed_value_invalidates_the_signature(path, value):
    tampered = signed_credential()
    target = tampered
    for token in path[:-1]:
        target = target[token]
    target[path[-1]] = value

    result = verify(tampered, resolve_key=resolve_key)

    assert result.reason == Reason.SIGNATURE_INVALID
    assert not result


def test_changing_proof_metadata_invalidates_the_signature():
    tampered = signed_credential()
    tampered["proof"]["created"] = "2025-03-02T09:30:00Z"

    assert verify(tampered, resolve_key=resolve_key).reason == Reason.SIGNATURE_INVALID


@pytest.mark.parametrize(
    "place",
    [(), ("credentialSubject",), ("credentialSubject", "achievement"), ("issuer",)],
)
def test_adding_an_undefined_field_is_refused(place):
    tampered = signed_credential()
    target = tampered
    for token in place:
        target = target[token]
    target["grade"] = "A"

    result = verify(tampered, resolve_key=resolve_key)

    assert result.reason == Reason.UNDEFINED_TERM
    assert [problem.term for problem in result.problems] == ["grade"]


def test_undefined_field_in_the_proof_is_refused():
    tampered = signed_credential()
    tampered["proof"]["note"] = "unsigned"

    assert verify(tampered, resolve_key=resolve_key).reason == Reason.UNDEFINED_TERM


def test_proof_from_another_credential_is_invalid():
    first = signed_credential(number=1)
    second = signed_credential(number=2, holder="Jonas Berg")
    first["proof"] = second["proof"]

    assert verify(second, resolve_key=resolve_key).ok
    assert verify(first, resolve_key=resolve_key).reason == Reason.SIGNATURE_INVALID


def test_signature_by_another_key_is_invalid():
    forged = sign(
        credential(),
        private_key=private_key("attacker"),
        verification_method=METHOD,
        created=CREATED,
    )

    assert verify(forged, resolve_key=resolve_key).reason == Reason.SIGNATURE_INVALID


def test_unknown_key():
    signed = sign(
        credential(),
        private_key=private_key(),
        verification_method=f"{ISSUER}#key-2",
        created=CREATED,
    )

    result = verify(signed, resolve_key=resolve_key)

    assert result.reason == Reason.UNKNOWN_KEY
    assert result.verification_method == f"{ISSUER}#key-2"


def test_key_of_someone_other_than_the_issuer_is_refused():
    other = "did:web:elsewhere.example#key-1"
    signed = sign(
        credential(),
        private_key=private_key(),
        verification_method=other,
        created=CREATED,
    )

    result = verify(signed, resolve_key=lambda method: private_key().public_key())

    assert result.reason == Reason.KEY_NOT_CONTROLLED_BY_ISSUER


def test_resolver_returning_a_non_ed25519_key_is_unknown_key():
    result = verify(signed_credential(), resolve_key=lambda method: "not a key")

    assert result.reason == Reason.UNKNOWN_KEY


def test_resolver_failures_other_than_key_not_found_propagate():
    def broken(method):
        raise ConnectionError("database is down")

    with pytest.raises(ConnectionError):
        verify(signed_credential(), resolve_key=broken)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"type": "Ed25519Signature2020"}, Reason.WRONG_CRYPTOSUITE),
        ({"cryptosuite": "ecdsa-rdfc-2019"}, Reason.WRONG_CRYPTOSUITE),
        ({"cryptosuite": "eddsa-jcs-2022"}, Reason.WRONG_CRYPTOSUITE),
        ({"proofPurpose": "authentication"}, Reason.WRONG_PROOF_PURPOSE),
        ({"proofValue": "u" + "A" * 86}, Reason.MALFORMED_PROOF),
        ({"proofValue": "z1111"}, Reason.MALFORMED_PROOF),
        ({"proofValue": None}, Reason.MALFORMED_PROOF),
        ({"verificationMethod": "key-1"}, Reason.MALFORMED_PROOF),
        (
            {"verificationMethod": ["did:web:academy.example#key-1"]},
            Reason.MALFORMED_PROOF,
        ),
        ({"created": "yesterday"}, Reason.MALFORMED_PROOF),
        (
            {"@context": ["https://www.w3.org/ns/credentials/examples/v2"]},
            Reason.MALFORMED_PROOF,
        ),
    ],
)
def test_malformed_or_foreign_proofs(change, reason):
    tampered = signed_credential()
    tampered["proof"].update(change)

    assert verify(tampered, resolve_key=resolve_key).reason == reason


def test_proof_with_matching_context_prefix_is_accepted():
    signed = signed_credential()
    signed["proof"]["@context"] = [CREDENTIALS_V2]

    assert verify(signed, resolve_key=resolve_key).ok


def test_missing_and_non_object_proofs():
    signed = signed_credential()
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    as_list = {**unsigned, "proof": [signed["proof"]]}

    assert verify(unsigned, resolve_key=resolve_key).reason == Reason.MISSING_PROOF
    assert verify(as_list, resolve_key=resolve_key).reason == Reason.MALFORMED_PROOF


def test_unpinned_context_is_refused():
    tampered = signed_credential()
    tampered["@context"] = [*tampered["@context"], "https://evil.example/context.json"]

    assert (
        verify(tampered, resolve_key=resolve_key).reason == Reason.CONTEXT_NOT_ALLOWED
    )


def test_inline_context_is_refused():
    tampered = signed_credential()
    tampered["@context"] = [*tampered["@context"], {"grade": "https://evil.example/g"}]
    tampered["grade"] = "A"

    assert (
        verify(tampered, resolve_key=resolve_key).reason == Reason.CONTEXT_NOT_ALLOWED
    )


def deeply_nested(depth: int) -> dict:
    document = signed_credential()
    node = document["credentialSubject"]["achievement"]
    for _ in range(depth):
        node["criteria"] = {"narrative": "x", "nested": {}}
        node = node["criteria"]["nested"]
    return document


def blank_node_clique(size: int) -> dict:
    # Blank nodes that all know each other are indistinguishable: RDFC-1.0
    # would try every permutation of them (a "poison graph").
    return {
        "@context": [CREDENTIALS_V2, EXAMPLES_V2],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": [
            {
                "id": f"_:n{i}",
                "knows": [{"id": f"_:n{j}"} for j in range(size) if j != i],
            }
            for i in range(size)
        ],
    }


def test_poison_graph_is_refused_quickly():
    with pytest.raises(DocumentTooLargeError, match="too much work"):
        canonicalize(blank_node_clique(12))


def test_small_blank_node_groups_are_canonicalised():
    assert canonicalize(blank_node_clique(4)).count("_:c14n") > 0


HOSTILE_DOCUMENTS = {
    "none": lambda: None,
    "list": lambda: [],
    "string": lambda: "a string",
    "number": lambda: 42,
    "empty": dict,
    "proof string": lambda: {"proof": "x"},
    "empty proof": lambda: {"proof": {}},
    "proof without value": lambda: {
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    },
    "non-string key": lambda: {1: "x"},
    "too deep": lambda: deeply_nested(40),
    "poison graph": lambda: blank_node_clique(12),
}


@pytest.mark.parametrize("make", HOSTILE_DOCUMENTS.values(), ids=HOSTILE_DOCUMENTS)
def test_verify_never_raises_on_hostile_input(make):
    document = make()
    candidates = [document]
    if isinstance(document, dict) and "proof" not in document:
        candidates.append({**document, "proof": signed_credential()["proof"]})

    for candidate in candidates:
        result = verify(
            candidate,
            resolve_key=lambda method: private_key().public_key(),
            require_issuer_controls_key=False,
        )
        assert not result.ok
        assert result.reason in set(Reason) - {Reason.OK}
        assert result.message


def test_verify_reports_size_limits():
    result = verify(deeply_nested(40), resolve_key=resolve_key)

    assert result.reason == Reason.TOO_LARGE


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.update({"@context": None}), Reason.CONTEXT_NOT_ALLOWED),
        (lambda d: d.update({"id": 5}), Reason.MALFORMED_DOCUMENT),
        (lambda d: d.update({"name": float("nan")}), Reason.MALFORMED_DOCUMENT),
        (lambda d: d.update({"name": "tab\there"}), Reason.MALFORMED_DOCUMENT),
        (lambda d: d.update({"name": "\ud800"}), Reason.MALFORMED_DOCUMENT),
        (lambda d: d.update({"name": object()}), Reason.MALFORMED_DOCUMENT),
        (
            lambda d: d.update({"name": {"@value": "x", "@language": 5}}),
            Reason.MALFORMED_DOCUMENT,
        ),
        (lambda d: d.update({"type": {"a": 1}}), Reason.MALFORMED_DOCUMENT),
        (
            lambda d: d.update({"validFrom": {"@value": {"nested": 1}}}),
            Reason.MALFORMED_DOCUMENT,
        ),
        (lambda d: d.update({"name": None}), Reason.UNDEFINED_TERM),
        (lambda d: d.update({"@graph": []}), Reason.UNDEFINED_TERM),
    ],
)
def test_verify_returns_a_reason_for_malformed_documents(mutate, reason):
    document = signed_credential()
    mutate(document)

    result = verify(document, resolve_key=resolve_key)

    assert result.reason == reason, result.message


# Revocation through the signed status list.


def signed_status_list(bitstring: bytearray) -> dict:
    return sign(
        build_status_list_credential(
            credential_id=LIST_URL,
            issuer_id=ISSUER,
            valid_from="2025-03-01T00:00:00Z",
            bitstring=bitstring,
        ),
        private_key=private_key(),
        verification_method=METHOD,
        created=CREATED,
    )


def test_flipping_the_status_bit_reads_as_revoked():
    entry = signed_credential()["credentialStatus"]
    bitstring = new_bitstring()
    before = signed_status_list(bitstring)

    set_bit(bitstring, INDEX)
    after = signed_status_list(bitstring)

    assert verify(before, resolve_key=resolve_key).ok
    assert verify(after, resolve_key=resolve_key).ok
    assert entry_is_set(list_credential=before, entry=entry) is False
    assert entry_is_set(list_credential=after, entry=entry) is True


def test_status_list_cannot_be_swapped_without_a_new_signature():
    bitstring = new_bitstring()
    published = signed_status_list(bitstring)
    set_bit(bitstring, INDEX)
    forged = copy.deepcopy(published)
    forged["credentialSubject"]["encodedList"] = signed_status_list(bitstring)[
        "credentialSubject"
    ]["encodedList"]

    assert verify(forged, resolve_key=resolve_key).reason == Reason.SIGNATURE_INVALID
