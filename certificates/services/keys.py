"""Signing keys: create the first one, rotate, and find the one to sign with."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import keystore
from certificates.did import key_id_from_method
from certificates.models import SigningKey, StatusList
from certificates.services.errors import CertificateStateError, SigningKeyUnavailable
from certificates.services.events import event_log
from certificates.vc import (
    KeyNotFound,
    private_key_to_multibase,
    public_key_from_multibase,
    public_key_to_multibase,
)


@dataclass(frozen=True)
class NewSigningKey:
    """A key just made. ``secret`` is set only when it was not written to a file."""

    key: SigningKey
    stored_at: Path | None
    secret: str | None


def _key_id() -> str:
    return f"key-{timezone.now():%Y%m%d}-{secrets.token_hex(4)}"


def _make(*, rotate: bool, store: bool, by=None) -> NewSigningKey:
    if not rotate and SigningKey.objects.filter(is_active=True).exists():
        raise CertificateStateError(
            _("There is an active signing key already: rotate it instead.")
        )
    private_key = Ed25519PrivateKey.generate()
    key_id = _key_id()
    stored_at = secret = None
    if store:
        # Written before the row exists: a key in the database is always usable.
        stored_at = keystore.private_key_store(key_id=key_id, private_key=private_key)
    else:
        secret = private_key_to_multibase(private_key)
    with transaction.atomic():
        now = timezone.now()
        current = SigningKey.objects.select_for_update().filter(is_active=True).first()
        if current is not None:
            if not rotate:
                raise CertificateStateError(
                    _("There is an active signing key already: rotate it instead.")
                )
            current.is_active = False
            current.retired_at = now
            current.full_clean()
            current.save(update_fields=["is_active", "retired_at"])
        key = SigningKey(
            key_id=key_id,
            public_key_multibase=public_key_to_multibase(private_key.public_key()),
            is_active=True,
            created_at=now,
        )
        key.full_clean(validate_constraints=False)
        key.save()
        event_log(
            action="certificates.key_rotate" if rotate else "certificates.key_create",
            actor=by,
            key_id=key_id,
            retired=current.key_id if current else None,
        )
        if current is not None:
            # Status lists are re-signed with the new key.
            from certificates.services.status import status_list_schedule_publish

            StatusList.objects.update(dirty=True)
            for list_id in StatusList.objects.values_list("pk", flat=True):
                transaction.on_commit(
                    lambda list_id=list_id: status_list_schedule_publish(list_id)
                )
    return NewSigningKey(key=key, stored_at=stored_at, secret=secret)


def signing_key_create(*, store: bool = True, by=None) -> NewSigningKey:
    """Create the first signing key and make it active.

    With ``store`` the private key is written to the key directory
    (``CERTIFICATE_SIGNING_KEY_FILE``); without it, it is returned once in
    ``secret`` for the operator to keep. Raises CertificateStateError if an
    active key exists, SigningKeyUnavailable if the key cannot be stored.
    """
    return _make(rotate=False, store=store, by=by)


def signing_key_rotate(*, store: bool = True, by=None) -> NewSigningKey:
    """Retire the active key (if any) and make a new one active.

    Certificates signed before keep verifying: retired keys stay in the DID
    document. Status lists are re-signed with the new key.
    """
    return _make(rotate=True, store=store, by=by)


def signing_key_active() -> tuple[SigningKey, Ed25519PrivateKey]:
    """The active key and its private key. Raises SigningKeyUnavailable."""
    key = SigningKey.objects.filter(is_active=True).first()
    if key is None:
        raise SigningKeyUnavailable(
            _("There is no signing key. Run “manage.py certificates_key_create”.")
        )
    return key, keystore.private_key_for(key.public_key_multibase)


def key_resolver(keys: dict[str, SigningKey]):
    """A ``certificates.vc`` key resolver over our own keys (by key id)."""

    def resolve(method: str) -> Ed25519PublicKey:
        key = keys.get(key_id_from_method(method) or "")
        if key is None:
            raise KeyNotFound(method)
        return public_key_from_multibase(key.public_key_multibase)

    return resolve


def signing_keys_by_id() -> dict[str, SigningKey]:
    return {key.key_id: key for key in SigningKey.objects.all()}
