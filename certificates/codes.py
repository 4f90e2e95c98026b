"""Human certificate codes: 16 Crockford base32 characters, 80 random bits.

Crockford's alphabet leaves out I, L, O and U, so a code read aloud or typed
from paper is hard to get wrong; when typed, O counts as 0 and I or L as 1.
Codes are shown and stored in groups of four: ``7KQ2-M9XD-3FHN-C0TB``.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
GROUP = 4
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
_VALID = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def code_new() -> str:
    """A fresh random code, formatted (80 bits from the OS random source)."""
    return code_format("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def code_format(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def code_normalise(value: str) -> str | None:
    """The stored form of a typed code, or None if it cannot be one.

    Case, spaces and dashes do not matter; O is read as 0 and I, L as 1.
    """
    if not isinstance(value, str) or len(value) > 64:
        return None
    raw = _SEPARATORS.sub("", value).upper().translate(_TYPO)
    if not _VALID.fullmatch(raw):
        return None
    return code_format(raw)
