from celery import shared_task


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def course_progress_refresh(self, course_id: int) -> None:
    from courses.services import course_progress_refresh as refresh

    refresh(course_id=course_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send_email(self, invitation_id: int) -> None:
    # Only the id travels through the broker: the link's token is made when
    # the e-mail is sent and is stored nowhere but in the e-mail (see
    # courses.invitations).
    from courses.invitations import invitation_send

    invitation_send(invitation_id=invitation_id)
