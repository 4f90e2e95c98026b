"""Who may download which certificate: the holder and programme administrators."""

import uuid

from django.http import Http404

from certificates.models import Certificate
from users.roles import is_programme_admin


def access_certificate_by_id(*, user, certificate_id) -> Certificate:
    """The certificate with public id ``certificate_id`` if ``user`` may have it.

    The holder may; so may programme administrators. Everyone else gets the
    same 404 as for a certificate that does not exist.
    """
    try:
        public_id = uuid.UUID(str(certificate_id))
    except ValueError:
        raise Http404 from None
    if not user.is_authenticated:
        raise Http404
    certificate = Certificate.objects.filter(uuid=public_id).first()
    if certificate is None:
        raise Http404
    if certificate.holder_id == user.pk or is_programme_admin(user):
        return certificate
    raise Http404
