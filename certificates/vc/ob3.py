"""Build Open Badges 3.0 ``OpenBadgeCredential`` documents (unsigned).

Data in, data out: plain values in, a JSON-ready ``dict`` out, on the VC Data
Model 2.0 with the contexts ``[credentials/v2, ob context 3.0.3]``. Every key
written here is a term those contexts define; the builder's tests check the
output with :func:`certificates.vc.canonical.assert_all_terms_defined`.

The recipient is identified by a salted SHA-256 of their e-mail address (an OB
3.0 ``IdentityObject``), so the credential does not publish the address; their
name is the subject's ``name`` (``schema:name``).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from certificates.vc.dates import require_xsd_datetime_stamp
from certificates.vc.loader import CREDENTIALS_V2, OB_V3P0_CONTEXT

OB3_CONTEXT = (CREDENTIALS_V2, OB_V3P0_CONTEXT)
IDENTITY_HASH_PREFIX = "sha256$"

# OB 3.0 AchievementType vocabulary; extensions are written "ext:Name".
ACHIEVEMENT_TYPES = frozenset(
    {
        "Achievement",
        "ApprenticeshipCertificate",
        "Assessment",
        "Assignment",
        "AssociateDegree",
        "Award",
        "Badge",
        "BachelorDegree",
        "Certificate",
        "CertificateOfCompletion",
        "Certification",
        "CommunityService",
        "Competency",
        "Course",
        "CoCurricular",
        "Degree",
        "Diploma",
        "DoctoralDegree",
        "Fieldwork",
        "GeneralEducationDevelopment",
        "JourneymanCertificate",
        "LearningProgram",
        "License",
        "Membership",
        "ProfessionalDoctorate",
        "QualityAssuranceCredential",
        "MasterCertificate",
        "MasterDegree",
        "MicroCredential",
        "ResearchDoctorate",
        "SecondarySchoolDiploma",
    }
)
_EXTENSION_RE = re.compile(r"ext:[A-Za-z0-9._-]+")
_ABSOLUTE_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]+")
_HTTP_URL_RE = re.compile(r"https?://[^\s<>\"{}|^`\\]+")


@dataclass(frozen=True, slots=True)
class Alignment:
    """An OB 3.0 ``Alignment``: the achievement maps to an item in a framework.

    For example the European Qualifications Framework level, an ESCO skill or
    an ISCED-F field. ``target_type`` is OB 3.0's ``targetType`` vocabulary
    (``ceasn:Competency``, ``CFItem``, ``ext:...``), passed through as given.
    """

    target_name: str
    target_url: str
    target_description: str | None = None
    target_framework: str | None = None
    target_code: str | None = None
    target_type: str | None = None


def new_salt() -> str:
    """A fresh random salt for a recipient identity hash (128 bits, hex)."""
    return secrets.token_hex(16)


def normalize_email(email: str) -> str:
    """The form of an address that is hashed: surrounding space removed, lower case."""
    return email.strip().lower()


def recipient_identity_hash(*, email: str, salt: str) -> str:
    """``sha256$`` + hex SHA-256 of the normalised address followed by the salt."""
    digest = hashlib.sha256((normalize_email(email) + salt).encode("utf-8"))
    return IDENTITY_HASH_PREFIX + digest.hexdigest()


def identity_matches(*, identity: Mapping[str, Any], email: str) -> bool:
    """Whether a hashed ``emailAddress`` IdentityObject identifies ``email``.

    False for any other kind of identity object. Constant-time comparison.
    """
    salt = identity.get("salt", "")
    expected = identity.get("identityHash")
    if (
        identity.get("identityType") != "emailAddress"
        or identity.get("hashed") is not True
        or not isinstance(salt, str)
        or not isinstance(expected, str)
    ):
        return False
    actual = recipient_identity_hash(email=email, salt=salt)
    return hmac.compare_digest(actual.encode(), expected.encode())


def build_open_badge_credential(
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    issuer_url: str | None = None,
    valid_from: str,
    valid_until: str | None = None,
    recipient_email: str,
    recipient_salt: str,
    recipient_name: str,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria_narrative: str,
    achievement_type: str = "Certificate",
    credential_name: str | None = None,
    credits_available: float | Decimal | None = None,
    field_of_study: str | None = None,
    tags: Sequence[str] = (),
    alignments: Sequence[Alignment] = (),
    in_language: str | None = None,
    human_code: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build an unsigned ``OpenBadgeCredential``.

    ``valid_from``/``valid_until`` are XML Schema dateTimeStamp strings (see
    :func:`certificates.vc.dates.to_xsd_datetime`). ``credits_available`` is
    the ECTS (or other) credit value, ``field_of_study`` e.g. an ISCED-F field.
    ``credential_status`` is a :func:`certificates.vc.status_list.status_entry`.
    The credential ``name`` defaults to the achievement name. Optional values
    left as None or empty are omitted. Pure; deterministic for given inputs.

    Raises ValueError for a missing text, an id that is not an absolute IRI, a
    malformed date, a negative or non-finite credit value or an unknown
    achievement type.
    """
    issuer: dict[str, Any] = {
        "id": _iri(issuer_id, "issuer_id"),
        "type": ["Profile"],
        "name": _text(issuer_name, "issuer_name"),
    }
    if issuer_url is not None:
        if not _HTTP_URL_RE.fullmatch(issuer_url):
            raise ValueError("issuer_url must be an http(s) URL")
        issuer["url"] = issuer_url

    achievement: dict[str, Any] = {
        "id": _iri(achievement_id, "achievement_id"),
        "type": ["Achievement"],
        "achievementType": _achievement_type(achievement_type),
        "name": _text(achievement_name, "achievement_name"),
        "description": _text(achievement_description, "achievement_description"),
        "criteria": {"narrative": _text(criteria_narrative, "criteria_narrative")},
    }
    if credits_available is not None:
        achievement["creditsAvailable"] = _credits(credits_available)
    if field_of_study is not None:
        achievement["fieldOfStudy"] = _text(field_of_study, "field_of_study")
    if human_code is not None:
        achievement["humanCode"] = _text(human_code, "human_code")
    if in_language is not None:
        achievement["inLanguage"] = _text(in_language, "in_language")
    if tags:
        achievement["tag"] = [_text(tag, "tags") for tag in tags]
    if alignments:
        achievement["alignment"] = [_alignment(item) for item in alignments]

    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "name": _text(recipient_name, "recipient_name"),
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": recipient_identity_hash(
                    email=_text(recipient_email, "recipient_email"),
                    salt=_text(recipient_salt, "recipient_salt"),
                ),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": recipient_salt,
            }
        ],
        "achievement": achievement,
    }

    credential: dict[str, Any] = {
        "@context": list(OB3_CONTEXT),
        "id": _iri(credential_id, "credential_id"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": require_xsd_datetime_stamp(valid_from, field="valid_from"),
    }
    if valid_until is not None:
        credential["validUntil"] = require_xsd_datetime_stamp(
            valid_until, field="valid_until"
        )
    credential["name"] = _text(credential_name or achievement_name, "credential_name")
    credential["credentialSubject"] = subject
    if credential_status is not None:
        credential["credentialStatus"] = dict(credential_status)
    return credential


def _alignment(item: Alignment) -> dict[str, Any]:
    alignment: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": _text(item.target_name, "target_name"),
        "targetUrl": _iri(item.target_url, "target_url"),
    }
    optional = {
        "targetDescription": item.target_description,
        "targetFramework": item.target_framework,
        "targetCode": item.target_code,
        "targetType": item.target_type,
    }
    for key, value in optional.items():
        if value is not None:
            alignment[key] = _text(value, key)
    return alignment


def _achievement_type(value: str) -> str:
    if value in ACHIEVEMENT_TYPES or _EXTENSION_RE.fullmatch(value):
        return value
    raise ValueError(f"unknown OB 3.0 achievement type {value!r}")


def _credits(value: float | Decimal) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError("credits_available must be a finite, non-negative number")
    return number


def _iri(value: str, field: str) -> str:
    if not isinstance(value, str) or not _ABSOLUTE_IRI_RE.fullmatch(value):
        raise ValueError(f"{field} must be an absolute IRI, got {value!r}")
    return value


def _text(value: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} must be a non-empty string")
    return value
