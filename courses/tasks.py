from celery import shared_task


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def course_progress_refresh(self, course_id: int) -> None:
    from courses.services import course_progress_refresh as refresh

    refresh(course_id=course_id)
