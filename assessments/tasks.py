from celery import shared_task


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def quiz_attempts_expire(self) -> int:
    # Idempotent: each overdue attempt is graded once, under a row lock.
    from assessments.services.quiz import quiz_attempts_expire as expire

    return expire()


# --- Written assignments (append-only; a name ending in _send_email goes to the
# e-mail queue) ---


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def submission_graded_send_email(self, review_id: int) -> None:
    # Exactly once: the review is claimed with a conditional update.
    from assessments.services.assignments import submission_graded_notify

    submission_graded_notify(review_id=review_id)
