"""Where the issuer's private signing keys live: files or the environment.

The database only ever holds public keys. A private key is found by deriving
its public key and comparing it with the ``SigningKey`` row, so a key file
needs no name or id to be matched, and a wrong file is never used.

``CERTIFICATE_SIGNING_KEY_FILE`` names a directory of ``<key id>.key`` files
(the default, ``var/keys/``) or a single file; ``CERTIFICATE_SIGNING_KEY``
holds secret Multikeys directly (for secret stores that inject environment
variables). Both are searched.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates import conf
from certificates.vc import (
    EncodingError,
    private_key_from_multibase,
    private_key_to_multibase,
    public_key_to_multibase,
)

KEY_SUFFIX = ".key"
# A key file is one line; anything much bigger is not one.
MAX_KEY_FILE_BYTES = 4096


class SigningKeyUnavailable(Exception):
    """The private key of the active signing key is in neither place."""


def _secrets_in_file(path: Path) -> list[str]:
    try:
        if path.stat().st_size > MAX_KEY_FILE_BYTES:
            return []
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def _candidate_secrets() -> list[str]:
    found = list(conf.signing_key_secrets())
    location = conf.signing_key_location()
    if location.is_file():
        found += _secrets_in_file(location)
    elif location.is_dir():
        for path in sorted(location.glob(f"*{KEY_SUFFIX}")):
            found += _secrets_in_file(path)
    return found


def private_key_for(public_key_multibase: str) -> Ed25519PrivateKey:
    """The private key whose public key is ``public_key_multibase``.

    Raises SigningKeyUnavailable when no configured secret matches.
    """
    for secret in _candidate_secrets():
        try:
            private_key = private_key_from_multibase(secret)
        except EncodingError:
            continue
        if public_key_to_multibase(private_key.public_key()) == public_key_multibase:
            return private_key
    raise SigningKeyUnavailable(
        "The private key of the active signing key was not found in "
        "CERTIFICATE_SIGNING_KEY_FILE or CERTIFICATE_SIGNING_KEY."
    )


def key_directory() -> Path | None:
    """The directory new key files go to, or None when a single file is configured."""
    location = conf.signing_key_location()
    if location.is_file():
        return None
    return location


def private_key_store(*, key_id: str, private_key: Ed25519PrivateKey) -> Path:
    """Write a new private key to ``<key directory>/<key id>.key``, readable by us only.

    Never overwrites a file. Raises SigningKeyUnavailable when the configured
    location is a single file (the operator stores the key themselves) and
    FileExistsError if the file exists.
    """
    directory = key_directory()
    if directory is None:
        raise SigningKeyUnavailable(
            "CERTIFICATE_SIGNING_KEY_FILE is a single file; store the new key yourself."
        )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{key_id}{KEY_SUFFIX}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(private_key_to_multibase(private_key) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path
