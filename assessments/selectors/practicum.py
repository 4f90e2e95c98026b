"""Reads for the practicum log: signed hours, a trainee's sessions, sign-off work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from assessments.models import PracticumSession, PracticumSupervision
from courses.models import CohortMembership
from users.roles import is_programme_admin

__all__ = [
    "SIGN_OFF_PERMISSION",
    "PracticumTotals",
    "practicum_review_queue",
    "practicum_sessions_of",
    "practicum_totals",
    "readable_sessions",
    "signed_practicum_hours",
    "supervised_trainee_ids",
    "supervised_trainees_hours",
]

SIGN_OFF_PERMISSION = "assessments.sign_off_practicum"
Status = PracticumSession.Status
_CENT = Decimal("0.01")
_MINUTES_PER_HOUR = Decimal(60)


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / _MINUTES_PER_HOUR).quantize(
        _CENT, rounding=ROUND_HALF_UP
    )


def signed_practicum_hours(*, user_ids: Iterable[int]) -> dict[int, Decimal]:
    """Signed-off practicum hours per trainee, for every id in ``user_ids``.

    One query whatever the number of users. Hours are the signed minutes
    divided by 60, rounded half up to cents; someone with no signed session
    has ``Decimal("0.00")``. Sessions waiting for sign-off or sent back do not
    count.
    """
    ids = list(dict.fromkeys(user_ids))
    result = dict.fromkeys(ids, Decimal("0.00"))
    if not ids:
        return result
    rows = (
        PracticumSession.objects.filter(trainee_id__in=ids, status=Status.SIGNED)
        .values("trainee_id")
        .annotate(minutes=Sum("minutes"))
        .values_list("trainee_id", "minutes")
    )
    for trainee_id, minutes in rows:
        result[trainee_id] = _hours(minutes)
    return result


@dataclass(frozen=True)
class PracticumTotals:
    signed_hours: Decimal
    waiting_hours: Decimal
    returned_count: int
    session_count: int


def practicum_totals(*, trainee_id: int) -> PracticumTotals:
    """Signed and waiting hours of one trainee, in one query."""
    totals = PracticumSession.objects.filter(trainee_id=trainee_id).aggregate(
        signed=Sum("minutes", filter=Q(status=Status.SIGNED)),
        waiting=Sum("minutes", filter=Q(status=Status.LOGGED)),
        returned=Count("id", filter=Q(status=Status.RETURNED)),
        sessions=Count("id"),
    )
    return PracticumTotals(
        signed_hours=_hours(totals["signed"]),
        waiting_hours=_hours(totals["waiting"]),
        returned_count=totals["returned"],
        session_count=totals["sessions"],
    )


def practicum_sessions_of(*, trainee) -> QuerySet[PracticumSession]:
    return PracticumSession.objects.filter(trainee=trainee).select_related("supervisor")


def supervised_trainee_ids(*, supervisor) -> Q:
    """A filter on ``trainee_id`` for the trainees ``supervisor`` may sign for.

    Named supervisors (``PracticumSupervision``) for their trainees; trainers
    with the sign-off permission for the active members of the cohorts they
    teach. Never themselves.
    """
    if not supervisor.is_authenticated:
        return Q(pk__in=[])
    query = Q(
        trainee_id__in=PracticumSupervision.objects.filter(
            supervisor=supervisor
        ).values("trainee_id")
    )
    if supervisor.has_perm(SIGN_OFF_PERMISSION):
        query |= Q(
            trainee_id__in=CohortMembership.objects.filter(
                cohort__trainers=supervisor,
                status=CohortMembership.Status.ACTIVE,
            ).values("user_id")
        )
    return query & ~Q(trainee_id=supervisor.pk)


def readable_sessions(*, user) -> QuerySet[PracticumSession]:
    """Sessions ``user`` may read: their own, those they may sign, and all
    of them for programme administrators."""
    sessions = PracticumSession.objects.all()
    if not user.is_authenticated:
        return sessions.none()
    if is_programme_admin(user):
        return sessions
    return sessions.filter(
        Q(trainee_id=user.pk) | supervised_trainee_ids(supervisor=user)
    )


def practicum_review_queue(*, supervisor) -> QuerySet[PracticumSession]:
    """Sessions waiting for ``supervisor``'s sign-off, oldest first."""
    return (
        PracticumSession.objects.filter(supervised_trainee_ids(supervisor=supervisor))
        .filter(status=Status.LOGGED)
        .select_related("trainee")
        .order_by("date", "id")
    )


def supervised_trainees_hours(*, supervisor) -> list[dict]:
    """Each trainee ``supervisor`` may sign for who has logged anything, with
    their signed and waiting hours (one query)."""
    rows = (
        PracticumSession.objects.filter(supervised_trainee_ids(supervisor=supervisor))
        .values("trainee_id", "trainee__legal_name", "trainee__preferred_name")
        .annotate(
            signed=Sum("minutes", filter=Q(status=Status.SIGNED)),
            waiting=Sum("minutes", filter=Q(status=Status.LOGGED)),
        )
        .order_by("trainee__legal_name", "trainee_id")
    )
    return [
        {
            "trainee_id": row["trainee_id"],
            "name": row["trainee__preferred_name"] or row["trainee__legal_name"],
            "signed_hours": _hours(row["signed"]),
            "waiting_hours": _hours(row["waiting"]),
        }
        for row in rows
    ]
