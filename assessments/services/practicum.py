"""Writes for the practicum log: log a session, revise it, sign it off.

Callers have checked access (``assessments.access``); these functions check
the workflow and raise ``PracticumError`` with a message for people, or
``ValidationError`` for field values.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import PracticumSession, PracticumSupervision
from assessments.selectors.practicum import supervised_trainee_ids

__all__ = [
    "PracticumError",
    "practicum_session_log",
    "practicum_session_return",
    "practicum_session_sign",
    "practicum_session_update",
    "practicum_supervision_add",
]

Status = PracticumSession.Status
EDITABLE_FIELDS = (
    "date",
    "minutes",
    "setting_name",
    "client_code",
    "competencies",
    "reflection",
)


class PracticumError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _apply(session: PracticumSession, data: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str) and name != "reflection":
                value = value.strip()
            setattr(session, name, value)


@transaction.atomic
def practicum_session_log(
    *,
    trainee,
    date: datetime.date,
    minutes: int,
    client_code: str,
    competencies: list[str],
    reflection: str,
    setting_name: str = "",
) -> PracticumSession:
    """Log one supervised session; it waits for a supervisor's sign-off.

    Raises ``ValidationError`` for a date in the future, a duration outside
    15-600 minutes, a client code that looks like a personal identity number
    (or is not a code), unknown competencies or a reflection that contains a
    personal identity number.
    """
    now = timezone.now()
    session = PracticumSession(trainee=trainee, created_at=now, updated_at=now)
    _apply(
        session,
        {
            "date": date,
            "minutes": minutes,
            "setting_name": setting_name,
            "client_code": client_code,
            "competencies": list(competencies),
            "reflection": reflection,
        },
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def practicum_session_update(
    *, trainee, session_id: int, data: dict
) -> PracticumSession:
    """Change a session that is not signed off; a session that was sent back
    waits for sign-off again. Raises ``PracticumError`` for a signed session."""
    session = (
        PracticumSession.objects.select_for_update()
        .filter(pk=session_id, trainee=trainee)
        .first()
    )
    if session is None:
        raise PermissionDenied
    if session.status == Status.SIGNED:
        raise PracticumError(_("A signed-off session can no longer be changed."))
    _apply(session, data)
    session.status = Status.LOGGED
    session.updated_at = timezone.now()
    session.full_clean()
    session.save()
    return session


def _locked_for_supervisor(*, supervisor, session_id: int) -> PracticumSession:
    session = (
        PracticumSession.objects.select_for_update(of=("self",))
        .filter(supervised_trainee_ids(supervisor=supervisor))
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise PermissionDenied
    return session


@transaction.atomic
def practicum_session_sign(*, supervisor, session_id: int) -> PracticumSession:
    """Sign a session off: its hours count from now on.

    Idempotent for a session already signed. Raises ``PermissionDenied``
    unless ``supervisor`` may sign for the trainee, ``PracticumError`` for a
    session that was sent back and not revised yet.
    """
    session = _locked_for_supervisor(supervisor=supervisor, session_id=session_id)
    if session.status == Status.SIGNED:
        return session
    if session.status == Status.RETURNED:
        raise PracticumError(
            _("This session was sent back; the trainee has not revised it yet.")
        )
    now = timezone.now()
    session.status = Status.SIGNED
    session.supervisor = supervisor
    session.signed_at = now
    session.updated_at = now
    session.full_clean(exclude=["trainee", "supervisor"])
    session.save()
    return session


@transaction.atomic
def practicum_session_return(
    *, supervisor, session_id: int, comment: str
) -> PracticumSession:
    """Send a session back to the trainee with a comment saying what to change.

    Raises ``PermissionDenied`` as ``practicum_session_sign`` does, and
    ``PracticumError`` without a comment or for a signed session.
    """
    comment = (comment or "").strip()
    if not comment:
        raise PracticumError(_("Say what the trainee should change."))
    session = _locked_for_supervisor(supervisor=supervisor, session_id=session_id)
    if session.status == Status.SIGNED:
        raise PracticumError(_("A signed-off session can no longer be sent back."))
    session.status = Status.RETURNED
    session.supervisor = supervisor
    session.comment = comment
    session.updated_at = timezone.now()
    session.full_clean(exclude=["trainee", "supervisor"])
    session.save()
    return session


@transaction.atomic
def practicum_supervision_add(*, trainee, supervisor) -> PracticumSupervision:
    """Let ``supervisor`` sign off ``trainee``'s sessions. Idempotent.

    Raises ``PracticumError`` for someone asked to supervise themselves."""
    if trainee.pk == supervisor.pk:
        raise PracticumError(_("Nobody can sign off their own practicum."))
    supervision, _created = PracticumSupervision.objects.get_or_create(
        trainee=trainee, supervisor=supervisor
    )
    return supervision
