from celery import shared_task


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def export_job_run(self, job_id: int) -> None:
    from reports.services import export_job_run as run

    run(job_id=job_id)


@shared_task
def export_jobs_purge(days: int = 7) -> int:
    import datetime

    from reports.services import export_jobs_purge as purge

    return purge(older_than=datetime.timedelta(days=days))
