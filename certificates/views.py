"""Public verification, machine-readable documents, and the holder's downloads.

The public views need no login and change nothing. Views parse input, check
access, call a service or selector, and render.
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from certificates import conf
from certificates.access import access_certificate_by_id
from certificates.codes import code_normalise
from certificates.forms import VerifyForm
from certificates.models import Certificate, StatusList
from certificates.pdf_reader import NotAPdf, credential_from_pdf
from certificates.ratelimit import WINDOW_SECONDS, rate_limited
from certificates.selectors import certificate_by_code, did_document
from certificates.services import (
    SigningKeyUnavailable,
    certificate_verify,
    status_list_publish,
)

# The VC Data Model 2.0 media type (IANA, 2024) for a credential with an
# embedded proof; JSON-aware tools still read it as JSON.
VC_MEDIA_TYPE = "application/vc"
# DID Core's type for the JSON-LD representation (the document has @context).
DID_MEDIA_TYPE = "application/did+ld+json"
MAX_JSON_BYTES = 256 * 1024
MAX_PDF_BYTES = 5 * 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024
JSON_TYPES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/vc",
        "application/vc+ld+json",
    }
)


def _public_json(
    data, *, content_type: str, max_age: int | None = None
) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type=content_type
    )
    # Public documents any verifier (in any browser) may read.
    response["Access-Control-Allow-Origin"] = "*"
    if max_age is not None:
        response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _too_many(request):
    response = render(request, "certificates/rate_limited.html", status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return response


# --- Public verification (/v/) ---------------------------------------------------


@require_GET
def verify_form(request):
    """The form people type a code into; a valid code goes to its page."""
    if "code" not in request.GET:
        return render(request, "certificates/verify_form.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if form.is_valid():
        return redirect("certificate_verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form}, status=400)


def page_state(*, certificate: Certificate, report) -> str:
    """What the public page says, from the verification and the supersede record."""
    if not report.authentic:
        return "invalid"
    if certificate.superseded_by_id is not None:
        return "superseded"
    return report.status


def _name_in_reader_language(certificate: Certificate, *, signed: str) -> str:
    """The certification's name in the page's language, when the signed one
    (in the holder's language) reads differently; recorded at issue."""
    names = (certificate.snapshot.get("certification") or {}).get("names") or {}
    name = names.get(translation.get_language() or "", "")
    return name if name and name != signed else ""


@never_cache
@require_GET
def verify_certificate(request, code: str):
    """The QR target: is this certificate valid? Worked out, not looked up."""
    if rate_limited(request, scope="verify", limit=conf.verify_rate_limit()):
        return _too_many(request)
    normalised = code_normalise(code)
    if normalised is None:
        return render(
            request,
            "certificates/verify_result.html",
            {"state": "malformed", "code": code[:40], "form": VerifyForm()},
            status=400,
        )
    if normalised != code:
        return redirect("certificate_verify", code=normalised)
    certificate = certificate_by_code(code=normalised)
    if certificate is None:
        return render(
            request,
            "certificates/verify_result.html",
            {"state": "unknown", "code": normalised, "form": VerifyForm()},
            status=404,
        )
    report = certificate_verify(credential=certificate.credential)
    facts = report.summary()
    context = {
        "state": page_state(certificate=certificate, report=report),
        "code": normalised,
        "certificate": certificate,
        "report": report,
        "facts": facts,
        "name_here": _name_in_reader_language(certificate, signed=facts["achievement"]),
        "valid_from": report.valid_from,
        "valid_until": report.valid_until,
    }
    return render(request, "certificates/verify_result.html", context)


# --- Machine-readable documents (root URLs, see urls_root.py) ---------------------


@require_GET
def did_json(request):
    """``/.well-known/did.json``: the issuer's keys, for did:web resolution."""
    return _public_json(did_document(), content_type=DID_MEDIA_TYPE, max_age=300)


@require_GET
def status_list_json(request, number: int):
    """``/status/<n>``: the signed revocation list, cached for a minute only."""
    status_list = StatusList.objects.filter(number=number).first()
    if status_list is None:
        raise Http404
    if status_list.credential is None:
        try:
            status_list = status_list_publish(status_list_id=status_list.pk)
        except SigningKeyUnavailable:
            response = HttpResponse(status=503)
            response["Retry-After"] = "60"
            return response
    return _public_json(status_list.credential, content_type=VC_MEDIA_TYPE, max_age=60)


@require_GET
def credential_json(request, certificate_id):
    """``/credentials/<uuid>``: the signed credential, the id inside it."""
    certificate = Certificate.objects.filter(uuid=certificate_id).first()
    if certificate is None:
        raise Http404
    return _public_json(certificate.credential, content_type=VC_MEDIA_TYPE, max_age=60)


def _api_error(code: str, message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": code, "message": message}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _read_upload(request) -> bytes | JsonResponse:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if not length:
        return _api_error("length_required", "Send a Content-Length.", 411)
    if length > MAX_PDF_BYTES + MULTIPART_OVERHEAD:
        return _api_error("too_large", "At most 5 MB.", 413)
    upload = request.FILES.get("file") or request.FILES.get("credential")
    if upload is None:
        return _api_error("no_file", "Send the PDF or JSON as the field “file”.", 400)
    if upload.size > MAX_PDF_BYTES:
        return _api_error("too_large", "At most 5 MB.", 413)
    return upload.read(MAX_PDF_BYTES + 1)


def _read_body(request, limit: int) -> bytes | JsonResponse:
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        return _api_error("too_large", f"At most {limit // 1024} KB.", 413)
    try:
        data = request.read(limit + 1)
    except RequestDataTooBig:
        data = b"x" * (limit + 1)
    if len(data) > limit:
        return _api_error("too_large", f"At most {limit // 1024} KB.", 413)
    return data


def _credential_from(data: bytes) -> dict | JsonResponse:
    if data.startswith(b"%PDF-"):
        try:
            credential = credential_from_pdf(data)
        except NotAPdf:
            credential = None
        if credential is None:
            return _api_error(
                "no_credential", "The PDF has no attached credential.", 422
            )
        return credential
    if len(data) > MAX_JSON_BYTES:
        return _api_error("too_large", "A credential is at most 256 KB.", 413)
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _api_error("malformed_json", "The body is not valid JSON.", 400)
    if not isinstance(document, dict):
        return _api_error("malformed_json", "Send one credential (a JSON object).", 400)
    return document


# A public API without cookies, sessions or anything it changes: there is no
# authority for a cross-site request to borrow, so CSRF protection has nothing
# to protect and would only block other sites' verifiers.
@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def api_verify(request):
    """``POST /api/verify``: a credential (JSON, at most 256 KB) or one of our
    PDFs (at most 5 MB, raw ``application/pdf`` or a multipart field ``file``);
    answers with each check."""
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        return response
    if rate_limited(request, scope="api", limit=conf.api_rate_limit()):
        response = _api_error("rate_limited", "Too many requests; wait a minute.", 429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        data = _read_upload(request)
    elif content_type == "application/pdf":
        data = _read_body(request, MAX_PDF_BYTES)
    elif content_type in JSON_TYPES:
        data = _read_body(request, MAX_JSON_BYTES)
    else:
        return _api_error(
            "unsupported_media_type",
            "Send JSON (application/json) or a PDF (application/pdf).",
            415,
        )
    if isinstance(data, JsonResponse):
        return data
    credential = _credential_from(data)
    if isinstance(credential, JsonResponse):
        return credential
    with translation.override("en"):
        report = certificate_verify(credential=credential)
        body = report.as_json()
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-store"
    return response


# --- The holder's downloads --------------------------------------------------------


@login_required
@require_GET
def certificate_pdf(request, certificate_id):
    certificate = access_certificate_by_id(
        user=request.user, certificate_id=certificate_id
    )
    if not certificate.pdf:
        raise Http404(_("The PDF is being prepared."))
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.code}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def certificate_credential_download(request, certificate_id):
    certificate = access_certificate_by_id(
        user=request.user, certificate_id=certificate_id
    )
    response = HttpResponse(
        json.dumps(certificate.credential, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.code}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
