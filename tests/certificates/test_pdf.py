"""The certificate PDF: the holder's language and script, QR target, atomic writes."""

import json
import os
import shutil
from pathlib import Path

import pytest

from certificates.pdf_reader import NotAPdf, credential_from_pdf
from certificates.services import certificate_render_pdf
from certificates.services.pdf import certificate_pdf_context, qr_data_uri
from tests.certificates.helpers import cohort_for, complete_course, pdf_text, read_pdf

pytestmark = pytest.mark.django_db

# Set to a directory to keep the rendered PDFs for a person to look at.
PREVIEW_DIR = os.environ.get("CERTIFICATE_PREVIEW_DIR")


def _holder(make_user, two_courses, *, name, language):
    user = make_user("trainee", legal_name=name, preferred_language=language)
    cohort_for(courses=two_courses, members=[user])
    for course in two_courses:
        complete_course(user=user, course=course)
    return user


@pytest.mark.parametrize(
    ("name", "language", "expected"),
    [
        (
            "Åsa Öberg-Ärlig",
            "sv",
            ["Åsa Öberg-Ärlig", "Certifierad välbefinnandecoach"],
        ),
        ("Layla Haddad", "en", ["Layla Haddad", "Certified wellbeing coach"]),
        ("ليلى حداد", "ar", ["مدرب رفاهية معتمد"]),
    ],
)
def test_the_pdf_is_in_the_holders_language_and_script(
    issue, make_user, two_courses, certification, ledger, name, language, expected
):
    holder = _holder(make_user, two_courses, name=name, language=language)

    certificate = issue(holder=holder, certification=certification, render=True)
    certificate.refresh_from_db()
    data = read_pdf(certificate)

    text = pdf_text(data)
    for words in expected:
        assert words in text
    if language == "ar":
        # pdftotext gives Arabic in visual order; the letters must all be there.
        letters = set(name.replace(" ", ""))
        assert letters <= set(text)
    context = certificate_pdf_context(certificate)
    assert context["direction"] == ("rtl" if language == "ar" else "ltr")
    assert context["verify_url"] == f"http://testserver/v/{certificate.code}"
    assert credential_from_pdf(data)["credentialSubject"]["name"] == name
    if PREVIEW_DIR:
        Path(PREVIEW_DIR).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            certificate.pdf.path, Path(PREVIEW_DIR) / f"certificate-{language}.pdf"
        )


def test_the_qr_code_is_an_svg_data_uri():
    uri = qr_data_uri("http://testserver/v/7KQ2-M9XD-3FHN-C0TB")

    assert uri.startswith("data:image/svg+xml")


def test_rendering_again_changes_nothing(issue, eligible_trainee, certification):
    certificate = issue(
        holder=eligible_trainee, certification=certification, render=True
    )
    certificate.refresh_from_db()
    before = (certificate.pdf.name, certificate.pdf_rendered_at, read_pdf(certificate))

    again = certificate_render_pdf(certificate_id=certificate.pk)

    assert (again.pdf.name, again.pdf_rendered_at, read_pdf(again)) == before


def test_a_render_killed_mid_write_leaves_no_pdf_and_a_rerun_finishes(
    signing_key, eligible_trainee, certification, programme_admin, monkeypatch
):
    from certificates.services import certificate_issue
    from certificates.services import pdf as pdf_module

    certificate = certificate_issue(  # no on-commit callbacks: no PDF yet
        certification=certification, holder=eligible_trainee, issued_by=programme_admin
    )

    def killed(path, data):
        partial = path.with_name(f".{path.name}.dead.part")
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data[: len(data) // 2])
        raise SystemExit("worker killed")

    write = pdf_module._write_atomically
    monkeypatch.setattr(pdf_module, "_write_atomically", killed)
    with pytest.raises(SystemExit):
        certificate_render_pdf(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert not certificate.pdf
    assert not Path(
        certificate.pdf.storage.path(f"certificates/{certificate.uuid}.pdf")
    ).exists()

    monkeypatch.setattr(pdf_module, "_write_atomically", write)
    certificate_render_pdf(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert credential_from_pdf(read_pdf(certificate)) == certificate.credential


def test_the_reader_refuses_what_is_not_a_pdf():
    with pytest.raises(NotAPdf):
        credential_from_pdf(b'{"proof": {}}')
    assert credential_from_pdf(b"%PDF-1.7\n%%EOF\n") is None


def _qr_codes_on_first_page(data: bytes, directory: Path) -> list[str]:
    """Rasterise page one with poppler and read every QR code on it."""
    import subprocess

    import zxingcpp
    from PIL import Image

    subprocess.run(  # noqa: S603 - poppler-utils, fixed arguments
        ["pdftoppm", "-png", "-r", "150", "-singlefile", "-", directory / "page"],  # noqa: S607
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    with Image.open(directory / "page.png") as image:
        return [code.text for code in zxingcpp.read_barcodes(image)]


def test_pdf_qr_code_credential_json_and_verification_page_agree(
    client, issue, eligible_trainee, certification, tmp_path
):
    certificate = issue(
        holder=eligible_trainee, certification=certification, render=True
    )
    certificate.refresh_from_db()
    data = read_pdf(certificate)

    # The QR code printed on the certificate is the verification page's link.
    [link] = _qr_codes_on_first_page(data, tmp_path)
    assert link == f"http://testserver/v/{certificate.code}"
    # The credential inside the PDF is the one served as JSON, byte for byte
    # in meaning, and it names the holder.
    response = client.get(f"/credentials/{certificate.uuid}")
    assert response["Content-Type"].startswith("application/vc")
    served = json.loads(response.content)
    assert credential_from_pdf(data) == served == certificate.credential
    assert served["credentialSubject"]["name"] == eligible_trainee.legal_name
    # Following the QR link: the page says valid, with the same name and code.
    page = client.get(link.removeprefix("http://testserver"), follow=True)
    html = page.content.decode()
    assert page.status_code == 200
    assert "verdict--valid" in html
    assert eligible_trainee.legal_name in html
    assert certificate.code in html
