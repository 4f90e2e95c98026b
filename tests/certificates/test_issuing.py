"""Issuing: what is certified, one certificate per trainee, the PDF and e-mail."""

import json
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import translation

from certificates.models import Certificate, CertificateEvent
from certificates.pdf_reader import credential_from_pdf
from certificates.services import (
    NotEligible,
    certificate_issue,
    certificate_verify,
)
from certificates.vc import identity_matches
from tests.certificates.helpers import pdf_streams, pdf_text, read_pdf

pytestmark = pytest.mark.django_db


def test_issuing_snapshots_what_was_certified(issue, eligible_trainee, certification):
    certificate = issue(holder=eligible_trainee, certification=certification)

    snapshot = certificate.snapshot
    assert snapshot["language"] == "sv"
    assert snapshot["holder"]["legal_name"] == "Åsa Öberg-Ärlig"
    assert snapshot["certification"]["title"] == "Certifierad välbefinnandecoach"
    assert snapshot["certification"]["names"]["en"] == "Certified wellbeing coach"
    assert snapshot["certification"]["criteria"]["en"] == "Every course completed."
    assert snapshot["certification"]["workload_hours"] == 60
    assert snapshot["certification"]["eqf_level"] == 5
    assert [r["kind"] for r in snapshot["requirements"]] == ["course", "course"]
    assert all(r["met"] for r in snapshot["requirements"])
    assert snapshot["valid_until"] is not None
    assert certificate.valid_until.year == certificate.valid_from.year + 3

    # Editing the rule later changes nothing that was certified.
    certification.name_sv = "Nytt namn"
    certification.save()
    certificate.refresh_from_db()
    assert certificate.title == "Certifierad välbefinnandecoach"
    assert certificate.credential["name"] == "Certifierad välbefinnandecoach"


def test_the_credential_is_a_signed_open_badge_that_verifies_itself(
    issue, eligible_trainee, certification
):
    certificate = issue(holder=eligible_trainee, certification=certification)
    credential = certificate.credential

    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "did:web:testserver"
    assert credential["id"] == f"http://testserver/credentials/{certificate.uuid}"
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"]["verificationMethod"] == (
        f"did:web:testserver#{certificate.signing_key.key_id}"
    )
    subject = credential["credentialSubject"]
    assert subject["name"] == "Åsa Öberg-Ärlig"
    assert identity_matches(
        identity=subject["identifier"][0], email=eligible_trainee.email
    )
    assert eligible_trainee.email not in json.dumps(credential)
    assert credential["credentialStatus"]["statusListIndex"] == str(
        certificate.status_index
    )
    assert certificate_verify(credential=credential).valid


def test_not_eligible_names_what_is_missing(
    signing_key, make_user, certification, ledger, programme_admin
):
    trainee = make_user("trainee")

    with translation.override("en"), pytest.raises(NotEligible) as error:
        certificate_issue(
            certification=certification, holder=trainee, issued_by=programme_admin
        )

    assert error.value.missing == [
        "Coaching basics: 0 of 2 steps done",
        "The biopsychosocial model: 0 of 2 steps done",
    ]
    assert not Certificate.objects.exists()


def test_issuing_twice_gives_one_certificate(issue, eligible_trainee, certification):
    first = issue(holder=eligible_trainee, certification=certification)
    second = issue(holder=eligible_trainee, certification=certification)

    assert second == first
    assert Certificate.objects.count() == 1
    assert CertificateEvent.objects.filter(action="certificates.issue").count() == 1


def test_a_race_to_insert_returns_the_winners_certificate(
    issue, eligible_trainee, certification, monkeypatch
):
    """Two administrators both pass the "already issued?" read; the database decides."""
    from certificates.services import issuing

    winner = issue(holder=eligible_trainee, certification=certification)
    # Make the loser's first read miss the winner, as it would mid-race.
    real = issuing.certificate_current
    calls = {"n": 0}

    def stale_first_read(**kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(**kwargs)

    monkeypatch.setattr(issuing, "certificate_current", stale_first_read)
    loser = issue(holder=eligible_trainee, certification=certification)

    assert loser == winner
    assert Certificate.objects.count() == 1


def test_the_database_refuses_a_second_current_certificate(
    issue, eligible_trainee, certification
):
    certificate = issue(holder=eligible_trainee, certification=certification)
    duplicate = Certificate.objects.get(pk=certificate.pk)
    duplicate.pk = None
    duplicate.uuid = None
    duplicate.code = "0000-0000-0000-0000"
    duplicate.status_index = certificate.status_index + 1

    with pytest.raises(IntegrityError):
        duplicate.save()


def test_the_pdf_is_rendered_with_the_credential_attached(
    issue, eligible_trainee, certification
):
    certificate = issue(
        holder=eligible_trainee, certification=certification, render=True
    )
    certificate.refresh_from_db()

    assert certificate.pdf_rendered_at is not None
    data = read_pdf(certificate)
    assert data.startswith(b"%PDF-1.7")
    assert b"/EmbeddedFile" in data
    inflated = b"".join(pdf_streams(data))
    # PDF/A-3b: identified in the XMP metadata; the credential is an
    # associated file ("Data") of the document.
    assert b'pdfaid:part="3"' in inflated or b"<pdfaid:part>3</pdfaid:part>" in inflated
    assert b"/AFRelationship /Data" in inflated or b"/AFRelationship /Data" in data
    assert credential_from_pdf(data) == certificate.credential
    text = pdf_text(data)
    assert "Åsa Öberg-Ärlig" in text
    assert "Certifierad välbefinnandecoach" in text
    assert certificate.code in text


def test_the_holder_is_emailed_once_in_their_language(
    issue, eligible_trainee, certification
):
    certificate = issue(
        holder=eligible_trainee, certification=certification, render=True
    )
    issue(holder=eligible_trainee, certification=certification, render=True)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [eligible_trainee.email]
    assert certificate.code in message.body
    assert "http://testserver/v/" + certificate.code in message.body


def test_practicum_hours_are_snapshotted(
    issue, eligible_trainee, certification, ledger
):
    certification.min_practicum_hours = Decimal("10")
    certification.save()
    ledger.hours[eligible_trainee.pk] = Decimal("12.50")

    certificate = issue(holder=eligible_trainee, certification=certification)

    assert certificate.snapshot["practicum_hours_signed"] == "12.5"
    assert certificate.snapshot["certification"]["min_practicum_hours"] == "10"


def test_a_credential_with_an_undefined_term_is_refused(
    signing_key, eligible_trainee, certification, programme_admin, monkeypatch
):
    from certificates.services import issuing
    from certificates.vc import UndefinedTermError

    build = issuing.credential_build

    def with_extra_term(**kwargs):
        credential = build(**kwargs)
        credential["credentialSubject"]["shoeSize"] = 43
        return credential

    monkeypatch.setattr(issuing, "credential_build", with_extra_term)

    with pytest.raises(UndefinedTermError, match="shoeSize"):
        certificate_issue(
            certification=certification,
            holder=eligible_trainee,
            issued_by=programme_admin,
        )
    assert not Certificate.objects.exists()


def test_a_credential_that_does_not_verify_is_not_stored(
    signing_key, eligible_trainee, certification, programme_admin, monkeypatch
):
    from certificates.services import SelfVerificationFailed, issuing

    real_sign = issuing.sign

    def bad_signature(document, **kwargs):
        signed = real_sign(document, **kwargs)
        signed["name"] = signed["name"] + "!"
        return signed

    monkeypatch.setattr(issuing, "sign", bad_signature)

    with pytest.raises(SelfVerificationFailed):
        certificate_issue(
            certification=certification,
            holder=eligible_trainee,
            issued_by=programme_admin,
        )
    assert not Certificate.objects.exists()


def test_re_issue_supersedes_and_keeps_the_validity(
    issue, eligible_trainee, certification, programme_admin
):
    from certificates.services import certificate_reissue

    old = issue(holder=eligible_trainee, certification=certification)
    eligible_trainee.legal_name = "Åsa Öberg-Ärlig Lind"
    eligible_trainee.save()

    new = certificate_reissue(certificate=old, by=programme_admin)
    again = certificate_reissue(certificate=old, by=programme_admin)

    old.refresh_from_db()
    assert again == new
    assert old.superseded_by == new
    assert old.revocation_reason == Certificate.RevocationReason.SUPERSEDED
    assert new.holder_name == "Åsa Öberg-Ärlig Lind"
    assert new.snapshot["reissue_of"] == old.code
    assert (new.valid_from, new.valid_until) == (old.valid_from, old.valid_until)
    assert Certificate.objects.count() == 2  # nothing is deleted
    assert certificate_verify(credential=old.credential).status == "revoked"
    assert certificate_verify(credential=new.credential).valid


def test_a_revoked_certificate_is_not_re_issued(
    issue, eligible_trainee, certification, programme_admin
):
    from certificates.services import (
        CertificateStateError,
        certificate_reissue,
        certificate_revoke,
    )

    certificate = issue(holder=eligible_trainee, certification=certification)
    certificate_revoke(
        certificate=certificate,
        reason="misconduct",
        public_reason="",
        by=programme_admin,
    )

    with pytest.raises(CertificateStateError):
        certificate_reissue(certificate=certificate, by=programme_admin)


def test_revoking_twice_changes_nothing(
    issue, eligible_trainee, certification, programme_admin
):
    from certificates.services import certificate_revoke

    certificate = issue(holder=eligible_trainee, certification=certification)
    first = certificate_revoke(
        certificate=certificate, reason="error", public_reason="One", by=programme_admin
    )
    second = certificate_revoke(
        certificate=certificate, reason="other", public_reason="Two", by=programme_admin
    )

    assert (second.revoked_at, second.public_reason) == (first.revoked_at, "One")
    assert CertificateEvent.objects.filter(action="certificates.revoke").count() == 1
