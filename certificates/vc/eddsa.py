"""The ``eddsa-rdfc-2022`` Data Integrity cryptosuite (W3C vc-di-eddsa v1.0).

Signing, in the order the specification gives:

1. canonicalise the unsecured document with RDFC-1.0;
2. build the proof configuration: the proof options without ``proofValue``,
   with the document's ``@context``; canonicalise it;
3. hashData = SHA-256(canonical proof configuration) || SHA-256(canonical
   document), 64 bytes;
4. sign hashData with Ed25519 (deterministic: RFC 8032); the ``proofValue`` is
   multibase base58btc (``z``) of the 64-byte signature.

Both directions refuse a document with any term its contexts do not define
(see :mod:`certificates.vc.canonical`): such data would not be signed.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from certificates.vc.canonical import canonicalize
from certificates.vc.dates import (
    is_xsd_datetime_stamp,
    require_xsd_datetime_stamp,
    to_xsd_datetime,
)
from certificates.vc.errors import (
    CanonicalizationError,
    ContextNotAllowedError,
    DocumentTooLargeError,
    EncodingError,
    KeyNotFound,
    TermProblem,
    UndefinedTermError,
)
from certificates.vc.multibase import BASE58BTC, multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ASSERTION_METHOD = "assertionMethod"
SIGNATURE_LENGTH = 64

_ABSOLUTE_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")

KeyResolver = Callable[[str], Ed25519PublicKey]


class Reason(StrEnum):
    """Why a verification failed (or ``ok``); stable codes for callers and logs."""

    OK = "ok"
    MISSING_PROOF = "missing_proof"
    MALFORMED_PROOF = "malformed_proof"
    WRONG_CRYPTOSUITE = "wrong_cryptosuite"
    WRONG_PROOF_PURPOSE = "wrong_proof_purpose"
    KEY_NOT_CONTROLLED_BY_ISSUER = "key_not_controlled_by_issuer"
    UNKNOWN_KEY = "unknown_key"
    MALFORMED_DOCUMENT = "malformed_document"
    CONTEXT_NOT_ALLOWED = "context_not_allowed"
    UNDEFINED_TERM = "undefined_term"
    TOO_LARGE = "too_large"
    SIGNATURE_INVALID = "signature_invalid"


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The outcome of :func:`verify`. Truthy exactly when the proof is valid.

    ``message`` is English for logs and staff; translate ``reason`` for the
    public. ``problems`` lists the findings when ``reason`` is
    ``undefined_term``.
    """

    ok: bool
    reason: Reason
    message: str
    verification_method: str | None = None
    created: str | None = None
    problems: tuple[TermProblem, ...] = ()

    def __bool__(self) -> bool:
        return self.ok


def sign(
    document: Mapping[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """Return a copy of ``document`` with an ``eddsa-rdfc-2022`` proof added.

    ``created`` is an aware datetime (written in UTC, whole seconds) or an XML
    Schema dateTimeStamp string used as is. Deterministic: the same inputs give
    the same proof. ``document`` is not modified.

    Raises ValueError if the document already has a proof (proof sets and
    chains are not supported), has no ``@context``, or an argument is
    malformed; UndefinedTermError, ContextNotAllowedError,
    DocumentTooLargeError or CanonicalizationError if it cannot be signed.
    """
    if not isinstance(document, Mapping):
        raise TypeError("document must be a JSON object")
    if "proof" in document:
        raise ValueError("document already has a proof")
    if "@context" not in document:
        raise ValueError("document has no @context")
    if not isinstance(verification_method, str) or not _ABSOLUTE_IRI_RE.fullmatch(
        verification_method
    ):
        raise ValueError("verification_method must be an absolute IRI")
    if isinstance(created, datetime):
        created = to_xsd_datetime(created)
    else:
        require_xsd_datetime_stamp(created, field="created")
    proof_options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    verify_data = create_verify_data(document=document, proof_options=proof_options)
    signature = private_key.sign(verify_data)
    signed = copy.deepcopy(dict(document))
    signed["proof"] = {
        **proof_options,
        "proofValue": multibase_encode(signature, base=BASE58BTC),
    }
    return signed


def proof_configuration(
    *, document: Mapping[str, Any], proof_options: Mapping[str, Any]
) -> dict[str, Any]:
    """The proof options without ``proofValue``, with the document's ``@context``."""
    config = {
        key: value
        for key, value in proof_options.items()
        if key not in ("proofValue", "@context")
    }
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def hash_data(*, canonical_proof_config: str, canonical_document: str) -> bytes:
    """SHA-256 of the proof configuration followed by SHA-256 of the document."""
    return (
        hashlib.sha256(canonical_proof_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


def create_verify_data(
    *,
    document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    locate_paths: bool = True,
) -> bytes:
    """The 64 bytes that are signed for ``document`` under ``proof_options``.

    ``document`` must not contain its proof. Raises what
    :func:`~certificates.vc.canonical.canonicalize` raises.
    """
    canonical_document = canonicalize(dict(document), locate_paths=locate_paths)
    config = proof_configuration(document=document, proof_options=proof_options)
    canonical_config = canonicalize(config, locate_paths=locate_paths)
    return hash_data(
        canonical_proof_config=canonical_config,
        canonical_document=canonical_document,
    )


def verify(
    document: Any,
    *,
    resolve_key: KeyResolver,
    proof_purpose: str = ASSERTION_METHOD,
    require_issuer_controls_key: bool = True,
) -> VerificationResult:
    """Verify the ``eddsa-rdfc-2022`` proof of ``document``.

    ``resolve_key(verification_method_id)`` returns the Ed25519 public key or
    raises KeyNotFound. With ``require_issuer_controls_key`` the verification
    method must belong to the issuer: its id without the fragment must equal
    the issuer id (true of ``did:web`` keys listed in the issuer's DID
    document).

    Never raises on malformed or hostile documents: it returns a failed result
    whose ``reason`` says why. Checks the proof only; validity dates and
    revocation status are the caller's policy. Exceptions from ``resolve_key``
    other than KeyNotFound propagate (an infrastructure failure is not an
    invalid credential), as does ContextIntegrityError (a broken deployment).
    """
    if not isinstance(document, dict):
        return _fail(Reason.MALFORMED_DOCUMENT, "document is not a JSON object")
    proof = document.get("proof")
    if proof is None:
        return _fail(Reason.MISSING_PROOF, "document has no proof")
    if not isinstance(proof, dict):
        return _fail(Reason.MALFORMED_PROOF, "proof must be a single JSON object")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not _ABSOLUTE_IRI_RE.fullmatch(method):
        return _fail(Reason.MALFORMED_PROOF, "verificationMethod is not an IRI")
    created = proof.get("created")
    failure = _check_proof(document, proof, proof_purpose=proof_purpose)
    if failure is None and require_issuer_controls_key:
        failure = _check_controller(document, method)
    if failure is not None:
        reason, message = failure
        return _fail(reason, message, method=method)
    signature = multibase_decode(proof["proofValue"], expected_base=BASE58BTC)

    try:
        public_key = resolve_key(method)
    except KeyNotFound as error:
        return _fail(
            Reason.UNKNOWN_KEY, f"unknown key {method}: {error}", method=method
        )
    if not isinstance(public_key, Ed25519PublicKey):
        return _fail(
            Reason.UNKNOWN_KEY, f"{method} is not an Ed25519 key", method=method
        )

    unsecured = {key: value for key, value in document.items() if key != "proof"}
    try:
        canonical_document = canonicalize(unsecured, locate_paths=False)
        config = proof_configuration(document=unsecured, proof_options=proof)
        canonical_config = canonicalize(config, locate_paths=False)
    except UndefinedTermError as error:
        return VerificationResult(
            ok=False,
            reason=Reason.UNDEFINED_TERM,
            message=str(error),
            verification_method=method,
            problems=tuple(error.problems),
        )
    except DocumentTooLargeError as error:
        return _fail(Reason.TOO_LARGE, str(error), method=method)
    except ContextNotAllowedError as error:
        return _fail(Reason.CONTEXT_NOT_ALLOWED, str(error), method=method)
    except CanonicalizationError as error:
        return _fail(Reason.MALFORMED_DOCUMENT, str(error), method=method)

    data = hash_data(
        canonical_proof_config=canonical_config, canonical_document=canonical_document
    )
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return _fail(
            Reason.SIGNATURE_INVALID,
            "the signature does not match the document",
            method=method,
        )
    return VerificationResult(
        ok=True,
        reason=Reason.OK,
        message="valid eddsa-rdfc-2022 proof",
        verification_method=method,
        created=created if isinstance(created, str) else None,
    )


def _check_proof(
    document: dict, proof: dict, *, proof_purpose: str
) -> tuple[Reason, str] | None:
    if proof.get("type") != PROOF_TYPE:
        return Reason.WRONG_CRYPTOSUITE, f"proof type must be {PROOF_TYPE}"
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return Reason.WRONG_CRYPTOSUITE, f"cryptosuite must be {CRYPTOSUITE}"
    proof_value = proof.get("proofValue")
    try:
        signature = multibase_decode(proof_value, expected_base=BASE58BTC)
    except EncodingError as error:
        return Reason.MALFORMED_PROOF, f"proofValue: {error}"
    if len(signature) != SIGNATURE_LENGTH:
        return Reason.MALFORMED_PROOF, "proofValue is not a 64-byte signature"
    if proof.get("proofPurpose") != proof_purpose:
        return Reason.WRONG_PROOF_PURPOSE, f"proofPurpose must be {proof_purpose}"
    if "created" in proof and not is_xsd_datetime_stamp(proof["created"]):
        return Reason.MALFORMED_PROOF, "created is not an XML Schema dateTimeStamp"
    if "@context" in proof:
        # Data Integrity: the document's contexts must start with the proof's.
        proof_context = _as_list(proof["@context"])
        document_context = _as_list(document.get("@context"))
        if document_context[: len(proof_context)] != proof_context:
            return Reason.MALFORMED_PROOF, "proof @context does not match document"
    return None


def _check_controller(document: dict, method: str) -> tuple[Reason, str] | None:
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or method.split("#", 1)[0] != issuer_id:
        return (
            Reason.KEY_NOT_CONTROLLED_BY_ISSUER,
            f"verification method {method} does not belong to issuer {issuer_id!r}",
        )
    return None


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _fail(
    reason: Reason, message: str, *, method: str | None = None
) -> VerificationResult:
    return VerificationResult(
        ok=False, reason=reason, message=message, verification_method=method
    )
