"""Ed25519 keys in the W3C Multikey encoding (Controlled Identifiers v1.0).

A Multikey is multibase base58btc (``z``) of a multicodec varint header and the
raw key: ``0xed 0x01`` (ed25519-pub) before the 32-byte public key, ``0x80 0x26``
(ed25519-priv) before the 32-byte private seed. Public keys therefore start
``z6Mk`` and secret keys ``z3u2``.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from certificates.vc.errors import EncodingError
from certificates.vc.multibase import BASE58BTC, multibase_decode, multibase_encode

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"
ED25519_KEY_LENGTH = 32

MULTIKEY_TYPE = "Multikey"


def public_key_to_multibase(public_key: Ed25519PublicKey) -> str:
    """Encode an Ed25519 public key as a Multikey ``publicKeyMultibase``."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase_encode(ED25519_PUB_HEADER + raw, base=BASE58BTC)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Decode a Multikey ``publicKeyMultibase`` into an Ed25519 public key.

    Raises EncodingError unless the value is ``z`` base58btc of the ed25519-pub
    header and exactly 32 key bytes.
    """
    raw = _strip_header(value, ED25519_PUB_HEADER, "ed25519-pub")
    return Ed25519PublicKey.from_public_bytes(raw)


def private_key_to_multibase(private_key: Ed25519PrivateKey) -> str:
    """Encode an Ed25519 private key (its 32-byte seed) as a secret Multikey."""
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase_encode(ED25519_PRIV_HEADER + raw, base=BASE58BTC)


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    """Decode a secret Multikey (``secretKeyMultibase``) into an Ed25519 key.

    Raises EncodingError unless the value is ``z`` base58btc of the ed25519-priv
    header and exactly 32 seed bytes.
    """
    raw = _strip_header(value, ED25519_PRIV_HEADER, "ed25519-priv")
    return Ed25519PrivateKey.from_private_bytes(raw)


def multikey_verification_method(
    *, method_id: str, controller: str, public_key: Ed25519PublicKey
) -> dict[str, str]:
    """Build the ``Multikey`` verification method entry of a DID document."""
    return {
        "id": method_id,
        "type": MULTIKEY_TYPE,
        "controller": controller,
        "publicKeyMultibase": public_key_to_multibase(public_key),
    }


def _strip_header(value: str, header: bytes, name: str) -> bytes:
    decoded = multibase_decode(value, expected_base=BASE58BTC)
    if not decoded.startswith(header):
        raise EncodingError(f"not an {name} Multikey (wrong multicodec header)")
    raw = decoded[len(header) :]
    if len(raw) != ED25519_KEY_LENGTH:
        raise EncodingError(f"{name} key must be {ED25519_KEY_LENGTH} bytes")
    return raw
