"""Attachments through the real views: refused files say why, kept files are
private and only ever downloaded through the access-checked view."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assessments.models import Attachment, Submission
from tests.assessments.test_assignments import assignment_setup, png_bytes
from tests.assessments.test_uploads import make_docx, make_huge_png, make_pdf

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
ALLOWED = "Allowed: PDF, DOCX, JPEG, PNG, WEBP, GIF."


@pytest.fixture
def setup(make_user):
    return assignment_setup(make_user)


def en_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def upload(client, setup, name: str, data: bytes, content_type="application/pdf"):
    """Post one file as the browser does and follow the redirect back."""
    client.force_login(setup.trainee)
    return client.post(
        en_url("assignment_attachment_upload", setup.page.pk),
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def windows_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2048


def zip_archive(tmp_path: Path) -> bytes:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["exe", "zip", "html"])
def test_wrong_type_renamed_to_pdf_is_refused_with_a_clear_message(
    client, setup, kind, tmp_path
):
    data = {
        "exe": windows_exe(),
        "zip": zip_archive(tmp_path),
        "html": b"<html><script>alert(1)</script></html>",
    }[kind]

    response = upload(client, setup, "essay.pdf", data)

    assert response.status_code == 200
    assert messages_of(response) == [
        f"This file is not a PDF, Word (.docx) document or image. {ALLOWED}"
    ]
    assert not Attachment.objects.exists()


def test_a_fifty_megabyte_file_is_refused(client, setup):
    data = make_pdf()
    big = data[:-6] + b"\x00" * (50 * MB) + data[-6:]

    response = upload(client, setup, "big.pdf", big)

    assert messages_of(response) == [
        f"This file is too large. The maximum size is 10.0\xa0MB. {ALLOWED}"
    ]
    assert not Attachment.objects.exists()


def test_a_decompression_bomb_is_refused(client, setup):
    response = upload(
        client, setup, "photo.png", make_huge_png(20_000, 20_000), "image/png"
    )

    assert messages_of(response) == [
        "This image has too many pixels (more than 40 megapixels). "
        "Please resize it and try again."
    ]
    assert not Attachment.objects.exists()


def test_an_svg_with_a_script_is_refused(client, setup):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    response = upload(client, setup, "diagram.png", svg, "image/png")

    assert messages_of(response) == [
        f"SVG images are not accepted because they can contain scripts. {ALLOWED}"
    ]
    assert not Attachment.objects.exists()


def test_files_are_refused_when_the_assignment_takes_none(client, make_user):
    setup = assignment_setup(make_user, allow_files=False)
    response = upload(client, setup, "essay.pdf", make_pdf())
    assert messages_of(response) == ["This assignment does not take attachments."]
    assert not Attachment.objects.exists()


def test_no_more_files_than_allowed(client, make_user):
    setup = assignment_setup(make_user, max_files=1)
    upload(client, setup, "one.pdf", make_pdf())
    response = upload(client, setup, "two.pdf", make_pdf())
    assert messages_of(response) == [
        "You can attach at most 1 files. Remove one first."
    ]
    assert Attachment.objects.count() == 1


def test_a_pdf_a_word_document_and_an_image_are_kept_privately(client, setup):
    upload(client, setup, "essay.pdf", make_pdf())
    upload(client, setup, "plan.docx", make_docx())
    upload(client, setup, "scan.pdf", png_bytes(), "application/pdf")

    attachments = list(Attachment.objects.order_by("id"))
    assert [(a.original_name, a.kind, a.content_type) for a in attachments] == [
        ("essay.pdf", "pdf", "application/pdf"),
        (
            "plan.docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("scan.png", "image", "image/png"),  # named for what it really is
    ]
    private_root = Path(settings.PRIVATE_MEDIA_ROOT)
    for attachment in attachments:
        assert Path(attachment.file.path).is_relative_to(private_root)
        assert not Path(attachment.file.path).is_relative_to(settings.MEDIA_ROOT)
        assert "essay" not in attachment.file.name  # random storage names
        with pytest.raises(ValueError, match="no URL"):
            attachment.file.url  # noqa: B018 - the property raises
    draft = Submission.objects.get()
    assert draft.status == Submission.Status.DRAFT


def test_the_download_is_an_attachment_that_cannot_be_sniffed(client, setup):
    upload(client, setup, "essay.pdf", make_pdf())
    attachment = Attachment.objects.get()

    response = client.get(
        reverse("assignment_attachment_download", args=[attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="essay.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == make_pdf()


def test_the_file_is_not_reachable_under_the_media_url(client, setup):
    upload(client, setup, "essay.pdf", make_pdf())
    attachment = Attachment.objects.get()

    response = client.get(f"{settings.MEDIA_URL}private/{attachment.file.name}")

    assert response.status_code == 404


def test_a_file_can_be_removed_from_a_draft_only(
    client, setup, django_capture_on_commit_callbacks
):
    upload(client, setup, "essay.pdf", make_pdf())
    attachment = Attachment.objects.get()
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignment_attachment_delete", args=[attachment.pk]))
    assert not Attachment.objects.exists()
    assert not path.exists()

    upload(client, setup, "essay.pdf", make_pdf())
    client.post(reverse("assignment_submit", args=[setup.page.pk]), follow=True)
    kept = Attachment.objects.get()
    response = client.post(en_url("assignment_attachment_delete", kept.pk), follow=True)
    assert messages_of(response) == ["Files can only be removed from a draft."]
    assert Attachment.objects.filter(pk=kept.pk).exists()
