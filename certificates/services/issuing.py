"""Issuing, revoking and re-issuing certificates; issuing to a whole cohort.

Exactly one current certificate per trainee and certification is a database
rule (``one_certificate_per_certification``), not a check made first: a double
click, two administrators at once, or a job retried after its worker died all
end with the one certificate the first insert made.
"""

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.codes import code_new
from certificates.did import verification_method_id
from certificates.eligibility import Eligibility
from certificates.models import (
    Certificate,
    Certification,
    IssueJob,
    IssueJobItem,
    Recommendation,
)
from certificates.selectors import (
    certificate_current,
    eligibility_for,
    eligible_user_ids,
)
from certificates.services.credential import (
    add_months,
    credential_build,
    snapshot_build,
)
from certificates.services.errors import (
    CertificateError,
    CertificateStateError,
    NotEligible,
    NotRecommended,
    SelfVerificationFailed,
)
from certificates.services.events import event_log
from certificates.services.keys import signing_key_active
from certificates.services.status import status_bit_set, status_index_allocate
from certificates.services.verification import VALID, certificate_verify
from certificates.vc import assert_all_terms_defined, sign

CHUNK_SIZE = 100
# Random values can collide (status index, code); a collision is retried.
INSERT_ATTEMPTS = 5


def _after_issue(certificate: Certificate) -> None:
    """Render the PDF and tell the holder, once the certificate is committed."""
    from certificates.tasks import certificate_render_pdf, certificate_send_email

    if not certificate.pdf:
        certificate_render_pdf.delay_on_commit(certificate.pk)
    elif certificate.emailed_at is None:
        certificate_send_email.delay_on_commit(certificate.pk)


def _create(
    *,
    certification: Certification,
    holder,
    issued_by,
    eligibility: Eligibility | None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    reissue_of: Certificate | None = None,
) -> Certificate:
    """Build, check, sign, self-verify and insert one certificate (a savepoint).

    Raises IntegrityError when the holder got a certificate meanwhile (or a
    random value collided), SigningKeyUnavailable, SelfVerificationFailed.
    """
    key, private_key = signing_key_active()
    now = timezone.now().replace(microsecond=0)
    valid_from = valid_from or now
    if valid_until is None and reissue_of is None and certification.validity_months:
        valid_until = add_months(valid_from, certification.validity_months)
    language = holder.preferred_language or "sv"
    certificate_uuid = uuid.uuid4()
    with transaction.atomic():
        status_list, index = status_index_allocate()
        unsigned = credential_build(
            certification=certification,
            holder=holder,
            language=language,
            certificate_uuid=certificate_uuid,
            valid_from=valid_from,
            valid_until=valid_until,
            status_list_number=status_list.number,
            status_index=index,
        )
        # Signing refuses undefined terms too; checking first gives the
        # clearer error and keeps the key out of it.
        assert_all_terms_defined(unsigned)
        credential = sign(
            unsigned,
            private_key=private_key,
            verification_method=verification_method_id(key.key_id),
            created=now,
        )
        certificate = Certificate(
            uuid=certificate_uuid,
            code=code_new(),
            holder=holder,
            certification=certification,
            issued_by=issued_by,
            snapshot=snapshot_build(
                certification=certification,
                holder=holder,
                language=language,
                eligibility=eligibility,
                issued_at=now,
                valid_from=valid_from,
                valid_until=valid_until,
                reissue_of=reissue_of.code if reissue_of else None,
            ),
            credential=credential,
            signing_key=key,
            status_list=status_list,
            status_index=index,
            issued_at=now,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        certificate.full_clean(validate_unique=False, validate_constraints=False)
        certificate.save()
        report = certificate_verify(credential=credential)
        expected = VALID if valid_until is None or valid_until > now else "expired"
        if report.status != expected or report.certificate != certificate:
            raise SelfVerificationFailed(
                _("The new credential does not verify (%(reason)s).")
                % {"reason": report.reason}
            )
    return certificate


def certificate_issue(
    *,
    certification: Certification,
    holder,
    issued_by,
    recommendation: Recommendation | None = None,
) -> Certificate:
    """Issue ``holder`` their certificate for ``certification``.

    Idempotent: if they hold one already (made by anyone, before or during
    this call) that certificate is returned and nothing else happens. Checks
    eligibility first and raises NotEligible with what is missing. When the
    certification needs a recommendation, raises NotRecommended without a
    pending one (``recommendation``). The PDF and the e-mail follow in Celery
    tasks after commit. Also raises SigningKeyUnavailable and
    SelfVerificationFailed.
    """
    existing = certificate_current(
        holder_id=holder.pk, certification_id=certification.pk
    )
    if existing is not None:
        _after_issue(existing)
        return existing
    if certification.requires_recommendation and (
        recommendation is None or recommendation.status != Recommendation.Status.PENDING
    ):
        raise NotRecommended(
            _("%(name)s needs a trainer's recommendation first.")
            % {"name": holder.legal_name}
        )
    eligibility = eligibility_for(certification=certification, user_ids=[holder.pk])[
        holder.pk
    ]
    if not eligibility.met:
        raise NotEligible(eligibility)

    for _attempt in range(INSERT_ATTEMPTS):
        try:
            with transaction.atomic():
                certificate = _create(
                    certification=certification,
                    holder=holder,
                    issued_by=issued_by,
                    eligibility=eligibility,
                )
                event_log(
                    action="certificates.issue",
                    actor=issued_by,
                    certificate=certificate,
                    holder_id=holder.pk,
                    certification_id=certification.pk,
                    code=certificate.code,
                )
                if recommendation is not None:
                    _recommendation_decide(
                        recommendation=recommendation,
                        by=issued_by,
                        status=Recommendation.Status.APPROVED,
                        certificate=certificate,
                    )
        except IntegrityError:
            existing = certificate_current(
                holder_id=holder.pk, certification_id=certification.pk
            )
            if existing is not None:
                # Another request issued it between our check and our insert.
                _after_issue(existing)
                return existing
            continue  # a random status index or code collided: draw again
        _after_issue(certificate)
        return certificate
    raise CertificateError(_("Could not allocate a certificate; please try again."))


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, reason: str, public_reason: str, by
) -> Certificate:
    """Revoke ``certificate``: its status bit is set and the list re-signed soon.

    Idempotent: revoking a revoked certificate changes nothing. Raises
    ValidationError for an unknown reason.
    """
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        return certificate
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason
    certificate.public_reason = public_reason.strip()
    certificate.full_clean(validate_unique=False, validate_constraints=False)
    if not certificate.revocation_reason:
        raise CertificateStateError(_("Give a reason."))
    certificate.save(
        update_fields=["revoked_at", "revoked_by", "revocation_reason", "public_reason"]
    )
    status_bit_set(
        status_list_id=certificate.status_list_id, index=certificate.status_index
    )
    event_log(
        action="certificates.revoke",
        actor=by,
        certificate=certificate,
        reason=reason,
        public_reason=certificate.public_reason,
    )
    # The holder's open placements are flagged for an administrator to look
    # at, never ended silently.
    from placements.services import placements_flag_for_revocation

    placements_flag_for_revocation(
        holder=certificate.holder, certificate=certificate, by=by
    )
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by) -> Certificate:
    """Replace ``certificate`` with a corrected one; the old one is superseded.

    The new certificate is built from the certification and the holder as
    they are now (a corrected name, say) but keeps the old validity dates.
    The old one is revoked (reason "superseded") so verifiers everywhere see
    it is no longer valid, and points to the new one. Idempotent: re-issuing a
    superseded certificate returns its replacement. Raises
    CertificateStateError for a revoked certificate.
    """
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.superseded_by_id is not None:
        return old.superseded_by
    if old.revoked_at is not None:
        raise CertificateStateError(_("A revoked certificate cannot be re-issued."))
    now = timezone.now()
    # Step aside first: the uniqueness rule counts non-superseded certificates.
    old.superseded_at = now
    old.revoked_at = now
    old.revoked_by = by
    old.revocation_reason = Certificate.RevocationReason.SUPERSEDED
    old.save(
        update_fields=["superseded_at", "revoked_at", "revoked_by", "revocation_reason"]
    )
    new = _create(
        certification=old.certification,
        holder=old.holder,
        issued_by=by,
        eligibility=None,
        valid_from=old.valid_from,
        valid_until=old.valid_until,
        reissue_of=old,
    )
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    status_bit_set(status_list_id=old.status_list_id, index=old.status_index)
    event_log(
        action="certificates.reissue",
        actor=by,
        certificate=new,
        supersedes=old.code,
        code=new.code,
    )
    _after_issue(new)
    return new


# --- Recommendations (two people) -----------------------------------------------


def _recommendation_decide(*, recommendation, by, status, certificate=None) -> None:
    recommendation.status = status
    recommendation.decided_by = by
    recommendation.decided_at = timezone.now()
    recommendation.certificate = certificate
    if recommendation.decided_by_id == recommendation.recommended_by_id:
        raise CertificateStateError(
            _("Someone other than the recommending trainer must decide.")
        )
    recommendation.full_clean(validate_constraints=False)
    recommendation.save()


@transaction.atomic
def certificate_recommend(
    *, certification: Certification, trainee, by, note: str = ""
) -> Recommendation:
    """A trainer recommends ``trainee``. Idempotent: returns a pending one.

    Raises NotEligible when the trainee does not meet the rule yet.
    """
    existing = Recommendation.objects.filter(
        certification=certification,
        trainee=trainee,
        status=Recommendation.Status.PENDING,
    ).first()
    if existing is not None:
        return existing
    eligibility = eligibility_for(certification=certification, user_ids=[trainee.pk])[
        trainee.pk
    ]
    if not eligibility.met:
        raise NotEligible(eligibility)
    recommendation = Recommendation(
        certification=certification, trainee=trainee, recommended_by=by, note=note
    )
    recommendation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            recommendation.save()
    except IntegrityError:
        return Recommendation.objects.get(
            certification=certification,
            trainee=trainee,
            status=Recommendation.Status.PENDING,
        )
    event_log(
        action="certificates.recommend",
        actor=by,
        trainee_id=trainee.pk,
        certification_id=certification.pk,
    )
    return recommendation


def recommendation_approve(*, recommendation: Recommendation, by) -> Certificate:
    """Approve by issuing. Raises CertificateStateError if ``by`` recommended it."""
    if recommendation.recommended_by_id == by.pk:
        raise CertificateStateError(
            _("Someone other than the recommending trainer must approve.")
        )
    return certificate_issue(
        certification=recommendation.certification,
        holder=recommendation.trainee,
        issued_by=by,
        recommendation=recommendation,
    )


@transaction.atomic
def recommendation_decline(*, recommendation: Recommendation, by) -> Recommendation:
    recommendation = Recommendation.objects.select_for_update().get(
        pk=recommendation.pk
    )
    if recommendation.status != Recommendation.Status.PENDING:
        return recommendation
    _recommendation_decide(
        recommendation=recommendation, by=by, status=Recommendation.Status.DECLINED
    )
    event_log(
        action="certificates.recommendation_decline",
        actor=by,
        recommendation_id=recommendation.pk,
    )
    return recommendation


# --- A whole cohort ---------------------------------------------------------------


def _chunks(user_ids: list[int]) -> list[list[int]]:
    return [user_ids[i : i + CHUNK_SIZE] for i in range(0, len(user_ids), CHUNK_SIZE)]


def certificates_issue_for_cohort(
    *, cohort, certification: Certification, by
) -> IssueJob:
    """Start issuing to every eligible trainee of ``cohort`` who has none yet.

    Returns the job row that shows progress; the work runs in Celery tasks of
    at most CHUNK_SIZE trainees each, after commit. Only one job per cohort
    and certification runs at a time: asking again while it runs returns it.
    With a recommendation rule, only trainees with a pending recommendation
    are included (and the recommendations are approved by ``by``).
    """
    from certificates.tasks import certificates_issue_chunk

    open_job = IssueJob.objects.filter(
        cohort=cohort, certification=certification, status__in=IssueJob.OPEN
    ).first()
    if open_job is not None:
        return open_job
    user_ids = eligible_user_ids(cohort=cohort, certification=certification)
    if certification.requires_recommendation:
        recommended = set(
            Recommendation.objects.filter(
                certification=certification,
                trainee_id__in=user_ids,
                status=Recommendation.Status.PENDING,
            )
            .exclude(recommended_by=by)
            .values_list("trainee_id", flat=True)
        )
        user_ids = [user_id for user_id in user_ids if user_id in recommended]
    now = timezone.now()
    job = IssueJob(
        cohort=cohort,
        certification=certification,
        requested_by=by,
        user_ids=user_ids,
        total=len(user_ids),
        status=IssueJob.Status.QUEUED if user_ids else IssueJob.Status.FINISHED,
        finished_at=None if user_ids else now,
    )
    job.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            job.save()
            event_log(
                action="certificates.issue_cohort",
                actor=by,
                job_id=job.pk,
                cohort_id=cohort.pk,
                certification_id=certification.pk,
                total=job.total,
            )
    except IntegrityError:
        return IssueJob.objects.get(
            cohort=cohort, certification=certification, status__in=IssueJob.OPEN
        )
    for chunk in _chunks(user_ids):
        certificates_issue_chunk.delay_on_commit(job.pk, chunk)
    return job


def issue_job_resume(*, job: IssueJob) -> int:
    """Enqueue again the trainees of an unfinished job that have no outcome yet.

    For a job whose tasks were lost (a broker restarted without persistence).
    Idempotent, like the chunks. Returns how many trainees were re-queued.
    """
    from certificates.tasks import certificates_issue_chunk

    if job.status == IssueJob.Status.FINISHED:
        return 0
    handled = set(job.items.values_list("user_id", flat=True))
    pending = [user_id for user_id in job.user_ids if user_id not in handled]
    for chunk in _chunks(pending):
        certificates_issue_chunk.delay_on_commit(job.pk, chunk)
    return len(pending)


def _issue_one(*, job: IssueJob, user) -> tuple[str, str, Certificate | None]:
    # The job lists trainees who held no certificate when it started; one
    # found now was made by this job before a retry (or by someone else at the
    # same moment): certificate_issue returns it either way.
    recommendation = None
    if job.certification.requires_recommendation:
        recommendation = Recommendation.objects.filter(
            certification=job.certification,
            trainee=user,
            status=Recommendation.Status.PENDING,
        ).first()
    try:
        certificate = certificate_issue(
            certification=job.certification,
            holder=user,
            issued_by=job.requested_by,
            recommendation=recommendation,
        )
    except NotEligible as error:
        return IssueJobItem.Outcome.NOT_ELIGIBLE, "; ".join(error.missing), None
    except CertificateError as error:
        return IssueJobItem.Outcome.FAILED, str(error), None
    return IssueJobItem.Outcome.ISSUED, "", certificate


def certificates_issue_chunk(*, job_id: int, user_ids: list[int]) -> IssueJob:
    """Issue to some trainees of a job and record each outcome; safe to re-run.

    Each trainee is issued in their own transaction, then their outcome row
    is written (one per trainee and job, by constraint). A worker killed
    half-way leaves some certificates without an outcome row: the retried
    chunk finds each certificate and records it. The job's counters are
    recounted from the rows, so a retry never counts twice.
    """
    from users.models import User

    job = IssueJob.objects.select_related("certification", "requested_by").get(
        pk=job_id
    )
    if job.status == IssueJob.Status.QUEUED:
        IssueJob.objects.filter(pk=job.pk, status=IssueJob.Status.QUEUED).update(
            status=IssueJob.Status.RUNNING
        )
    handled = set(
        IssueJobItem.objects.filter(job=job, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    users = User.objects.filter(pk__in=[u for u in user_ids if u not in handled])
    for user in users.order_by("pk"):
        outcome, message, certificate = _issue_one(job=job, user=user)
        with transaction.atomic():
            IssueJobItem.objects.update_or_create(
                job=job,
                user=user,
                defaults={
                    "outcome": outcome,
                    "message": message[:2000],
                    "certificate": certificate,
                },
            )
    return issue_job_refresh(job_id=job.pk)


@transaction.atomic
def issue_job_refresh(*, job_id: int) -> IssueJob:
    """Recount a job's progress from its outcome rows; finish it when all are in."""
    job = IssueJob.objects.select_for_update().get(pk=job_id)
    counts = dict(
        job.items.values("outcome").annotate(n=Count("id")).values_list("outcome", "n")
    )
    job.done = counts.get(IssueJobItem.Outcome.ISSUED, 0)
    job.skipped = counts.get(IssueJobItem.Outcome.NOT_ELIGIBLE, 0)
    job.failed = counts.get(IssueJobItem.Outcome.FAILED, 0)
    fields = ["done", "skipped", "failed"]
    if job.processed >= job.total and job.status != IssueJob.Status.FINISHED:
        job.status = IssueJob.Status.FINISHED
        job.finished_at = timezone.now()
        fields += ["status", "finished_at"]
    elif job.status == IssueJob.Status.QUEUED:
        job.status = IssueJob.Status.RUNNING
        fields.append("status")
    job.save(update_fields=fields)
    return job
