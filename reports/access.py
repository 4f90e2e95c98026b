"""Who may read the programme reports and download an export."""

from django.http import Http404

from reports.models import ExportJob

VIEW_REPORTS = "reports.view_programme_reports"
EXPORT_PARTICIPANTS = "reports.export_participant_data"


def may_view_reports(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_REPORTS)


def may_export_participants(user) -> bool:
    return may_view_reports(user) and user.has_perm(EXPORT_PARTICIPANTS)


def access_export_job_by_id(*, user, job_id) -> ExportJob:
    """The export job, if ``user`` asked for it and may still export; else 404.

    The file holds participant-level data: only whoever requested it may
    download it, and only while they hold the permission.
    """
    if not may_export_participants(user):
        raise Http404
    try:
        return ExportJob.objects.get(pk=job_id, requested_by=user)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
