"""The certificate PDF: a designed A4 page, PDF/A-3b, with the credential inside.

WeasyPrint renders an HTML template in the holder's language (right to left
for Arabic). The signed credential is attached as ``credential.json`` so the
PDF alone can be verified (``POST /api/verify`` takes it). Rendering reads
nothing from the network: only ``data:`` URLs are fetched, and fonts come
from the system's fontconfig.
"""

import functools
import json
import os
import secrets
import unicodedata
import warnings
from datetime import UTC
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.models import Certificate
from certificates.services.credential import verification_url
from certificates.services.verification import parse_datetime_stamp

RTL_LANGUAGES = frozenset({"ar"})
ATTACHMENT_NAME = "credential.json"
FONT_DIRECTORIES = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc"})


@functools.cache
def _fetcher_class():
    # WeasyPrint is imported when first needed: importing it parses its
    # stylesheets (and logs), which every web process would pay for.
    from weasyprint.urls import URLFetcher

    class LocalResourcesOnly(URLFetcher):
        """Fetch ``data:`` URLs and system fonts (``@font-face local()``) only.

        The template is ours and the holder's name is escaped, but a renderer
        that cannot reach the network or read other files cannot be turned
        against us.
        """

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.suffix.lower() in FONT_SUFFIXES and any(
                    path.is_relative_to(directory) for directory in FONT_DIRECTORIES
                ):
                    return super().fetch(url, headers)
            raise ValueError(f"The certificate renderer does not fetch {url[:80]!r}")

    return LocalResourcesOnly


def text_direction(text: str) -> str:
    """``rtl`` when the first strongly directional letter is right to left.

    What ``dir="auto"`` does in browsers; WeasyPrint does not, and a name in
    Arabic script on a Swedish certificate (or the reverse) needs it.
    """
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def qr_data_uri(url: str) -> str:
    """An SVG QR code for ``url`` as a ``data:`` URI (error correction M)."""
    return segno.make(url, error="m").svg_data_uri(
        scale=4, border=0, dark="#1d2b3a", light=None
    )


def certificate_pdf_context(certificate: Certificate) -> dict:
    snapshot = certificate.snapshot
    credential = certificate.credential
    language = snapshot.get("language", "sv")
    url = verification_url(certificate.code)
    facts = snapshot["certification"]
    with translation.override(language):
        details = [
            _("%(hours)s hours") % {"hours": facts["workload_hours"]},
            facts["participation_form"],
        ]
        if facts.get("eqf_level"):
            details.insert(1, _("EQF level %(level)s") % {"level": facts["eqf_level"]})
    return {
        "certificate": certificate,
        "snapshot": snapshot,
        "language": language,
        "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
        "holder_name": credential["credentialSubject"]["name"],
        "title": snapshot["certification"]["title"],
        "description": snapshot["certification"]["description"],
        "issuer_name": credential["issuer"]["name"],
        "valid_from": parse_datetime_stamp(credential.get("validFrom")),
        "valid_until": parse_datetime_stamp(credential.get("validUntil")),
        "details": " · ".join(str(detail) for detail in details),
        "details_dir": text_direction(str(details[0])),
        "verify_url": url,
        "qr": qr_data_uri(url),
        "holder_dir": text_direction(credential["credentialSubject"]["name"]),
        "title_dir": text_direction(snapshot["certification"]["title"]),
        "description_dir": text_direction(snapshot["certification"]["description"]),
    }


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    """Render the PDF (in memory). Deterministic apart from PDF ids and dates."""
    from weasyprint import HTML, Attachment

    context = certificate_pdf_context(certificate)
    with translation.override(context["language"]):
        html = render_to_string("certificates/pdf/certificate.html", context)
    issued = certificate.issued_at.astimezone(UTC).replace(tzinfo=None)
    attachment = Attachment(
        string=json.dumps(certificate.credential, ensure_ascii=False, indent=2),
        name=ATTACHMENT_NAME,
        description="Open Badges 3.0 credential (W3C Verifiable Credential)",
        relationship="Data",
        created=issued,
        modified=issued,
    )
    fetcher = _fetcher_class()(allowed_protocols=("data", "file"))
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile (the PDF/A output intent) without
        # closing it; harmless, but the test suite treats warnings as errors.
        warnings.filterwarnings(
            "ignore", message=r"unclosed file .*sRGB2014\.icc", category=ResourceWarning
        )
        return HTML(string=html, url_fetcher=fetcher).write_pdf(
            pdf_variant="pdf/a-3b", attachments=[attachment]
        )


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def certificate_render_pdf(*, certificate_id: int) -> Certificate:
    """Render and store the certificate's PDF, then e-mail the holder.

    Idempotent: returns at once when the PDF exists. The file is written under
    a temporary name and renamed into place, so a worker killed mid-write
    leaves no half PDF; the database points at it only once it is complete.
    """
    from certificates.tasks import certificate_send_email

    certificate = Certificate.objects.select_related("holder").get(pk=certificate_id)
    if not certificate.pdf:
        data = certificate_pdf_bytes(certificate)
        name = f"certificates/{certificate.uuid}.pdf"
        _write_atomically(Path(certificate.pdf.storage.path(name)), data)
        Certificate.objects.filter(pk=certificate.pk, pdf="").update(
            pdf=name, pdf_rendered_at=timezone.now()
        )
        certificate.refresh_from_db()
    if certificate.emailed_at is None:
        certificate_send_email.delay_on_commit(certificate.pk)
    return certificate


def certificates_render_missing() -> int:
    """Queue the PDFs that are missing (the periodic safety net). Returns the count."""
    from certificates.tasks import certificate_render_pdf as render_task

    ids = list(Certificate.objects.filter(pdf="").values_list("pk", flat=True))
    for certificate_id in ids:
        render_task.delay(certificate_id)
    return len(ids)
