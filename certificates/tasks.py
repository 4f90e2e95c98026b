"""Celery tasks for certificates: thin, ids in, idempotent (acks_late from settings).

Routing is by name (config/settings): ``*_render_pdf`` goes to the ``pdf``
queue, ``*_send_email`` to ``email``, the rest to ``default``.
"""

from celery import shared_task
from django.db import OperationalError

RETRY = {
    "autoretry_for": (OSError, OperationalError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(bind=True, **RETRY)
def certificate_render_pdf(self, certificate_id: int) -> None:
    from certificates.services import certificate_render_pdf as render

    render(certificate_id=certificate_id)  # returns early when the PDF exists


@shared_task(bind=True, **RETRY)
def certificate_send_email(self, certificate_id: int) -> None:
    from certificates.services import certificate_send_email as send

    send(certificate_id=certificate_id)


@shared_task(bind=True, **RETRY)
def status_list_publish(self, status_list_id: int) -> None:
    from certificates.services.status import (
        status_list_publish as publish,
    )
    from certificates.services.status import (
        status_list_publish_clear_pending,
    )

    # Cleared before reading: a revocation committed from now on schedules a
    # new run instead of relying on this one.
    status_list_publish_clear_pending(status_list_id)
    publish(status_list_id=status_list_id)


@shared_task(bind=True, **RETRY)
def certificates_issue_chunk(self, job_id: int, user_ids: list[int]) -> None:
    from certificates.services import certificates_issue_chunk as issue_chunk

    issue_chunk(job_id=job_id, user_ids=user_ids)


@shared_task(bind=True, **RETRY)
def certificates_sweep(self) -> None:
    """Periodic safety net (beat): re-sign dirty status lists, render missing PDFs."""
    from certificates.services import (
        certificates_render_missing,
        status_lists_publish_dirty,
    )

    status_lists_publish_dirty()
    certificates_render_missing()
