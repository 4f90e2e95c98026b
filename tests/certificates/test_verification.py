"""The public page /v/<code>: every state, worked out from the signed credential."""

import datetime
import types

import pytest
from django.core.cache import cache
from django.utils import timezone

from certificates.codes import code_format, code_new, code_normalise
from certificates.models import Certificate
from certificates.services import certificate_reissue, certificate_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(issue, eligible_trainee, certification):
    return issue(holder=eligible_trainee, certification=certification)


def _page(client, code, **kwargs):
    return client.get(f"/en/v/{code}", **kwargs)


def test_a_valid_certificate(client, certificate):
    response = _page(client, certificate.code)

    assert response.status_code == 200
    assert response.context["state"] == "valid"
    html = response.content.decode()
    assert "Valid certificate" in html
    assert "Åsa Öberg-Ärlig" in html
    assert "Certifierad välbefinnandecoach" in html
    assert "Coach Academy" in html
    assert 'name="robots" content="noindex"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_name_is_also_given_in_the_readers_language(client, certificate):
    """The signed name is the holder's (Swedish); an English reader gets the
    English name beside it, from what was recorded at issue."""
    html = _page(client, certificate.code).content.decode()

    assert '<bdi lang="sv">Certifierad välbefinnandecoach</bdi>' in html
    assert "(Certified wellbeing coach)" in html
    swedish = client.get(f"/v/{certificate.code}").content.decode()
    assert "(Certifierad välbefinnandecoach)" not in swedish


def test_a_revoked_certificate_says_when_and_why(client, certificate, programme_admin):
    certificate_revoke(
        certificate=certificate,
        reason=Certificate.RevocationReason.MISCONDUCT,
        public_reason="Withdrawn by the programme board.",
        by=programme_admin,
    )

    response = _page(client, certificate.code)

    assert response.context["state"] == "revoked"
    html = response.content.decode()
    assert "Revoked" in html
    assert "Withdrawn by the programme board." in html
    assert timezone.localdate().strftime("%Y") in html


def test_revoked_means_the_status_bit_not_the_database_flag(client, certificate):
    """Clearing the revocation columns by hand does not make it valid again."""
    certificate.status_list.refresh_from_db()
    from certificates.services.status import status_bit_set

    status_bit_set(
        status_list_id=certificate.status_list_id, index=certificate.status_index
    )

    assert _page(client, certificate.code).context["state"] == "revoked"


def test_a_tampered_stored_credential_does_not_verify(client, certificate):
    credential = dict(certificate.credential)
    credential["credentialSubject"] = {
        **credential["credentialSubject"],
        "name": "Åsa Öberg-Ärlig Jr",
    }
    Certificate.objects.filter(pk=certificate.pk).update(credential=credential)

    response = _page(client, certificate.code)

    assert response.context["state"] == "invalid"
    assert "Åsa Öberg-Ärlig Jr" not in response.content.decode()


def test_an_expired_credential(certificate):
    later = timezone.now() + datetime.timedelta(days=365 * 3 + 2)

    from certificates.services import certificate_verify

    report = certificate_verify(credential=certificate.credential, now=later)
    assert report.status == "expired"
    assert report.reason == "expired"


def test_an_expired_certificate_on_the_page(client, certificate, monkeypatch):
    from certificates.services import verification

    valid_until = certificate.valid_until
    later = types.SimpleNamespace(now=lambda: valid_until + datetime.timedelta(days=1))
    monkeypatch.setattr(verification, "timezone", later)

    response = _page(client, certificate.code)

    assert response.context["state"] == "expired"
    assert "Expired" in response.content.decode()
    assert valid_until.strftime("%Y") in response.content.decode()


def test_a_superseded_certificate_links_to_its_replacement(
    client, certificate, programme_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(certificate=certificate, by=programme_admin)

    response = _page(client, certificate.code)

    assert response.context["state"] == "superseded"
    assert f'href="/en/v/{new.code}"' in response.content.decode()
    assert _page(client, new.code).context["state"] == "valid"


def test_an_unknown_code(client, signing_key):
    response = _page(client, code_new())

    assert response.status_code == 404
    assert response.context["state"] == "unknown"


@pytest.mark.parametrize("code", ["hello", "ABCD-EFGH-JKMN-PQRU", "1234"])
def test_a_malformed_code(client, code):
    response = _page(client, code)

    assert response.status_code == 400
    assert response.context["state"] == "malformed"


def test_codes_typed_loosely_lead_to_the_certificate(client, certificate):
    typed = (
        certificate.code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    )

    response = client.get("/en/v/", {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == f"/en/v/{certificate.code}"


def test_the_form_explains_a_wrong_code(client):
    response = client.get("/en/v/", {"code": "not a code"})

    assert response.status_code == 400
    assert "That is not a certificate code" in response.content.decode()


def test_the_form_page(client):
    response = client.get("/en/v/")

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_too_many_lookups_get_429(client, signing_key, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    cache.clear()
    codes = [code_new() for _ in range(4)]

    statuses = [_page(client, code).status_code for code in codes]

    assert statuses == [404, 404, 404, 429]
    assert _page(client, codes[0])["Retry-After"] == "60"
    # Another address is not limited.
    assert _page(client, codes[0], REMOTE_ADDR="10.0.0.9").status_code == 404


def test_codes_carry_80_random_bits_in_an_unambiguous_alphabet():
    codes = {code_new() for _ in range(1000)}

    assert len(codes) == 1000
    for code in codes:
        assert len(code) == 19
        assert not set(code) & set("ILOU")
        assert code_normalise(code) == code
    assert code_normalise("ilo0-ILO0-abcd-efgh") == code_format("1100110" + "0ABCDEFGH")


def test_a_remembered_signature_vouches_only_for_the_same_content(
    certificate, monkeypatch
):
    import copy

    from certificates.services import verification

    assert verification.certificate_verify(
        credential=certificate.credential
    ).status == ("valid")
    # Checked once: the same bytes under the same key are not recomputed...
    monkeypatch.setattr(verification, "verify", _must_not_be_called)
    again = verification.certificate_verify(credential=certificate.credential)
    assert again.status == "valid"
    # ...but one changed character is checked from scratch, and fails.
    monkeypatch.undo()
    changed = copy.deepcopy(certificate.credential)
    changed["credentialSubject"]["name"] += "x"
    report = verification.certificate_verify(credential=changed)
    assert (report.status, report.reason) == ("invalid", "signature_invalid")


def _must_not_be_called(*args, **kwargs):
    raise AssertionError("the signature was computed again")
