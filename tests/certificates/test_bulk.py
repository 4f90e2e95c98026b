"""Issuing to a whole cohort: chunks, progress, and re-runs that add nothing."""

import pytest
from django.utils import translation

from certificates.models import Certificate, IssueJob, IssueJobItem
from certificates.services import (
    certificates_issue_chunk,
    certificates_issue_for_cohort,
    issue_job_resume,
    issuing,
)
from tests.certificates.helpers import cohort_for, complete_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_of_five(make_user, two_courses, ledger):
    users = [make_user("trainee", legal_name=f"Trainee {n}") for n in range(5)]
    cohort = cohort_for(courses=two_courses, members=users)
    for user in users[:4]:
        for course in two_courses:
            complete_course(user=user, course=course)
    return cohort, users


@pytest.fixture
def queued(monkeypatch):
    """Chunks the job enqueues, kept instead of run."""
    from certificates import tasks

    chunks = []
    monkeypatch.setattr(
        tasks.certificates_issue_chunk,
        "delay_on_commit",
        lambda job_id, user_ids: chunks.append((job_id, list(user_ids))),
    )
    return chunks


def test_the_job_is_cut_into_chunks_of_at_most_100(
    cohort_of_five, certification, programme_admin, signing_key, queued, monkeypatch
):
    cohort, users = cohort_of_five
    monkeypatch.setattr(issuing, "CHUNK_SIZE", 3)

    job = certificates_issue_for_cohort(
        cohort=cohort, certification=certification, by=programme_admin
    )

    eligible = sorted(u.pk for u in users[:4])
    assert job.total == 4
    assert job.status == IssueJob.Status.QUEUED
    assert queued == [(job.pk, eligible[:3]), (job.pk, eligible[3:])]
    assert issuing.CHUNK_SIZE <= 100


def test_running_the_chunks_issues_and_records_progress(
    cohort_of_five, certification, programme_admin, signing_key, queued
):
    cohort, users = cohort_of_five
    job = certificates_issue_for_cohort(
        cohort=cohort, certification=certification, by=programme_admin
    )

    for job_id, user_ids in queued:
        certificates_issue_chunk(job_id=job_id, user_ids=user_ids)

    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.skipped, job.failed) == (
        IssueJob.Status.FINISHED,
        4,
        4,
        0,
        0,
    )
    assert job.finished_at is not None
    assert Certificate.objects.filter(certification=certification).count() == 4
    assert not Certificate.objects.filter(holder=users[4]).exists()


def test_re_running_a_chunk_gives_no_duplicates(
    cohort_of_five, certification, programme_admin, signing_key, queued
):
    cohort, _ = cohort_of_five
    job = certificates_issue_for_cohort(
        cohort=cohort, certification=certification, by=programme_admin
    )
    for _ in range(2):
        for job_id, user_ids in queued:
            certificates_issue_chunk(job_id=job_id, user_ids=user_ids)

    job.refresh_from_db()
    assert (job.done, job.processed) == (4, 4)
    assert Certificate.objects.count() == 4
    assert IssueJobItem.objects.count() == 4


def test_a_worker_killed_mid_chunk_then_retried_ends_with_one_each(
    cohort_of_five, certification, programme_admin, signing_key, queued, monkeypatch
):
    """The kill lands after a certificate was committed but before its progress row."""
    cohort, users = cohort_of_five
    job = certificates_issue_for_cohort(
        cohort=cohort, certification=certification, by=programme_admin
    )
    ((job_id, user_ids),) = queued
    real = issuing._issue_one
    calls = {"n": 0}

    def dies_on_the_third(**kwargs):
        calls["n"] += 1
        result = real(**kwargs)
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return result

    monkeypatch.setattr(issuing, "_issue_one", dies_on_the_third)
    with pytest.raises(SystemExit):
        certificates_issue_chunk(job_id=job_id, user_ids=user_ids)
    assert Certificate.objects.count() == 3
    assert IssueJobItem.objects.count() == 2

    monkeypatch.setattr(issuing, "_issue_one", real)
    certificates_issue_chunk(job_id=job_id, user_ids=user_ids)  # the redelivery

    job.refresh_from_db()
    assert job.status == IssueJob.Status.FINISHED
    assert (job.done, job.skipped, job.failed) == (4, 0, 0)
    for user in users[:4]:
        assert Certificate.objects.filter(holder=user).count() == 1
    assert set(IssueJobItem.objects.values_list("outcome", flat=True)) == {
        IssueJobItem.Outcome.ISSUED
    }


def test_asking_again_while_it_runs_returns_the_same_job(
    cohort_of_five, certification, programme_admin, signing_key, queued
):
    cohort, _ = cohort_of_five

    first = certificates_issue_for_cohort(
        cohort=cohort, certification=certification, by=programme_admin
    )
    second = certificates_issue_for_cohort(
        cohort=cohort, certification=certification, by=programme_admin
    )

    assert second == first
    assert len(queued) == 1


def test_a_trainee_no_longer_eligible_is_skipped_and_said_why(
    cohort_of_five, certification, programme_admin, signing_key, queued
):
    from courses.models import CourseProgress

    cohort, users = cohort_of_five
    job = certificates_issue_for_cohort(
        cohort=cohort, certification=certification, by=programme_admin
    )
    CourseProgress.objects.filter(user=users[0]).update(steps_done=0, completed_at=None)

    with translation.override("en"):
        for job_id, user_ids in queued:
            certificates_issue_chunk(job_id=job_id, user_ids=user_ids)

    job.refresh_from_db()
    assert (job.done, job.skipped) == (3, 1)
    item = IssueJobItem.objects.get(job=job, user=users[0])
    assert item.outcome == IssueJobItem.Outcome.NOT_ELIGIBLE
    assert "0 of 2 steps done" in item.message


def test_a_lost_job_can_be_queued_again(
    cohort_of_five, certification, programme_admin, signing_key, queued
):
    cohort, _ = cohort_of_five
    job = certificates_issue_for_cohort(
        cohort=cohort, certification=certification, by=programme_admin
    )
    ((job_id, user_ids),) = queued
    certificates_issue_chunk(job_id=job_id, user_ids=user_ids[:1])
    queued.clear()

    assert issue_job_resume(job=job) == 3
    assert queued == [(job.pk, user_ids[1:])]
    for job_id, pending in queued:
        certificates_issue_chunk(job_id=job_id, user_ids=pending)
    job.refresh_from_db()
    assert job.status == IssueJob.Status.FINISHED


def test_the_whole_job_runs_in_eager_celery_with_pdfs(
    cohort_of_five,
    certification,
    programme_admin,
    signing_key,
    django_capture_on_commit_callbacks,
):
    cohort, _ = cohort_of_five

    with django_capture_on_commit_callbacks(execute=True):
        job = certificates_issue_for_cohort(
            cohort=cohort, certification=certification, by=programme_admin
        )

    job.refresh_from_db()
    assert job.status == IssueJob.Status.FINISHED
    certificates = Certificate.objects.filter(certification=certification)
    assert certificates.count() == 4
    assert all(certificate.pdf for certificate in certificates)
