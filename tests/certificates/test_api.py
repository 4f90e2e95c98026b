"""POST /api/verify, the DID document, status lists and credentials at their URLs."""

import copy
import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates.models import Certificate, SigningKey
from certificates.services import (
    certificate_revoke,
    signing_key_rotate,
    status_list_publish,
)
from certificates.vc import (
    decode_bitstring,
    is_set,
    public_key_from_multibase,
    verify,
)
from tests.certificates.helpers import read_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(issue, eligible_trainee, certification):
    certificate = issue(
        holder=eligible_trainee, certification=certification, render=True
    )
    certificate.refresh_from_db()
    return certificate


def _verify(client, document, **extra):
    return client.post(
        "/api/verify",
        data=json.dumps(document),
        content_type="application/json",
        **extra,
    )


def _checks(body):
    return {check["check"]: check["code"] for check in body["checks"]}


def test_a_genuine_credential_passes_every_check(client, certificate):
    response = _verify(client, certificate.credential)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["valid"] is True
    assert body["status"] == "valid"
    assert _checks(body) == {
        "format": "ok",
        "issuer": "ok",
        "signature": "ok",
        "key": "ok",
        "status": "ok",
        "validity": "ok",
    }
    assert body["credential"]["holder"] == "Åsa Öberg-Ärlig"


def test_our_pdf_verifies_as_a_raw_body_and_as_an_upload(client, certificate):
    pdf = read_pdf(certificate)

    raw = client.post("/api/verify", data=pdf, content_type="application/pdf")
    upload = client.post(
        "/api/verify",
        {"file": SimpleUploadedFile("certificate.pdf", pdf, "application/pdf")},
    )

    assert raw.json()["status"] == "valid"
    assert upload.json()["status"] == "valid"


def _tampered_name(credential):
    document = copy.deepcopy(credential)
    name = document["credentialSubject"]["name"]
    document["credentialSubject"]["name"] = name[:-1] + (
        "h" if name[-1] != "h" else "x"
    )
    return document


def _undefined_field(credential):
    document = copy.deepcopy(credential)
    document["credentialSubject"]["favouriteColour"] = "green"
    return document


def _status_index_changed(credential):
    document = copy.deepcopy(credential)
    index = int(document["credentialStatus"]["statusListIndex"])
    document["credentialStatus"]["statusListIndex"] = str(index + 1)
    return document


@pytest.mark.parametrize(
    ("tamper", "check", "reason"),
    [
        (_tampered_name, "signature", "signature_invalid"),
        (_undefined_field, "signature", "undefined_term"),
        (_status_index_changed, "signature", "signature_invalid"),
    ],
)
def test_tampering_is_caught_with_the_right_reason(
    client, certificate, tamper, check, reason
):
    body = _verify(client, tamper(certificate.credential)).json()

    assert body["valid"] is False
    assert body["status"] == "invalid"
    assert body["reason"] == reason
    assert _checks(body)[check] == reason
    assert "credential" not in body  # nothing said about a forged document


def test_a_proof_swapped_from_another_certificate_fails(
    client, certificate, issue, make_user, two_courses, certification
):
    from tests.certificates.helpers import cohort_for, complete_course

    other = make_user("trainee", legal_name="Layla Haddad")
    cohort_for(courses=two_courses, members=[other])
    for course in two_courses:
        complete_course(user=other, course=course)
    other_certificate = issue(holder=other, certification=certification)
    document = copy.deepcopy(certificate.credential)
    document["proof"] = copy.deepcopy(other_certificate.credential["proof"])

    body = _verify(client, document).json()

    assert body["reason"] == "signature_invalid"


def test_an_unknown_key_fails(client, certificate):
    document = copy.deepcopy(certificate.credential)
    document["proof"]["verificationMethod"] = "did:web:testserver#key-unknown"

    body = _verify(client, document).json()

    assert body["reason"] == "unknown_key"
    assert _checks(body)["key"] == "unknown_key"


def test_a_signature_made_after_its_key_was_retired_fails(
    client, certificate, signing_key
):
    """A stolen retired key cannot make new certificates."""
    from certificates import keystore
    from certificates.vc import sign

    old_private = keystore.private_key_for(signing_key.public_key_multibase)
    signing_key_rotate()
    signing_key.refresh_from_db()
    unsigned = {k: v for k, v in certificate.credential.items() if k != "proof"}
    forged = sign(
        unsigned,
        private_key=old_private,
        verification_method=certificate.credential["proof"]["verificationMethod"],
        created=signing_key.retired_at + datetime.timedelta(seconds=1),
    )

    body = _verify(client, forged).json()

    assert _checks(body)["signature"] == "ok"
    assert body["reason"] == "retired_key"
    # The genuine one, signed before the rotation, still verifies.
    assert _verify(client, certificate.credential).json()["status"] == "valid"


def test_a_revoked_certificate_fails_on_its_status_bit(
    client, certificate, programme_admin
):
    certificate_revoke(
        certificate=certificate,
        reason="error",
        public_reason="Issued to the wrong person.",
        by=programme_admin,
    )

    body = _verify(client, certificate.credential).json()

    assert body["status"] == "revoked"
    assert body["reason"] == "revoked"
    assert body["public_reason"] == "Issued to the wrong person."
    assert "revoked_at" in body


def test_a_credential_from_another_issuer_is_not_vouched_for(client, certificate):
    document = copy.deepcopy(certificate.credential)
    document["issuer"]["id"] = "did:web:elsewhere.example"

    body = _verify(client, document).json()

    assert body["reason"] == "unknown_issuer"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "error"),
    [
        (b"{not json", "application/json", 400, "malformed_json"),
        (b"[1, 2]", "application/json", 400, "malformed_json"),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400, "malformed_json"),
        (b"x" * (256 * 1024 + 1), "application/json", 413, "too_large"),
        (b"%PDF-1.7\n%%EOF\n", "application/pdf", 422, "no_credential"),
        (b"hello", "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_bad_input_is_refused_plainly(
    client, signing_key, body, content_type, status, error
):
    response = client.post("/api/verify", data=body, content_type=content_type)

    assert response.status_code == status
    assert response.json()["error"] == error


def test_a_document_that_is_not_a_credential(client, signing_key):
    body = _verify(client, {"hello": "world"}).json()

    assert body == {
        "valid": False,
        "status": "invalid",
        "reason": "not_a_certificate",
        "checks": [
            {
                "check": "format",
                "ok": False,
                "code": "not_a_certificate",
                "message": "This is not an Open Badges credential.",
            }
        ],
    }


def test_the_api_is_rate_limited(client, signing_key, settings):
    settings.CERTIFICATE_API_RATE_LIMIT = 2

    statuses = [_verify(client, {}).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_preflight_allows_other_sites(client):
    response = client.options("/api/verify")

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_the_did_document_lists_every_key(client, certificate, signing_key):
    signing_key_rotate()

    response = client.get("/.well-known/did.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/did+ld+json"
    document = response.json()
    assert document["id"] == "did:web:testserver"
    methods = document["verificationMethod"]
    assert [m["id"] for m in methods] == [
        f"did:web:testserver#{key.key_id}"
        for key in SigningKey.objects.order_by("created_at", "pk")
    ]
    assert len(methods) == 2
    for method in methods:
        assert method["type"] == "Multikey"
        assert method["controller"] == "did:web:testserver"
        public_key_from_multibase(method["publicKeyMultibase"])
    assert document["assertionMethod"] == [m["id"] for m in methods]


def test_the_did_follows_the_site_url(client, settings, signing_key):
    settings.SITE_URL = "http://127.0.0.1:8000"

    document = client.get("/.well-known/did.json").json()

    assert document["id"] == "did:web:127.0.0.1%3A8000"
    assert document["verificationMethod"][0]["id"].startswith(
        "did:web:127.0.0.1%3A8000#"
    )


def test_the_credential_is_served_at_its_id(client, certificate):
    response = client.get(f"/credentials/{certificate.uuid}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content) == certificate.credential
    assert (
        client.get("/credentials/00000000-0000-4000-8000-000000000000").status_code
        == 404
    )


def _status_list(client, certificate, django_capture_on_commit_callbacks=None):
    url = certificate.credential["credentialStatus"]["statusListCredential"]
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("index", [0, 65_537, 131_071])
def test_the_status_list_bit_is_set_exactly_when_revoked(
    client, certificate, programme_admin, index, django_capture_on_commit_callbacks
):
    # Place the certificate at the start, middle or end of its list.
    Certificate.objects.filter(pk=certificate.pk).update(status_index=index)
    certificate.refresh_from_db()

    def bits():
        listed = json.loads(_status_list(client, certificate).content)
        return decode_bitstring(listed["credentialSubject"]["encodedList"])

    assert not is_set(bits(), index)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(
            certificate=certificate,
            reason="other",
            public_reason="",
            by=programme_admin,
        )
    revoked = bits()
    assert is_set(revoked, index)
    assert sum(bin(byte).count("1") for byte in revoked) == 1


def test_the_status_list_is_signed_and_cached_briefly(client, certificate):
    response = _status_list(client, certificate)

    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Content-Type"] == "application/vc"
    listed = json.loads(response.content)
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    key = SigningKey.objects.get(is_active=True)
    result = verify(
        listed,
        resolve_key=lambda method: public_key_from_multibase(key.public_key_multibase),
    )
    assert result.ok
    assert (
        len(decode_bitstring(listed["credentialSubject"]["encodedList"])) * 8 >= 131_072
    )


def test_many_revocations_re_sign_the_list_once(
    issue, make_user, two_courses, certification, programme_admin, monkeypatch, settings
):
    """Debounced: the first revocation schedules a run; the rest wait for it."""
    from certificates import tasks
    from certificates.services import status as status_module
    from tests.certificates.helpers import cohort_for, complete_course

    certificates = []
    for n in range(5):
        user = make_user("trainee", legal_name=f"Trainee {n}")
        cohort_for(courses=two_courses, members=[user])
        for course in two_courses:
            complete_course(user=user, course=course)
        certificates.append(issue(holder=user, certification=certification))
    scheduled = []
    monkeypatch.setattr(
        tasks.status_list_publish,
        "apply_async",
        lambda args, countdown: scheduled.append((args, countdown)),
    )
    settings.CERTIFICATE_STATUS_LIST_PUBLISH_DELAY = 30
    status_list_id = certificates[0].status_list_id
    status_module.status_list_publish_clear_pending(status_list_id)

    for certificate in certificates:
        certificate_revoke(
            certificate=certificate,
            reason="other",
            public_reason="",
            by=programme_admin,
        )
        status_module.status_list_schedule_publish(status_list_id)

    assert scheduled == [([status_list_id], 30)]
    # The task clears the marker first, then signs every revocation at once.
    tasks.status_list_publish.run(status_list_id)
    listed = status_list_publish(status_list_id=status_list_id).credential
    bits = decode_bitstring(listed["credentialSubject"]["encodedList"])
    assert all(is_set(bits, c.status_index) for c in certificates)


def test_old_certificates_still_verify_after_a_rotation(
    client,
    certificate,
    issue,
    make_user,
    two_courses,
    certification,
    django_capture_on_commit_callbacks,
):
    from tests.certificates.helpers import cohort_for, complete_course

    old_key = certificate.signing_key
    with django_capture_on_commit_callbacks(execute=True):
        signing_key_rotate()
    other = make_user("trainee", legal_name="After Rotation")
    cohort_for(courses=two_courses, members=[other])
    for course in two_courses:
        complete_course(user=other, course=course)
    newer = issue(holder=other, certification=certification)

    assert newer.signing_key != old_key
    assert _verify(client, certificate.credential).json()["status"] == "valid"
    assert _verify(client, newer.credential).json()["status"] == "valid"
    assert client.get(f"/en/v/{certificate.code}").context["state"] == "valid"
    # The status list is re-signed with the new key.
    listed = json.loads(_status_list(client, certificate).content)
    assert listed["proof"]["verificationMethod"].endswith(newer.signing_key.key_id)
