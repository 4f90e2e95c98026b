"""Who holds a certificate, as placements and reports need to know.

The rule "holds a valid certificate" belongs to the certificates app. Until
``certificates.selectors.valid_certificate_holders`` exists, it is written
here against the ``Certificate`` fields; once it exists it is used instead, so
there is only ever one answer.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone


def _moment(on: datetime.date | datetime.datetime | None) -> datetime.datetime:
    """``None`` is now; a date is the start of that day in the site's time zone."""
    if on is None:
        return timezone.now()
    if isinstance(on, datetime.datetime):
        return on
    return timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))


def valid_certificate_holders(
    *,
    user_ids: Iterable[int] | QuerySet,
    on: datetime.date | datetime.datetime | None = None,
) -> set[int]:
    """The ids among ``user_ids`` holding at least one valid certificate ``on``.

    Valid: issued and in force by then (``valid_from``), not revoked, not
    superseded, and not expired (``valid_until`` after that moment, or none).
    ``on`` defaults to now; a date means the start of that day. One query;
    ``user_ids`` may be a queryset of ids, which runs as a subquery.
    """
    try:
        from certificates.selectors import (
            valid_certificate_holders as certificates_rule,
        )
    except ImportError:
        certificates_rule = None
    if certificates_rule is not None:
        return set(certificates_rule(user_ids=user_ids, on=on))

    from certificates.models import Certificate

    at = _moment(on)
    return set(
        Certificate.objects.filter(
            holder_id__in=user_ids,
            issued_at__lte=at,
            valid_from__lte=at,
            revoked_at__isnull=True,
            superseded_at__isnull=True,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))
        .values_list("holder_id", flat=True)
        .distinct()
    )


def ever_certified(*, user_ids: Iterable[int] | QuerySet) -> set[int]:
    """The ids among ``user_ids`` ever issued a certificate that was not revoked.

    For the funnel: someone certified in the programme stays counted when
    the certificate later expires or is replaced by a corrected one. One query.
    """
    from certificates.models import Certificate

    return set(
        Certificate.objects.filter(holder_id__in=user_ids, revoked_at__isnull=True)
        .values_list("holder_id", flat=True)
        .distinct()
    )
