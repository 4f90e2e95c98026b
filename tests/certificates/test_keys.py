"""Signing keys: made by commands, kept out of the database, rotated."""

import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certificates import keystore
from certificates.models import CertificateEvent, SigningKey
from certificates.services import (
    SigningKeyUnavailable,
    signing_key_active,
    signing_key_create,
)
from certificates.vc import private_key_to_multibase, public_key_to_multibase

pytestmark = pytest.mark.django_db


def test_the_create_command_writes_a_private_key_file(settings, capsys):
    call_command("certificates_key_create")

    key = SigningKey.objects.get(is_active=True)
    path = keystore.key_directory() / f"{key.key_id}.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    secret = path.read_text().strip()
    assert secret.startswith("z3u2")
    # The database holds the public key only.
    assert secret not in str(list(SigningKey.objects.values()))
    assert key.public_key_multibase.startswith("z6Mk")
    output = capsys.readouterr().out
    assert key.key_id in output
    assert secret not in output
    assert CertificateEvent.objects.filter(action="certificates.key_create").exists()


def test_create_refuses_a_second_active_key_unless_asked_to_skip(capsys):
    call_command("certificates_key_create")

    with pytest.raises(CommandError, match="rotate"):
        call_command("certificates_key_create")
    call_command("certificates_key_create", "--if-missing")
    assert SigningKey.objects.count() == 1


def test_a_secret_from_the_environment_is_used(settings, capsys):
    call_command("certificates_key_create", "--print-secret")
    secret = capsys.readouterr().out.strip().splitlines()[-1].strip()
    directory = keystore.key_directory()
    assert not directory.exists() or not any(directory.glob("*.key"))

    with pytest.raises(SigningKeyUnavailable):
        signing_key_active()
    settings.CERTIFICATE_SIGNING_KEY = secret
    key, private_key = signing_key_active()
    assert public_key_to_multibase(private_key.public_key()) == key.public_key_multibase


def test_a_single_key_file_is_read(settings, tmp_path):
    new = signing_key_create(store=False)
    path = tmp_path / "signing.key"
    path.write_text(new.secret + "\n")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(path)

    key, _ = signing_key_active()

    assert key == new.key


def test_a_key_file_for_another_key_is_not_used(settings, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signing_key_create(store=False)
    settings.CERTIFICATE_SIGNING_KEY = private_key_to_multibase(
        Ed25519PrivateKey.generate()
    )

    with pytest.raises(SigningKeyUnavailable):
        signing_key_active()


def test_rotation_retires_the_old_key_and_keeps_it(capsys):
    call_command("certificates_key_create")
    old = SigningKey.objects.get()

    call_command("certificates_key_rotate")

    old.refresh_from_db()
    new = SigningKey.objects.get(is_active=True)
    assert new != old
    assert not old.is_active
    assert old.retired_at is not None
    key, _ = signing_key_active()
    assert key == new
    assert SigningKey.objects.count() == 2


def test_without_any_key_issuing_says_what_to_do():
    with pytest.raises(SigningKeyUnavailable, match="certificates_key_create"):
        signing_key_active()


def test_there_is_never_more_than_one_active_key():
    from django.db import IntegrityError

    signing_key_create()

    with pytest.raises(IntegrityError):
        SigningKey.objects.create(
            key_id="another", public_key_multibase="z6Mkx", is_active=True
        )


def test_rotation_with_a_single_key_file_needs_print_secret(settings, tmp_path):
    new = signing_key_create(store=False)
    path = tmp_path / "signing.key"
    path.write_text(new.secret)
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(path)

    with pytest.raises(CommandError):
        call_command("certificates_key_rotate")
    assert SigningKey.objects.get(is_active=True) == new.key
    call_command("certificates_key_rotate", "--print-secret")
    assert SigningKey.objects.count() == 2
