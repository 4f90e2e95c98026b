"""W3C Bitstring Status List v1.0: revocation by one bit per credential.

The list is a bitstring of at least ``MIN_BITS`` bits (16 KiB), published as
``encodedList`` = ``u`` + base64url (no padding) of its GZIP compression. Bit
0 is the most significant bit of byte 0 ("left-most"). Each credential gets a
random free index so that the list reveals neither issue order nor volume.
"""

from __future__ import annotations

import gzip
import re
import secrets
import zlib
from typing import Any, Protocol

from certificates.vc.dates import require_xsd_datetime_stamp
from certificates.vc.errors import EncodingError
from certificates.vc.loader import CREDENTIALS_V2
from certificates.vc.multibase import BASE64URL, multibase_decode, multibase_encode

MIN_BITS = 131_072
# Upper bound on a decoded list (2**27 bits): a hostile encodedList could
# otherwise be a gzip bomb.
MAX_DECODED_BYTES = 16 * 1024 * 1024
REVOCATION = "revocation"
SUSPENSION = "suspension"
STATUS_PURPOSES = frozenset({REVOCATION, SUSPENSION})

# Tries at random before falling back to a scan from a random start, so that
# a nearly full list still answers in bounded time.
_RANDOM_TRIES = 64
_INDEX_RE = re.compile(r"[0-9]{1,10}")


class RandBelow(Protocol):
    """Anything with ``randbelow(n)``, like the :mod:`secrets` module."""

    def randbelow(self, exclusive_upper_bound: int) -> int: ...


def new_bitstring(size: int = MIN_BITS) -> bytearray:
    """A cleared bitstring of ``size`` bits.

    Raises ValueError unless ``size`` is a multiple of 8 and at least MIN_BITS.
    """
    _check_size(size)
    return bytearray(size // 8)


def encode_bitstring(bits: bytes | bytearray) -> str:
    """Encode a bitstring as an ``encodedList`` value.

    Deterministic: the GZIP header carries no timestamp or file name. Raises
    ValueError if the bitstring is shorter than MIN_BITS.
    """
    _check_size(len(bits) * 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return multibase_encode(compressed, base=BASE64URL)


def decode_bitstring(encoded: str) -> bytearray:
    """Decode an ``encodedList`` value into a bitstring.

    Raises EncodingError if it is not ``u`` + base64url of one GZIP member, if
    it expands past MAX_DECODED_BYTES, or if the result is shorter than
    MIN_BITS.
    """
    compressed = multibase_decode(encoded, expected_base=BASE64URL)
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        bits = decompressor.decompress(compressed, MAX_DECODED_BYTES + 1)
    except zlib.error as error:
        raise EncodingError(f"encodedList is not valid GZIP: {error}") from error
    if len(bits) > MAX_DECODED_BYTES:
        raise EncodingError("encodedList expands past the size limit")
    if not decompressor.eof or decompressor.unused_data:
        raise EncodingError("encodedList is not exactly one complete GZIP member")
    if len(bits) * 8 < MIN_BITS:
        raise EncodingError(f"status list is shorter than {MIN_BITS} bits")
    return bytearray(bits)


def is_set(bitstring: bytes | bytearray, index: int) -> bool:
    """Whether bit ``index`` is 1. Raises IndexError if it is out of range."""
    byte, mask = _locate(bitstring, index)
    return bool(bitstring[byte] & mask)


def set_bit(bitstring: bytearray, index: int, *, value: bool = True) -> None:
    """Set bit ``index`` to ``value`` in place. Idempotent.

    Raises IndexError if ``index`` is out of range.
    """
    byte, mask = _locate(bitstring, index)
    if value:
        bitstring[byte] |= mask
    else:
        bitstring[byte] &= ~mask & 0xFF


def random_free_index(
    used: set[int] | frozenset[int], size: int, *, rng: RandBelow = secrets
) -> int:
    """A random index in ``range(size)`` that is not in ``used``.

    Uniform over the free indexes (rejection sampling) unless ``_RANDOM_TRIES``
    tries all hit used ones; then the first free index after a random start,
    wrapping. Does not modify ``used``. Raises ValueError when none is free.
    """
    if size <= 0:
        raise ValueError("size must be positive")
    if sum(1 for index in used if 0 <= index < size) >= size:
        raise ValueError("status list is full")
    for _ in range(_RANDOM_TRIES):
        index = rng.randbelow(size)
        if index not in used:
            return index
    start = rng.randbelow(size)
    for offset in range(size):
        index = (start + offset) % size
        if index not in used:
            return index
    raise ValueError("status list is full")  # unreachable: counted above


def status_entry(
    list_url: str, index: int, *, status_purpose: str = REVOCATION
) -> dict[str, str]:
    """The ``credentialStatus`` entry pointing at bit ``index`` of a list.

    ``statusListIndex`` is a string, as the specification requires. Raises
    ValueError for a negative index or an unknown purpose.
    """
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError("index must be a non-negative integer")
    _check_purpose(status_purpose)
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(
    *,
    credential_id: str,
    issuer_id: str,
    valid_from: str,
    bitstring: bytes | bytearray,
    status_purpose: str = REVOCATION,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` publishing ``bitstring``.

    Dates are XML Schema dateTimeStamp strings. The subject id is the
    credential id with ``#list``. Raises ValueError for malformed arguments.
    """
    _check_purpose(status_purpose)
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": credential_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": require_xsd_datetime_stamp(valid_from, field="valid_from"),
    }
    if valid_until is not None:
        credential["validUntil"] = require_xsd_datetime_stamp(
            valid_until, field="valid_until"
        )
    credential["credentialSubject"] = {
        "id": f"{credential_id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": status_purpose,
        "encodedList": encode_bitstring(bitstring),
    }
    return credential


def entry_is_set(*, list_credential: dict[str, Any], entry: dict[str, Any]) -> bool:
    """Whether the bit an entry points at is set in a (verified) list credential.

    The caller verifies the list credential's proof first. Raises ValueError
    if the entry does not belong to this list or either is malformed, and
    EncodingError for a malformed ``encodedList``.
    """
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise ValueError("not a BitstringStatusListCredential")
    if entry.get("type") != "BitstringStatusListEntry":
        raise ValueError("not a BitstringStatusListEntry")
    if entry.get("statusListCredential") != list_credential.get("id"):
        raise ValueError("entry points at a different status list")
    if entry.get("statusPurpose") != subject.get("statusPurpose"):
        raise ValueError("entry and list have different status purposes")
    raw_index = entry.get("statusListIndex")
    if not isinstance(raw_index, str) or not _INDEX_RE.fullmatch(raw_index):
        raise ValueError("statusListIndex must be a decimal string")
    return is_set(decode_bitstring(subject.get("encodedList")), int(raw_index))


def _locate(bitstring: bytes | bytearray, index: int) -> tuple[int, int]:
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError("index must be an int")
    if not 0 <= index < len(bitstring) * 8:
        raise IndexError(f"bit {index} is outside a {len(bitstring) * 8}-bit list")
    return index // 8, 0x80 >> (index % 8)


def _check_size(size: int) -> None:
    if size < MIN_BITS or size % 8:
        raise ValueError(f"a status list has a multiple of 8 bits, at least {MIN_BITS}")


def _check_purpose(status_purpose: str) -> None:
    if status_purpose not in STATUS_PURPOSES:
        raise ValueError(f"unknown status purpose {status_purpose!r}")
