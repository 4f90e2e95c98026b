"""base58btc, base64url and the two multibase prefixes credentials use.

Multibase (draft-multiformats-multibase) prefixes an encoded byte string with
one character naming its base: ``z`` is base58btc (Bitcoin alphabet), ``u`` is
base64url without padding (RFC 4648 section 5). Decoders are strict: they
reject characters outside the alphabet, padding, and non-canonical input, and
raise :class:`~certificates.vc.errors.EncodingError`.
"""

from __future__ import annotations

import base64
import binascii
import re

from certificates.vc.errors import EncodingError

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: value for value, char in enumerate(BASE58_ALPHABET)}
_BASE64URL_RE = re.compile(r"[A-Za-z0-9_-]*")

BASE58BTC = "z"
BASE64URL = "u"

# A base58 string is decoded with big-integer arithmetic, which is quadratic;
# nothing a credential carries (keys, signatures) comes near this length.
MAX_BASE58_LENGTH = 1024


def base58btc_encode(data: bytes) -> str:
    """Encode bytes as base58btc; each leading zero byte becomes a ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """Decode a base58btc string.

    Raises EncodingError for characters outside the alphabet or input longer
    than ``MAX_BASE58_LENGTH``.
    """
    if len(text) > MAX_BASE58_LENGTH:
        raise EncodingError("base58btc value is too long")
    number = 0
    for char in text:
        value = _BASE58_INDEX.get(char)
        if value is None:
            raise EncodingError(f"invalid base58btc character {char!r}")
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def base64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def base64url_decode(text: str) -> bytes:
    """Decode unpadded base64url.

    Raises EncodingError for padding, characters outside the alphabet, an
    impossible length, or non-zero unused trailing bits (non-canonical input).
    """
    if not _BASE64URL_RE.fullmatch(text):
        raise EncodingError("invalid base64url (no padding) value")
    if len(text) % 4 == 1:
        raise EncodingError("invalid base64url length")
    padded = text + "=" * (-len(text) % 4)
    try:
        data = base64.urlsafe_b64decode(padded)
    except (binascii.Error, ValueError) as error:
        raise EncodingError("invalid base64url value") from error
    if base64url_encode(data) != text:
        raise EncodingError("non-canonical base64url value")
    return data


def multibase_encode(data: bytes, *, base: str = BASE58BTC) -> str:
    """Encode bytes as multibase ``z`` (base58btc) or ``u`` (base64url).

    Raises ValueError for any other base.
    """
    if base == BASE58BTC:
        return BASE58BTC + base58btc_encode(data)
    if base == BASE64URL:
        return BASE64URL + base64url_encode(data)
    raise ValueError(f"unsupported multibase prefix {base!r}")


def multibase_decode(text: str, *, expected_base: str | None = None) -> bytes:
    """Decode a multibase ``z`` or ``u`` string.

    Raises EncodingError for an empty string, an unsupported prefix, a prefix
    other than ``expected_base`` (when given), or a malformed body.
    """
    if not isinstance(text, str) or not text:
        raise EncodingError("multibase value must be a non-empty string")
    prefix, body = text[0], text[1:]
    if expected_base is not None and prefix != expected_base:
        raise EncodingError(
            f"expected multibase prefix {expected_base!r}, got {prefix!r}"
        )
    if prefix == BASE58BTC:
        return base58btc_decode(body)
    if prefix == BASE64URL:
        return base64url_decode(body)
    raise EncodingError(f"unsupported multibase prefix {prefix!r}")
