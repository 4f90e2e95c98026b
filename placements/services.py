"""Writes for placements. Every rule about who may be placed where lives here.

Each service runs in one transaction, calls ``full_clean()`` before saving and
logs a ``PlacementEvent`` (``placements.<verb>``, who, old → new). Forms and
admin views call these; nothing else writes a placement.

Rules:

- Only a holder of a valid certificate (issued, not revoked, not superseded,
  not expired) can be proposed, agreed or started.
- An organisation's places are taken by its agreed and active placements;
  agreeing or starting one more than it has places is refused. The
  organisation's row is locked while counting, so two administrators taking
  the last place at once cannot both succeed.
- A coach holds at most one agreed or active placement at a time.
- A revoked certificate flags the holder's open placements for an
  administrator; it never ends them by itself.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.selectors import valid_certificate_holders
from placements.models import PartnerOrganisation, Placement, PlacementEvent

# What an administrator may change on a placement after proposing it.
EDITABLE_FIELDS = (
    "role_description",
    "start_date",
    "end_date",
    "hours_per_week",
    "supervisor_name",
    "supervisor_email",
    "supervisor_phone",
    "outcome_notes",
)
LOGGED_FIELDS = (
    *EDITABLE_FIELDS,
    "status",
    "ended_reason",
    "needs_attention",
    "attention_reason",
)


def _snapshot(placement: Placement, fields=LOGGED_FIELDS) -> dict[str, Any]:
    values = {}
    for name in fields:
        value = getattr(placement, name)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            places = Placement._meta.get_field(name).decimal_places
            value = str(value.quantize(Decimal(1).scaleb(-places)))
        values[name] = value
    return values


def _diff(old: dict, new: dict) -> tuple[dict, dict]:
    changed = [key for key in new if old.get(key) != new[key]]
    return {key: old.get(key) for key in changed}, {key: new[key] for key in changed}


def _log(
    *, placement: Placement, actor, action: str, old: dict, note: str = ""
) -> PlacementEvent:
    if old:
        before, after = _diff(old, _snapshot(placement))
    else:  # created: everything is new
        before, after = {}, _snapshot(placement)
    event = PlacementEvent(
        placement=placement,
        actor=actor,
        action=action,
        old=before,
        new=after,
        note=note,
    )
    event.full_clean()
    event.save()
    return event


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A ValidationError on ``field`` that keeps its ``code`` (a dict loses it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _require_certificate(coach) -> None:
    if coach.pk not in valid_certificate_holders(user_ids=[coach.pk]):
        raise _field_error(
            "coach",
            _(
                "%(name)s does not hold a valid certificate. Only certified "
                "coaches can be placed."
            )
            % {"name": coach},
            "not_certified",
        )


def _places_taken(*, organisation_id: int, exclude_id: int | None = None) -> int:
    taken = Placement.objects.filter(
        organisation_id=organisation_id, status__in=Placement.TAKES_A_PLACE
    )
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return taken.count()


def _require_free_place(placement: Placement) -> PartnerOrganisation:
    """Lock the organisation's row, then count: the row lock is what serialises
    two administrators taking the last place at once (SQLite's IMMEDIATE
    transactions serialise every write anyway)."""
    organisation = PartnerOrganisation.objects.select_for_update().get(
        pk=placement.organisation_id
    )
    taken = _places_taken(organisation_id=organisation.pk, exclude_id=placement.pk)
    if taken >= organisation.places:
        raise ValidationError(
            _(
                "%(organisation)s has no free place: all %(places)d are taken by "
                "agreed or active placements."
            )
            % {"organisation": organisation, "places": organisation.places},
            code="no_free_place",
        )
    return organisation


def _locked(placement: Placement) -> Placement:
    return Placement.objects.select_for_update().get(pk=placement.pk)


def _require_status(placement: Placement, *allowed: str) -> None:
    if placement.status not in allowed:
        raise ValidationError(
            _("This placement is %(status)s; that cannot be done now.")
            % {"status": placement.get_status_display().lower()},
            code="wrong_status",
        )


@transaction.atomic
def placement_propose(
    *,
    coach,
    organisation: PartnerOrganisation,
    role_description: str,
    start_date: datetime.date,
    hours_per_week: Decimal,
    end_date: datetime.date | None = None,
    supervisor_name: str = "",
    supervisor_email: str = "",
    supervisor_phone: str = "",
    by=None,
) -> Placement:
    """Propose ``coach`` for ``organisation``. Raises ValidationError when the
    coach holds no valid certificate, the organisation is inactive, the coach
    already has an open placement there, or a field is invalid. Not idempotent.
    """
    _require_certificate(coach)
    if not organisation.is_active:
        raise _field_error(
            "organisation",
            _("This organisation is not taking coaches."),
            "inactive_organisation",
        )
    placement = Placement(
        coach=coach,
        organisation=organisation,
        role_description=role_description,
        start_date=start_date,
        end_date=end_date,
        hours_per_week=hours_per_week,
        supervisor_name=supervisor_name,
        supervisor_email=supervisor_email,
        supervisor_phone=supervisor_phone,
        proposed_by=by,
    )
    placement.full_clean()
    placement.save()
    _log(placement=placement, actor=by, action="placements.propose", old={})
    return placement


@transaction.atomic
def placement_agree(*, placement: Placement, by=None) -> Placement:
    """The organisation and the coach agreed: the placement takes a place.

    Raises ValidationError when it is not proposed, the certificate is no
    longer valid, the organisation has no free place or the coach already
    holds a place elsewhere.
    """
    placement = _locked(placement)
    _require_status(placement, Placement.Status.PROPOSED)
    _require_certificate(placement.coach)
    _require_free_place(placement)
    old = _snapshot(placement)
    placement.status = Placement.Status.AGREED
    placement.agreed_at = timezone.now()
    placement.full_clean()
    placement.save()
    _log(placement=placement, actor=by, action="placements.agree", old=old)
    return placement


@transaction.atomic
def placement_activate(*, placement: Placement, by=None) -> Placement:
    """The coach has started. Same checks as agreeing (places may have shrunk)."""
    placement = _locked(placement)
    _require_status(placement, Placement.Status.AGREED)
    _require_certificate(placement.coach)
    _require_free_place(placement)
    old = _snapshot(placement)
    placement.status = Placement.Status.ACTIVE
    placement.activated_at = timezone.now()
    placement.full_clean()
    placement.save()
    _log(placement=placement, actor=by, action="placements.activate", old=old)
    return placement


@transaction.atomic
def placement_complete(
    *, placement: Placement, outcome_notes: str = "", by=None
) -> Placement:
    """The placement ran its course. Frees the place."""
    placement = _locked(placement)
    _require_status(placement, Placement.Status.ACTIVE)
    old = _snapshot(placement)
    placement.status = Placement.Status.COMPLETED
    placement.closed_at = timezone.now()
    if outcome_notes:
        placement.outcome_notes = outcome_notes
    placement.full_clean()
    placement.save()
    _log(placement=placement, actor=by, action="placements.complete", old=old)
    return placement


@transaction.atomic
def placement_end_early(*, placement: Placement, reason: str, by=None) -> Placement:
    """End an open placement before its time; ``reason`` is required. Frees the
    place and clears a flag (the administrator has acted on it)."""
    if not reason.strip():
        raise _field_error(
            "reason", _("Say why the placement ends early."), "no_reason"
        )
    placement = _locked(placement)
    _require_status(placement, *Placement.OPEN)
    old = _snapshot(placement)
    placement.status = Placement.Status.ENDED_EARLY
    placement.ended_reason = reason.strip()
    placement.closed_at = timezone.now()
    placement.needs_attention = False
    placement.attention_reason = ""
    placement.full_clean()
    placement.save()
    _log(placement=placement, actor=by, action="placements.end_early", old=old)
    return placement


@transaction.atomic
def placement_update(
    *, placement: Placement, data: dict[str, Any], by=None
) -> Placement:
    """Change the details of a placement (``EDITABLE_FIELDS`` only; others are
    ignored). Logs the fields that changed; changing nothing logs nothing."""
    placement = _locked(placement)
    old = _snapshot(placement)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(placement, name, data[name])
    placement.full_clean()
    if _snapshot(placement) == old:
        return placement
    placement.save()
    _log(placement=placement, actor=by, action="placements.update", old=old)
    return placement


@transaction.atomic
def placement_attention_resolve(
    *, placement: Placement, note: str, by=None
) -> Placement:
    """An administrator has looked into a flagged placement and keeps it going.

    ``note`` (required) says what was decided; it is kept in the history.
    """
    if not note.strip():
        raise _field_error("note", _("Say what was decided."), "no_note")
    placement = _locked(placement)
    if not placement.needs_attention:
        return placement
    old = _snapshot(placement)
    placement.needs_attention = False
    placement.attention_reason = ""
    placement.full_clean()
    placement.save()
    _log(
        placement=placement,
        actor=by,
        action="placements.resolve",
        old=old,
        note=note.strip(),
    )
    return placement


@transaction.atomic
def placements_flag_for_revocation(*, holder, certificate, by=None) -> int:
    """Flag ``holder``'s open placements because ``certificate`` was revoked.

    Call it from the revocation service, in its transaction. The placements
    keep their status: an administrator decides what happens next. Returns
    the number of placements flagged by this call; calling it again for the
    same certificate flags nothing more (idempotent).
    """
    code = getattr(certificate, "code", "") or str(certificate.pk)
    revoked = getattr(certificate, "revoked_at", None) or timezone.now()
    reason = _(
        "Certificate %(code)s was revoked on %(date)s. Decide whether the "
        "placement continues."
    ) % {"code": code, "date": timezone.localdate(revoked).isoformat()}
    marker = f"certificate:{certificate.pk}"
    placements = list(
        Placement.objects.select_for_update()
        .filter(coach_id=holder.pk, status__in=Placement.OPEN)
        .exclude(
            Exists(
                PlacementEvent.objects.filter(
                    placement=OuterRef("pk"), action="placements.flag", note=marker
                )
            )
        )
        .order_by("pk")
    )
    flagged = 0
    for placement in placements:
        old = _snapshot(placement)
        placement.needs_attention = True
        placement.attention_reason = reason
        placement.full_clean()
        placement.save()
        _log(
            placement=placement,
            actor=by,
            action="placements.flag",
            old=old,
            note=marker,
        )
        flagged += 1
    return flagged


@transaction.atomic
def partner_organisation_create(
    *, name: str, kind: str, municipality: str, languages=(), **fields: Any
) -> PartnerOrganisation:
    """Add a partner organisation (``languages``: codes or ``Language`` rows).

    Raises ValidationError on bad data. Not idempotent: the name is unique.
    """
    organisation = PartnerOrganisation(
        name=name, kind=kind, municipality=municipality, **fields
    )
    organisation.full_clean()
    organisation.save()
    organisation.languages.set(languages)
    return organisation
