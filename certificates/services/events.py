"""The audit log of certificate actions."""

from certificates.models import Certificate, CertificateEvent


def event_log(
    *, action: str, actor=None, certificate: Certificate | None = None, **data
) -> CertificateEvent:
    """Record ``action`` ("certificates.<verb>"), in the caller's transaction."""
    event = CertificateEvent(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        certificate=certificate,
        data=data,
    )
    event.full_clean()
    event.save()
    return event
