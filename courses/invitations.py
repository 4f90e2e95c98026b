"""Inviting trainees to a cohort, sending the link, and accepting it.

The token in an invitation link is never stored and never put in a queue
message: the database keeps its SHA-256 only, and the token itself is made by
the e-mail task at the moment it sends the e-mail (``invitation_send``). A
leaked database, broker or task log therefore holds nothing that accepts an
invitation. An invitation that has not been e-mailed yet carries the hash of a
token nobody ever saw, so it cannot be accepted at all.
"""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.invitation_csv import (
    InviteRow,
    ParsedImport,
    RejectedRow,
    RejectReason,
    invitation_rows_parse,
)
from courses.models import Cohort, CohortMembership, Invitation
from users.models import User
from users.services import user_create

__all__ = [
    "InviteResult",
    "ParsedImport",
    "cohort_invite",
    "invitation_accept",
    "invitation_open",
    "invitation_resend",
    "invitation_rows_check",
    "invitation_rows_parse",
    "invitation_send",
    "invite_fingerprint",
    "membership_withdraw",
]

INVITATION_VALID_FOR = timedelta(days=14)
NEW_TRAINEE_LANGUAGE = "sv"
Status = CohortMembership.Status


class InvitationInvalid(Exception):
    """Unknown, used, revoked or expired: all look the same to the visitor."""


class SignInRequired(Exception):
    """The invitee already has an account: they accept it signed in as themselves."""


class PreviewOutdated(Exception):
    """The rows to invite changed between the preview and the confirmation."""


@dataclass(frozen=True)
class InviteResult:
    invited: tuple[InviteRow, ...]
    rejected: tuple[RejectedRow, ...]

    @property
    def invited_count(self) -> int:
        return len(self.invited)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unusable_token_hash() -> str:
    # The hash of a token that is thrown away at once: an invitation is
    # unusable until its e-mail (with a fresh token) has gone out.
    return token_hash(secrets.token_urlsafe(32))


def invitation_rows_check(
    *, cohort: Cohort, rows: Sequence[InviteRow]
) -> tuple[list[InviteRow], list[RejectedRow]]:
    """Split parsed rows into those the cohort can take and those it cannot.

    Reads only. Someone who withdrew may be invited again; anyone invited,
    active or finished is already a member. Places (invited + active members)
    are given in file order until the capacity is reached. Lock the cohort
    first (``cohort_invite`` does) when the answer decides a write.
    """
    emails = [row.email for row in rows]
    statuses = dict(
        CohortMembership.objects.filter(
            cohort=cohort, user__email__in=emails
        ).values_list("user__email", "status")
    )
    taken = CohortMembership.objects.filter(
        cohort=cohort, status__in=CohortMembership.HOLDS_A_PLACE
    ).count()
    free = cohort.capacity - taken
    valid, rejected = [], []
    for row in rows:
        status = statuses.get(row.email)
        reason = None
        if status is not None and status != Status.WITHDRAWN:
            reason = RejectReason.ALREADY_MEMBER
        elif free <= 0:
            reason = RejectReason.OVER_CAPACITY
        if reason is None:
            valid.append(row)
            free -= 1
        else:
            rejected.append(
                RejectedRow(
                    line=row.line, email=row.email, name=row.name, reason=reason
                )
            )
    return valid, rejected


def invite_fingerprint(rows: Sequence[InviteRow]) -> str:
    """Names the set of addresses a preview promised to invite."""
    return hashlib.sha256("\n".join(sorted(r.email for r in rows)).encode()).hexdigest()


def _invitation_new(*, membership, invited_by, now) -> Invitation:
    invitation = Invitation(
        membership=membership,
        token_hash=_unusable_token_hash(),
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
        invited_by=invited_by,
    )
    # The foreign keys point at rows this transaction holds; checking them
    # would cost a query per invitation.
    invitation.full_clean(exclude=["membership", "invited_by"], validate_unique=False)
    return invitation


def _enqueue_sending(invitation_ids: list[int]) -> None:
    from courses.tasks import invitation_send_email

    for invitation_id in invitation_ids:
        invitation_send_email.delay_on_commit(invitation_id)


@transaction.atomic
def cohort_invite(
    *,
    cohort: Cohort,
    rows: Sequence[InviteRow],
    invited_by: User,
    expected_fingerprint: str | None = None,
) -> InviteResult:
    """Invite every row the cohort can take, all of them or none.

    Locks the cohort row first, so two administrators inviting at once cannot
    fill it beyond its capacity. Creates the accounts that do not exist yet
    (no password, address not verified), the memberships (invited) and their
    invitations; the e-mails are sent by a task after the commit.
    ``expected_fingerprint`` (``invite_fingerprint`` of the rows the
    administrator confirmed on the preview): when the rows that can be
    invited are no longer exactly those, nothing is written and
    ``PreviewOutdated`` is raised.
    """
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    valid, rejected = invitation_rows_check(cohort=cohort, rows=rows)
    if (
        expected_fingerprint is not None
        and invite_fingerprint(valid) != expected_fingerprint
    ):
        raise PreviewOutdated
    if not valid:
        return InviteResult(invited=(), rejected=tuple(rejected))

    now = timezone.now()
    emails = [row.email for row in valid]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    withdrawn = {
        m.user_id: m
        for m in CohortMembership.objects.filter(
            cohort=cohort, user__email__in=emails, status=Status.WITHDRAWN
        )
    }
    fresh, returning = [], []
    for row in valid:
        user = users.get(row.email)
        if user is None:
            user = user_create(
                email=row.email,
                legal_name=row.name,
                preferred_language=NEW_TRAINEE_LANGUAGE,
            )
        membership = withdrawn.get(user.pk)
        if membership is None:
            membership = CohortMembership(
                cohort=cohort, user=user, status=Status.INVITED, invited_at=now
            )
            membership.full_clean(
                exclude=["cohort", "user"],
                validate_unique=False,
                validate_constraints=False,
            )
            fresh.append(membership)
        else:
            membership.status = Status.INVITED
            membership.invited_at = now
            membership.left_at = None
            returning.append(membership)
    CohortMembership.objects.bulk_create(fresh)
    CohortMembership.objects.bulk_update(returning, ["status", "invited_at", "left_at"])
    invitations = Invitation.objects.bulk_create(
        _invitation_new(membership=m, invited_by=invited_by, now=now)
        for m in [*fresh, *returning]
    )
    log(
        instance=cohort,
        action="courses.invite",
        user=invited_by,
        data={"invited": len(invitations)},
    )
    _enqueue_sending([invitation.pk for invitation in invitations])
    return InviteResult(invited=tuple(valid), rejected=tuple(rejected))


@transaction.atomic
def invitation_resend(*, membership: CohortMembership, by: User) -> Invitation:
    """Revoke the open links of an invited trainee and send a new one.

    Raises ValidationError when the trainee is no longer invited (they have
    joined, withdrawn or finished).
    """
    membership = CohortMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Status.INVITED:
        raise ValidationError(
            _("Only people who have not joined yet can be re-sent an invitation.")
        )
    now = timezone.now()
    membership.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = _invitation_new(membership=membership, invited_by=by, now=now)
    invitation.save()
    log(
        instance=membership.cohort,
        action="courses.invitation_resend",
        user=by,
        data={"membership": membership.pk},
    )
    _enqueue_sending([invitation.pk])
    return invitation


def _is_open(invitation: Invitation | None, now) -> bool:
    return bool(
        invitation is not None
        and invitation.sent_at is not None
        and invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > now
        and invitation.membership.status == Status.INVITED
    )


def invitation_open(*, token: str) -> Invitation | None:
    """The invitation the token opens, if it can still be accepted; else None."""
    invitation = (
        Invitation.objects.select_related("membership__user", "membership__cohort")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return invitation if _is_open(invitation, timezone.now()) else None


def invitation_accept(
    *, token: str, password: str | None = None, user: User | None = None
) -> CohortMembership:
    """Join the cohort with the invitation link. Single use.

    A person without a password yet sets ``password`` (checked by the password
    validators: ValidationError); someone who already has an account must be
    signed in as that account (``user``), else ``SignInRequired``. Either way
    the link proves the e-mail address, which is marked verified and primary.
    Raises ``InvitationInvalid`` for an unknown, used, revoked or expired
    token. Runs in one transaction under a lock on the invitation, so two
    clicks cannot both succeed.
    """
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("membership__user", "membership__cohort")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if not _is_open(invitation, now):
            raise InvitationInvalid
        membership = invitation.membership
        person = membership.user
        if person.has_usable_password():
            if user is None or user.pk != person.pk:
                raise SignInRequired
        else:
            if not password:
                raise ValidationError(_("Choose a password."), code="required")
            validate_password(password, user=person)
            person.set_password(password)
            person.save(update_fields=["password"])
        _email_verified(person)
        membership.status = Status.ACTIVE
        membership.joined_at = now
        membership.full_clean(validate_unique=False, validate_constraints=False)
        membership.save(update_fields=["status", "joined_at"])
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
        membership.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        return membership


def _email_verified(person: User) -> None:
    EmailAddress.objects.filter(user=person).exclude(email__iexact=person.email).update(
        primary=False
    )
    address = EmailAddress.objects.filter(
        user=person, email__iexact=person.email
    ).first()
    if address is None:
        EmailAddress.objects.create(
            user=person, email=person.email, primary=True, verified=True
        )
    elif not (address.verified and address.primary):
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])


@transaction.atomic
def membership_withdraw(*, membership: CohortMembership, by: User) -> CohortMembership:
    """Take a trainee out of a cohort; their open invitation links stop working.

    Idempotent for someone already withdrawn. Their completions and progress
    stay. Raises ValidationError for a trainee who completed the cohort.
    """
    membership = CohortMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == Status.WITHDRAWN:
        return membership
    if membership.status == Status.COMPLETED:
        raise ValidationError(
            _("A trainee who completed the cohort cannot be withdrawn.")
        )
    now = timezone.now()
    membership.status = Status.WITHDRAWN
    membership.left_at = now
    membership.save(update_fields=["status", "left_at"])
    membership.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    log(
        instance=membership.cohort,
        action="courses.withdraw",
        user=by,
        data={"membership": membership.pk},
    )
    return membership


def invitation_link(*, token: str, language: str) -> str:
    with translation.override(language):
        path = reverse("invitation_accept", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def invitation_send(*, invitation_id: int) -> bool:
    """E-mail an invitation that has not been sent yet; True when it was sent.

    Idempotent: a sent, accepted, revoked or expired invitation is left alone.
    Must run outside a transaction (it commits the new token's hash before
    the e-mail goes out, and marks ``sent_at`` after). If sending fails the
    invitation stays unsent and the task retries with another token. In the
    rare case that the process dies between sending and marking it sent, the
    retry sends a second e-mail whose link replaces the first.
    """
    token = secrets.token_urlsafe(32)
    digest = token_hash(token)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("membership__user", "membership__cohort")
            .filter(pk=invitation_id)
            .first()
        )
        if (
            invitation is None
            or invitation.sent_at is not None
            or invitation.accepted_at is not None
            or invitation.revoked_at is not None
            or invitation.expires_at <= timezone.now()
            or invitation.membership.status != Status.INVITED
        ):
            return False
        invitation.token_hash = digest
        invitation.save(update_fields=["token_hash"])

    person = invitation.membership.user
    language = person.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "person": person,
            "cohort": invitation.membership.cohort,
            "link": invitation_link(token=token, language=language),
            "expires_at": invitation.expires_at,
            "has_account": person.has_usable_password(),
        }
        subject = render_to_string("courses/email/invitation_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("courses/email/invitation_body.txt", context),
            to=[person.email],
        )
        message.attach_alternative(
            render_to_string("courses/email/invitation_body.html", context),
            "text/html",
        )
    message.send()
    Invitation.objects.filter(pk=invitation_id, token_hash=digest).update(
        sent_at=timezone.now()
    )
    return True
