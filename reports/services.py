"""Writes for reports: participants' outcomes and the background exports."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reports.exports import csv_lines, participant_rows
from reports.models import ExportJob, ParticipantOutcome
from reports.selectors import programme_facts

logger = logging.getLogger(__name__)

# Up to this many memberships the participant export streams straight away;
# above it the export runs as a Celery job and is downloaded when ready.
DEFAULT_STREAM_LIMIT = 2000


def export_stream_limit() -> int:
    return int(getattr(settings, "REPORTS_EXPORT_STREAM_LIMIT", DEFAULT_STREAM_LIMIT))


@transaction.atomic
def outcome_record(
    *,
    participant,
    cohort,
    stage: str,
    kind: str,
    date: datetime.date,
    note: str = "",
    by=None,
) -> ParticipantOutcome:
    """Record (or correct) where ``participant`` stood at ``stage`` of ``cohort``.

    Idempotent per participant, cohort and stage: a second call updates the
    record. Raises ValidationError when the person is not in the cohort or a
    value is invalid.
    """
    outcome = (
        ParticipantOutcome.objects.select_for_update()
        .filter(participant=participant, cohort=cohort, stage=stage)
        .first()
    ) or ParticipantOutcome(participant=participant, cohort=cohort, stage=stage)
    outcome.kind = kind
    outcome.date = date
    outcome.note = note.strip()
    outcome.recorded_by = by
    outcome.full_clean()
    outcome.save()
    return outcome


@transaction.atomic
def export_job_create(*, by, cohort=None) -> ExportJob:
    """Queue a participant-level export; the file is made by a Celery task
    after commit. Not idempotent: each call is a new file."""
    from reports.tasks import export_job_run as task

    job = ExportJob(kind=ExportJob.Kind.PARTICIPANTS, cohort=cohort, requested_by=by)
    job.full_clean()
    job.save()
    task.delay_on_commit(job.pk)
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Make the job's file. Idempotent: a finished job is returned as it is;
    a job whose worker died is started again. On an error the job is marked
    failed (with the error) and the error re-raised."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status == ExportJob.Status.FINISHED:
            return job
        job.status = ExportJob.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        facts = programme_facts(
            cohort_ids=[job.cohort_id] if job.cohort_id else None, with_dates=True
        )
        lines = list(csv_lines(participant_rows(facts)))
        content = ContentFile("".join(lines).encode("utf-8"))
        with transaction.atomic():
            job = ExportJob.objects.select_for_update().get(pk=job_id)
            if job.file:
                job.file.delete(save=False)
            job.file.save(f"{job.token}.csv", content, save=False)
            job.row_count = len(lines) - 2  # the byte-order mark and the header
            job.status = ExportJob.Status.FINISHED
            job.finished_at = timezone.now()
            job.error = ""
            job.save()
    except Exception as error:
        logger.exception("Export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=str(error)[:1000]
        )
        raise
    return job


@transaction.atomic
def export_jobs_purge(*, older_than: datetime.timedelta) -> int:
    """Delete export files (and their jobs) older than ``older_than``: they
    hold personal data and are kept no longer than needed. Idempotent."""
    cutoff = timezone.now() - older_than
    jobs = list(ExportJob.objects.select_for_update().filter(created_at__lt=cutoff))
    for job in jobs:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    return len(jobs)
