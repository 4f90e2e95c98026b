"""Who may download a certificate's PDF and credential."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(issue, eligible_trainee, certification):
    certificate = issue(
        holder=eligible_trainee, certification=certification, render=True
    )
    certificate.refresh_from_db()
    return certificate


@pytest.mark.parametrize("what", ["pdf", "credential.json"])
def test_only_the_holder_and_programme_administrators_may_download(
    client, certificate, eligible_trainee, make_user, trainer, programme_admin, what
):
    url = f"/en/certificates/{certificate.uuid}/{what}"
    other_trainee = make_user("trainee")
    expected = {
        "holder": (eligible_trainee, 200),
        "other trainee": (other_trainee, 404),
        "trainer": (trainer, 404),
        "programme administrator": (programme_admin, 200),
    }

    for who, (user, status) in expected.items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, who
        if status == 200:
            assert response["Cache-Control"] == "private, no-store"
            assert "attachment" in response["Content-Disposition"]
            assert certificate.code in response["Content-Disposition"]
            # Reading a streamed response to the end closes its file.
            body = (
                b"".join(response.streaming_content)
                if response.streaming
                else response.content
            )
            assert body.startswith(b"%PDF" if what == "pdf" else b"{")
        client.logout()

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]


def test_a_missing_certificate_is_a_404_like_any_other(
    client, eligible_trainee, signing_key
):
    client.force_login(eligible_trainee)

    response = client.get("/en/certificates/00000000-0000-4000-8000-000000000000/pdf")

    assert response.status_code == 404


def test_the_pdf_is_not_under_the_public_media_root(certificate, settings):
    from pathlib import Path

    assert not Path(certificate.pdf.path).is_relative_to(Path(settings.MEDIA_ROOT))
    with pytest.raises(ValueError, match="no URL"):
        certificate.pdf.url  # noqa: B018
