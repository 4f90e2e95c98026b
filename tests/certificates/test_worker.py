"""A real Celery worker on Redis, killed in the middle of a bulk issue.

Needs Redis (``CELERY_BROKER_URL``/``REDIS_URL``, or one on 127.0.0.1:6379).
The worker shares the test database, so the test commits its data
(``transaction=True``).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from certificates.models import Certificate, IssueJob
from certificates.services import certificates_issue_for_cohort
from config.celery import app
from tests.certificates.helpers import cohort_for, complete_course

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BROKER_URL = (
    os.environ.get("CELERY_BROKER_URL", "").replace("memory://", "")
    or os.environ.get("REDIS_URL")
    or "redis://127.0.0.1:6379/0"
)
TRAINEES = 12


def _redis_reachable() -> bool:
    parts = urlsplit(BROKER_URL)
    if parts.scheme not in ("redis", "rediss"):
        return False
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        user = settings.get("USER") or "postgres"
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    pytest.skip(f"no worker database URL for {connection.vendor}")


class Worker:
    def __init__(self, *, env: dict, log: Path):
        self.env = env
        self.log = log
        self.process = None

    def start(self) -> None:
        handle = open(self.log, "ab")  # noqa: SIM115 - kept for the process's life
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.certificates.celery_worker_app",
                "worker",
                "-Q",
                "default,email,pdf",
                "--concurrency=1",
                "--prefetch-multiplier=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=Path(__file__).resolve().parents[2],
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()

    def kill(self) -> None:
        """SIGKILL the worker and its pool: nothing gets to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def _wait_for(condition, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


def _forget_connections() -> None:
    # Even eager tasks acquire a producer, so earlier tests left a pool bound
    # to the in-memory broker; drop it so the next send connects afresh.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def isolated_broker(tmp_path, settings):
    if not _redis_reachable():
        pytest.skip("Redis is not reachable")
    prefix = f"certificates-test-{uuid.uuid4().hex[:12]}:"
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "broker_transport_options")
    }
    app.conf.broker_url = BROKER_URL
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {"global_keyprefix": prefix}
    _forget_connections()
    yield prefix
    app.conf.update(saved)
    _forget_connections()
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


def test_killing_the_worker_mid_bulk_issue_still_gives_one_each(
    isolated_broker,
    tmp_path,
    settings,
    make_user,
    two_courses,
    certification,
    signing_key,
    ledger,
):
    users = [make_user("trainee", legal_name=f"Trainee {n}") for n in range(TRAINEES)]
    cohort = cohort_for(courses=two_courses, members=users)
    for user in users:
        for course in two_courses:
            complete_course(user=user, course=course)
    admin = make_user("admin")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CERTIFICATE_TEST_KEYPREFIX": isolated_broker,
        "CERTIFICATE_TEST_VISIBILITY": "5",
        "CERTIFICATE_SIGNING_KEY_FILE": settings.CERTIFICATE_SIGNING_KEY_FILE,
        "PRIVATE_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT,
        "SITE_URL": settings.SITE_URL,
    }
    log = tmp_path / "worker.log"
    first = Worker(env=env, log=log)
    first.start()
    try:
        job = certificates_issue_for_cohort(
            cohort=cohort, certification=certification, by=admin
        )
        _wait_for(
            lambda: Certificate.objects.count() >= 3,
            timeout=120,
            what="the first certificates",
            log=log,
        )
        first.kill()
        assert Certificate.objects.count() < TRAINEES or not all(
            c.pdf for c in Certificate.objects.all()
        ), "the worker finished before it was killed; the test proves nothing"

        second = Worker(env=env, log=log)
        second.start()
        try:

            def finished() -> bool:
                job.refresh_from_db()
                rendered = Certificate.objects.exclude(pdf="").count()
                return job.status == IssueJob.Status.FINISHED and rendered == TRAINEES

            _wait_for(finished, timeout=180, what="the job and every PDF", log=log)
        finally:
            second.stop()
    finally:
        first.stop()

    assert (job.total, job.done, job.failed, job.skipped) == (TRAINEES, TRAINEES, 0, 0)
    for user in users:
        certificates = list(Certificate.objects.filter(holder=user))
        assert len(certificates) == 1
        pdf_dir = Path(certificates[0].pdf.path).parent
        assert Path(certificates[0].pdf.path).read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in pdf_dir.iterdir()) == sorted(
        f"{c.uuid}.pdf" for c in Certificate.objects.all()
    ), "no half-written or stray files"
