"""Telling the holder their certificate is ready."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from certificates import conf
from certificates.models import Certificate
from certificates.services.credential import verification_url


def certificate_send_email(*, certificate_id: int) -> bool:
    """E-mail the holder once. Returns False if it was sent before.

    The certificate is marked as e-mailed before sending (so two workers
    cannot both send) and unmarked if sending fails, so a retry sends it.
    """
    claimed = Certificate.objects.filter(
        pk=certificate_id, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    certificate = Certificate.objects.select_related("holder").get(pk=certificate_id)
    holder = certificate.holder
    try:
        with translation.override(certificate.snapshot.get("language", "sv")):
            context = {
                "certificate": certificate,
                "holder_name": certificate.holder_name,
                "title": certificate.title,
                "dashboard_url": conf.site_url() + reverse("dashboard"),
                "verify_url": verification_url(certificate.code),
                "code": certificate.code,
                "site_name": conf.issuer_name(),
            }
            subject = render_to_string(
                "certificates/email/certificate_issued_subject.txt", context
            )
            body = render_to_string(
                "certificates/email/certificate_issued_body.txt", context
            )
        send_mail(" ".join(subject.split()), body, None, [holder.email])
    except Exception:
        Certificate.objects.filter(pk=certificate_id).update(emailed_at=None)
        raise
    return True
