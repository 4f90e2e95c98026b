"""Bitstring status lists: allocating bits, revoking, re-signing the list."""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates import conf
from certificates.did import issuer_did, verification_method_id
from certificates.models import Certificate, StatusList
from certificates.services.credential import status_list_url
from certificates.vc import (
    MIN_BITS,
    build_status_list_credential,
    new_bitstring,
    random_free_index,
    set_bit,
    sign,
    to_xsd_datetime,
)

# A list is closed for new certificates when half full, so a random index
# stays hard to guess and the list says little about how many were issued.
FILL_LIMIT = 0.5
PUBLISH_PENDING_KEY = "certificates:status-list-publish:{id}"


def _open_list() -> StatusList:
    status_list = StatusList.objects.order_by("-number").first()
    if status_list is not None:
        used = Certificate.objects.filter(status_list=status_list).count()
        if used < status_list.size_bits * FILL_LIMIT:
            return status_list
    number = status_list.number + 1 if status_list else 1
    try:
        with transaction.atomic():
            created = StatusList.objects.create(
                number=number,
                size_bits=MIN_BITS,
                bitstring=bytes(new_bitstring(MIN_BITS)),
                dirty=True,
            )
    except IntegrityError:
        # Someone else opened the same list a moment ago.
        return StatusList.objects.get(number=number)
    transaction.on_commit(lambda: status_list_schedule_publish(created.pk))
    return created


def status_index_allocate() -> tuple[StatusList, int]:
    """A status list and a random index in it that no certificate uses yet.

    Not reserved: the caller inserts the certificate, and the unique
    constraint on (list, index) turns a collision into an IntegrityError to
    retry on.
    """
    status_list = _open_list()
    used = set(
        Certificate.objects.filter(status_list=status_list).values_list(
            "status_index", flat=True
        )
    )
    return status_list, random_free_index(used, status_list.size_bits)


def status_bit_set(*, status_list_id: int, index: int) -> None:
    """Set a revocation bit and mark the list for re-signing (caller's transaction)."""
    status_list = StatusList.objects.select_for_update().get(pk=status_list_id)
    bits = bytearray(status_list.bitstring)
    set_bit(bits, index)
    status_list.bitstring = bytes(bits)
    status_list.dirty = True
    status_list.save(update_fields=["bitstring", "dirty", "updated_at"])
    transaction.on_commit(lambda: status_list_schedule_publish(status_list_id))


def status_list_publish(*, status_list_id: int, force: bool = False) -> StatusList:
    """Sign the list credential again if its bits changed since it was signed.

    Idempotent; takes the list's row lock, so a revocation waiting for it is
    either in this signature or marks the list dirty again afterwards.
    Raises SigningKeyUnavailable.
    """
    from certificates.services.keys import signing_key_active

    with transaction.atomic():
        status_list = StatusList.objects.select_for_update().get(pk=status_list_id)
        if status_list.credential and not status_list.dirty and not force:
            return status_list
        key, private_key = signing_key_active()
        now = timezone.now()
        unsigned = build_status_list_credential(
            credential_id=status_list_url(status_list.number),
            issuer_id=issuer_did(),
            valid_from=to_xsd_datetime(now),
            bitstring=bytes(status_list.bitstring),
        )
        status_list.credential = sign(
            unsigned,
            private_key=private_key,
            verification_method=verification_method_id(key.key_id),
            created=now,
        )
        status_list.dirty = False
        status_list.published_at = now
        status_list.save(
            update_fields=["credential", "dirty", "published_at", "updated_at"]
        )
    return status_list


def status_list_schedule_publish(status_list_id: int) -> None:
    """Re-sign the list soon, once for a burst of revocations (debounced).

    The first call in a quiet period enqueues a task that runs after
    ``CERTIFICATE_STATUS_LIST_PUBLISH_DELAY`` seconds; calls until that task
    starts only rely on it. The task clears the marker before it reads the
    list, so a revocation committed after that schedules a new run.
    """
    from certificates.tasks import status_list_publish as publish_task

    delay = conf.status_list_publish_delay()
    key = PUBLISH_PENDING_KEY.format(id=status_list_id)
    if cache.add(key, 1, timeout=delay * 4 + 60):
        publish_task.apply_async(args=[status_list_id], countdown=delay)


def status_list_publish_clear_pending(status_list_id: int) -> None:
    cache.delete(PUBLISH_PENDING_KEY.format(id=status_list_id))


def status_lists_publish_dirty() -> int:
    """Re-sign every list with unsigned changes (the periodic safety net)."""
    ids = list(
        StatusList.objects.filter(dirty=True).values_list("pk", flat=True)
    ) + list(
        StatusList.objects.filter(credential__isnull=True).values_list("pk", flat=True)
    )
    for status_list_id in dict.fromkeys(ids):
        status_list_publish(status_list_id=status_list_id)
    return len(set(ids))
