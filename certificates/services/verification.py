"""Verify a credential: our signature, our key, our status list, its dates.

Used by the public page (on the stored credential) and by ``POST /api/verify``
(on whatever someone sends). Nothing is taken on trust from a database flag:
the signature is checked, the revocation bit is read from the status list,
the dates are those signed in the credential.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import conf
from certificates.did import issuer_did, key_id_from_method
from certificates.models import Certificate, SigningKey, StatusList
from certificates.services.keys import key_resolver, signing_keys_by_id
from certificates.vc import is_set, is_xsd_datetime_stamp, verify

CREDENTIAL_TYPE = "OpenBadgeCredential"
_INDEX_RE = re.compile(r"[0-9]{1,10}")

# Overall states, in the order the public page explains them.
VALID = "valid"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
INVALID = "invalid"


@dataclass(frozen=True)
class Check:
    """One check: ``name`` (format, issuer, signature, key, status, validity)."""

    name: str
    ok: bool
    code: str
    message: str


@dataclass(frozen=True)
class VerificationReport:
    """Each check and the overall ``status``; ``reason`` is the first failure's code.

    ``certificate`` is our record of the credential, given only when the
    signature, issuer and key checks pass (so a forged document learns
    nothing about our records).
    """

    status: str
    reason: str
    checks: tuple[Check, ...]
    credential: dict | None
    certificate: Certificate | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    @property
    def valid(self) -> bool:
        return self.status == VALID

    @property
    def authentic(self) -> bool:
        """Signed by us with a key that was in force: the content is ours."""
        return all(
            check.ok
            for check in self.checks
            if check.name in ("format", "issuer", "signature", "key")
        )

    def check(self, name: str) -> Check | None:
        return next((check for check in self.checks if check.name == name), None)

    def summary(self) -> dict:
        """What the credential says about itself (only meaningful when authentic)."""
        credential = self.credential or {}
        subject = _dict(credential.get("credentialSubject"))
        achievement = _dict(subject.get("achievement"))
        issuer = _dict(credential.get("issuer"))
        return {
            "id": credential.get("id"),
            "holder": subject.get("name"),
            "achievement": achievement.get("name"),
            "issuer": issuer.get("name"),
            "issuer_id": issuer.get("id"),
            "valid_from": credential.get("validFrom"),
            "valid_until": credential.get("validUntil"),
        }

    def as_json(self) -> dict:
        result = {
            "valid": self.valid,
            "status": self.status,
            "reason": self.reason,
            "checks": [
                {
                    "check": check.name,
                    "ok": check.ok,
                    "code": check.code,
                    "message": check.message,
                }
                for check in self.checks
            ],
        }
        if self.authentic:
            result["credential"] = self.summary()
            if self.certificate is not None and self.certificate.revoked_at:
                result["revoked_at"] = self.certificate.revoked_at.isoformat()
                result["public_reason"] = self.certificate.public_reason
        return result


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def parse_datetime_stamp(value) -> datetime | None:
    if not is_xsd_datetime_stamp(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _check_format(credential) -> Check:
    types = credential.get("type") if isinstance(credential, dict) else None
    if isinstance(types, list) and CREDENTIAL_TYPE in types:
        return Check("format", True, "ok", _("An Open Badges 3.0 credential."))
    return Check(
        "format",
        False,
        "not_a_certificate",
        _("This is not an Open Badges credential."),
    )


def _check_issuer(credential: dict) -> Check:
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id == issuer_did():
        return Check(
            "issuer", True, "ok", _("Issued by us (%(did)s).") % {"did": issuer_id}
        )
    return Check(
        "issuer",
        False,
        "unknown_issuer",
        _("Not issued by us, so we cannot vouch for it."),
    )


# A signature that checked out is a fact about those exact bytes and that
# public key, so it is remembered; anything else is checked every time.
SIGNATURE_CACHE_SECONDS = 24 * 60 * 60


def _signature_cache_key(credential: dict, keys: dict[str, SigningKey]) -> str | None:
    proof = _dict(credential.get("proof"))
    key = keys.get(key_id_from_method(proof.get("verificationMethod")) or "")
    if key is None:
        return None
    try:
        content = json.dumps(
            credential, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
    except (TypeError, ValueError):
        return None
    digest = hashlib.sha256(
        f"{key.key_id}\n{key.public_key_multibase}\n{content}".encode()
    ).hexdigest()
    return f"certificates:signature-ok:{digest}"


def _check_signature(credential: dict, keys: dict[str, SigningKey]) -> Check:
    cache_key = _signature_cache_key(credential, keys)
    if cache_key is not None and cache.get(cache_key):
        return Check("signature", True, "ok", _("The signature is valid."))
    result = verify(credential, resolve_key=key_resolver(keys))
    if result.ok:
        if cache_key is not None:
            cache.set(cache_key, True, SIGNATURE_CACHE_SECONDS)
        return Check("signature", True, "ok", _("The signature is valid."))
    messages = {
        "signature_invalid": _(
            "The signature does not match: the content was changed."
        ),
        "undefined_term": _("The credential holds data its contexts do not define."),
        "unknown_key": _("It was signed with a key that is not ours."),
        "missing_proof": _("The credential is not signed."),
    }
    return Check(
        "signature",
        False,
        str(result.reason),
        str(messages.get(str(result.reason), _("The signature could not be checked."))),
    )


def _check_key(credential: dict, keys: dict[str, SigningKey]) -> Check:
    proof = _dict(credential.get("proof"))
    key = keys.get(key_id_from_method(proof.get("verificationMethod")) or "")
    if key is None:
        return Check("key", False, "unknown_key", _("The signing key is not ours."))
    created = parse_datetime_stamp(proof.get("created"))
    if created is None:
        return Check("key", False, "malformed_proof", _("The signature has no date."))
    if key.retired_at is not None and created >= key.retired_at:
        return Check(
            "key",
            False,
            "retired_key",
            _("It was signed with a key after that key was retired."),
        )
    return Check(
        "key", True, "ok", _("Signed with our key %(key)s.") % {"key": key.key_id}
    )


def _status_location(credential: dict) -> tuple[StatusList, int] | str:
    """The list and bit a credential's status entry points at, or a failure code."""
    entry = credential.get("credentialStatus")
    if isinstance(entry, list) and len(entry) == 1:
        entry = entry[0]
    if not isinstance(entry, dict):
        return "no_status"
    if (
        entry.get("type") != "BitstringStatusListEntry"
        or entry.get("statusPurpose") != "revocation"
    ):
        return "unknown_status"
    match = re.fullmatch(
        re.escape(conf.site_url()) + r"/status/([0-9]{1,9})",
        str(entry.get("statusListCredential", "")),
    )
    raw_index = entry.get("statusListIndex")
    if match is None:
        return "unknown_status_list"
    if not isinstance(raw_index, str) or not _INDEX_RE.fullmatch(raw_index):
        return "unknown_status"
    status_list = StatusList.objects.filter(number=int(match[1])).first()
    if status_list is None or int(raw_index) >= status_list.size_bits:
        return "unknown_status_list"
    return status_list, int(raw_index)


def _check_status(location) -> Check:
    if isinstance(location, str):
        messages = {
            "no_status": _("The credential has no revocation status to check."),
            "unknown_status": _("The credential's status entry is not one we use."),
            "unknown_status_list": _("The credential's status list is not ours."),
        }
        return Check("status", False, location, str(messages[location]))
    status_list, index = location
    if is_set(bytes(status_list.bitstring), index):
        return Check("status", False, "revoked", _("The certificate has been revoked."))
    return Check("status", True, "ok", _("The certificate has not been revoked."))


def _check_validity(
    credential: dict, now: datetime
) -> tuple[Check, datetime | None, datetime | None]:
    valid_from = parse_datetime_stamp(credential.get("validFrom"))
    raw_until = credential.get("validUntil")
    valid_until = parse_datetime_stamp(raw_until) if raw_until is not None else None
    if valid_from is None or (raw_until is not None and valid_until is None):
        check = Check(
            "validity", False, "malformed_dates", _("The dates are malformed.")
        )
    elif now < valid_from:
        check = Check(
            "validity", False, "not_yet_valid", _("The certificate is not valid yet.")
        )
    elif valid_until is not None and now >= valid_until:
        check = Check("validity", False, "expired", _("The certificate has expired."))
    else:
        check = Check("validity", True, "ok", _("Within its validity period."))
    return check, valid_from, valid_until


def certificate_verify(
    *, credential, now: datetime | None = None
) -> VerificationReport:
    """Check ``credential`` against our keys, status lists and the clock.

    Never raises on malformed or hostile input. A few queries: the signing
    keys, the status list, our certificate record.
    """
    now = now or timezone.now()
    format_check = _check_format(credential)
    if not format_check.ok:
        return VerificationReport(
            status=INVALID,
            reason=format_check.code,
            checks=(format_check,),
            credential=credential if isinstance(credential, dict) else None,
        )
    keys = signing_keys_by_id()
    location = _status_location(credential)
    validity, valid_from, valid_until = _check_validity(credential, now)
    checks = (
        format_check,
        _check_issuer(credential),
        _check_signature(credential, keys),
        _check_key(credential, keys),
        _check_status(location),
        validity,
    )
    authentic = all(check.ok for check in checks[:4])
    status_check = checks[4]
    if not authentic:
        status = INVALID
    elif not status_check.ok:
        status = REVOKED if status_check.code == "revoked" else INVALID
    elif not validity.ok:
        status = {"expired": EXPIRED, "not_yet_valid": NOT_YET_VALID}.get(
            validity.code, INVALID
        )
    else:
        status = VALID
    reason = next((check.code for check in checks if not check.ok), "ok")

    certificate = None
    if authentic and not isinstance(location, str):
        status_list, index = location
        certificate = (
            Certificate.objects.select_related("superseded_by")
            .filter(status_list=status_list, status_index=index)
            .first()
        )
        if certificate is not None and certificate.credential.get(
            "id"
        ) != credential.get("id"):
            certificate = None
    return VerificationReport(
        status=status,
        reason=reason,
        checks=checks,
        credential=credential,
        certificate=certificate,
        valid_from=valid_from,
        valid_until=valid_until,
    )
