"""Certificate benchmark: bulk issue to 1,000 eligible trainees with real workers.

Run from the project root (PostgreSQL and Redis on 127.0.0.1)::

    .venv/bin/python bench/certificates.py [--trainees 1000] [--workers 2]

It builds a throw-away PostgreSQL database (``test_<name>`` of ``DATABASE_URL``,
default ``test_coach_academy_bench_certificates``), fills it with one cohort
of trainees who all meet the demo certification's rule (two courses done,
every quiz passed, 10 signed practicum hours), starts ``--workers`` Celery
worker processes (one task at a time each, on every queue) and calls
``certificates_issue_for_cohort``. It polls the database for the time until
every certificate exists signed, until every PDF is rendered and until every
holder is e-mailed, and reports them beside what one process does in line in
the same run (the issuing service and one PDF render, timed on a sample
inside a transaction that is rolled back). Afterwards it checks the result:
one certificate per trainee, every PDF on disk, two credentials verified.

The broker is its own Redis database (``BENCH_REDIS_URL``, default
``redis://127.0.0.1:6379/14``), flushed before and after: the environment's
``REDIS_URL``/``CELERY_BROKER_URL`` are not used, so a shared Redis is never
flushed. Keys and PDFs go to a temporary directory, e-mail to memory. The
setup is bulk-inserted; only the issuing is measured. Results go to stdout
and the "Certificates: bulk issue" section of docs/benchmarks.md.

Only 127.0.0.1 is contacted; every loop is bounded in count and time.
"""

import argparse
import datetime
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = (
    "postgres://postgres@127.0.0.1:5432/coach_academy_bench_certificates"
)
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MODULES = 2
LESSONS_PER_MODULE = 2
SAMPLE = 20  # certificates issued in line for the baseline (rolled back)
PDF_SAMPLE = 6
POLL_SECONDS = 0.25
WORKER_START_SECONDS = 90
LANGUAGES = ("sv", "sv", "en", "ar")
NAMES = ("Åsa Öberg", "Amal Haddad Sjöberg", "Tigist Alemu Ekström", "ليلى حداد")
QUESTION = [
    {
        "type": "true_false",
        "points": 1,
        "prompt": "Is coaching person-centred?",
        "correct": True,
    }
]


# --- Preflight ----------------------------------------------------------------


def _local(url: str, *, what: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.hostname not in LOCAL_HOSTS:
        raise SystemExit(f"{what} must be on 127.0.0.1 (got {parts.hostname!r}).")
    return parts.hostname, parts.port


def preflight(*, database_url: str, redis_url: str) -> None:
    """Exit with a clear message when PostgreSQL or Redis is not there."""
    if not urlsplit(database_url).scheme.startswith("postgres"):
        raise SystemExit(
            "bench/certificates.py needs PostgreSQL (the workers write at the "
            f"same time): DATABASE_URL is {database_url!r}."
        )
    host, port = _local(database_url, what="PostgreSQL")
    try:
        socket.create_connection((host, port or 5432), timeout=3).close()
    except OSError as error:
        raise SystemExit(
            f"PostgreSQL is not reachable at {host}:{port or 5432} ({error})."
        ) from None
    _local(redis_url, what="Redis")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as error:
        raise SystemExit(f"Redis is not reachable at {redis_url} ({error}).") from None


def redis_flush(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url, socket_connect_timeout=3).flushdb()


# --- Set-up (not measured) ------------------------------------------------------


def build(*, trainees: int) -> dict:
    """Two courses, the demo certification, a signing key, N eligible trainees."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from wagtail.models import Page

    from assessments.models import AssessmentResult, PracticumSession
    from assessments.quiz_content import quiz_page_create
    from certificates.demo import DEMO_COURSE_SLUGS, demo_certification_ensure
    from certificates.selectors import eligible_user_ids
    from config.celery import app
    from courses.factories import (
        course_page_create,
        lesson_page_create,
        module_page_create,
    )
    from courses.models import (
        Cohort,
        CohortMembership,
        CourseProgress,
        StepCompletion,
    )
    from courses.steps import (
        MODULE_DEPTH,
        STEP_DEPTH,
        module_path,
        step_content_type_ids,
    )
    from users.models import User
    from users.services import user_create

    now = timezone.now()
    # Publishing pages enqueues progress refreshes: run them here, not in the
    # workers' measured time.
    app.conf.task_always_eager = True
    courses, quizzes, steps = [], [], []
    for slug in DEMO_COURSE_SLUGS:
        title = slug.replace("-", " ").capitalize()
        course = course_page_create(title=title, slug=slug)
        for m in range(MODULES):
            module = module_page_create(parent=course, title=f"{title}: module {m + 1}")
            for n in range(LESSONS_PER_MODULE):
                lesson_page_create(parent=module, title=f"{title}: lesson {m + 1}.{n}")
            quizzes.append(
                quiz_page_create(
                    parent=module, questions=QUESTION, title=f"{title}: quiz {m + 1}"
                )
            )
        courses.append(course)
        step_pages = list(
            Page.objects.live()
            .descendant_of(course)
            .filter(depth=STEP_DEPTH, content_type_id__in=step_content_type_ids())
        )
        modules = dict(
            Page.objects.descendant_of(course)
            .filter(depth=MODULE_DEPTH)
            .values_list("path", "pk")
        )
        steps += [
            (course, page, modules[module_path(page.path)]) for page in step_pages
        ]
    # The demo certification (its rule, texts, 36 months' validity) and the
    # signing key, written to CERTIFICATE_SIGNING_KEY_FILE.
    certification, _ = demo_certification_ensure()

    admin = user_create(
        email="bench-admin@example.org",
        legal_name="Bench Admin",
        password="bench-password-123",  # noqa: S106 - a throw-away database
        role="admin",
        email_verified=True,
    )
    password = make_password(None)
    User.objects.bulk_create(
        (
            User(
                email=f"trainee{n:05}@example.org",
                legal_name=f"{NAMES[n % len(NAMES)]} {n:05}",
                preferred_language=LANGUAGES[n % len(LANGUAGES)],
                password=password,
            )
            for n in range(trainees)
        ),
        batch_size=2000,
    )
    people = list(
        User.objects.filter(email__startswith="trainee")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cohort = Cohort.objects.create(
        name="Benchmark cohort",
        start_date=datetime.date(2026, 1, 12),
        end_date=datetime.date(2026, 6, 12),
        status=Cohort.Status.RUNNING,
        capacity=10_000,
    )
    cohort.courses.set(courses)
    CohortMembership.objects.bulk_create(
        (
            CohortMembership(
                cohort=cohort,
                user_id=user_id,
                status=CohortMembership.Status.ACTIVE,
                joined_at=now,
            )
            for user_id in people
        ),
        batch_size=2000,
    )
    per_course = {course.pk: 0 for course in courses}
    for course, _page, _module_id in steps:
        per_course[course.pk] += 1
    StepCompletion.objects.bulk_create(
        (
            StepCompletion(
                user_id=user_id,
                step_id=page.pk,
                module_id=module_id,
                course_id=course.pk,
                completed_at=now,
            )
            for user_id in people
            for course, page, module_id in steps
        ),
        batch_size=5000,
    )
    CourseProgress.objects.bulk_create(
        (
            CourseProgress(
                user_id=user_id,
                course_id=course_id,
                steps_done=total,
                steps_total=total,
                percent=100,
                completed_at=now,
            )
            for user_id in people
            for course_id, total in per_course.items()
        ),
        batch_size=5000,
    )
    AssessmentResult.objects.bulk_create(
        (
            AssessmentResult(
                user_id=user_id,
                assessment_id=quiz.pk,
                score=Decimal(1),
                max_score=Decimal(1),
                percent=Decimal(100),
                passed=True,
                first_passed_at=now,
            )
            for user_id in people
            for quiz in quizzes
        ),
        batch_size=5000,
    )
    hours = certification.min_practicum_hours
    sessions = max(1, int(hours // 5) + (1 if hours % 5 else 0))  # 5 hours each
    PracticumSession.objects.bulk_create(
        (
            PracticumSession(
                trainee_id=user_id,
                date=now.date() - datetime.timedelta(days=30 - s),
                minutes=300,
                client_code=f"K-{s + 1:02}",
                competencies=["active_listening"],
                reflection="Benchmark.",
                status=PracticumSession.Status.SIGNED,
                supervisor=admin,
                signed_at=now,
            )
            for user_id in people
            for s in range(sessions)
        ),
        batch_size=5000,
    )
    app.conf.task_always_eager = False
    eligible = eligible_user_ids(cohort=cohort, certification=certification)
    if eligible != sorted(people):
        raise SystemExit(
            f"Set-up error: {len(eligible)} of {len(people)} trainees are eligible."
        )
    return {
        "cohort": cohort,
        "certification": certification,
        "admin": admin,
        "people": people,
        "steps": len(steps),
    }


# --- One process in line: the yardstick ------------------------------------------


class _RollBack(Exception):
    pass


def in_line(*, certification, admin, people: list[int]) -> dict:
    """Per-certificate seconds of the issuing service, of signing alone and of
    one PDF render, in this process, inside a transaction rolled back after."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from certificates.did import verification_method_id
    from certificates.services import certificate_issue, signing_key_active
    from certificates.services.pdf import certificate_pdf_bytes
    from certificates.vc import sign
    from users.models import User

    users = list(User.objects.filter(pk__in=people[: SAMPLE + 2]).order_by("pk"))
    result = {}
    try:
        with transaction.atomic():
            # The first one warms up (JSON-LD contexts, templates, the key file).
            certificate_issue(
                certification=certification, holder=users[0], issued_by=admin
            )
            issued = []
            started, cpu = time.perf_counter(), time.process_time()
            for user in users[1:-1]:
                issued.append(
                    certificate_issue(
                        certification=certification, holder=user, issued_by=admin
                    )
                )
            result["issue"] = (time.perf_counter() - started) / len(issued)
            result["issue_cpu"] = (time.process_time() - cpu) / len(issued)
            with CaptureQueriesContext(connection) as queries:
                certificate_issue(
                    certification=certification, holder=users[-1], issued_by=admin
                )
            result["queries"] = len(queries)

            key, private_key = signing_key_active()
            credential = issued[0].credential
            unsigned = {name: v for name, v in credential.items() if name != "proof"}
            method = verification_method_id(key.key_id)
            times = []
            for _ in range(SAMPLE):
                started = time.perf_counter()
                sign(
                    unsigned,
                    private_key=private_key,
                    verification_method=method,
                    created=credential["proof"]["created"],
                )
                times.append(time.perf_counter() - started)
            result["sign"] = statistics.median(times)

            started = time.perf_counter()
            certificate_pdf_bytes(issued[0])  # WeasyPrint's import, fonts
            result["pdf_cold"] = time.perf_counter() - started
            times = []
            cpu = time.process_time()
            for certificate in issued[1 : PDF_SAMPLE + 1]:  # sv, en and ar
                started = time.perf_counter()
                certificate_pdf_bytes(certificate)
                times.append(time.perf_counter() - started)
            result["pdf"] = statistics.mean(times)
            result["pdf_cpu"] = (time.process_time() - cpu) / len(times)
            raise _RollBack
    except _RollBack:
        pass
    return result


# --- Workers ----------------------------------------------------------------------


class Worker:
    """One ``celery worker`` process (and its one pool child), in its own group."""

    def __init__(self, *, number: int, env: dict, log: Path):
        self.number = number
        self.env = env
        self.log = log
        self.process = None

    def start(self) -> None:
        with open(self.log, "ab") as handle:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    str(Path(sys.executable).parent / "celery"),
                    "-A",
                    "config",
                    "worker",
                    "-Q",
                    "default,email,pdf",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--prefetch-multiplier=1",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                    "-n",
                    f"bench{self.number}@%h",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def cpu_seconds(self) -> float:
        """User + system CPU of the worker's process group (Linux ``/proc``)."""
        if not self.alive():
            return 0.0
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # the process ended meanwhile
            # After the command: state, ppid, pgrp, ... utime, stime, cutime,
            # cstime are the 12th to 15th.
            if int(fields[2]) == self.process.pid:
                ticks += sum(int(value) for value in fields[11:15])
        return ticks / os.sysconf("SC_CLK_TCK")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ready(self) -> bool:
        return self.log.exists() and b" ready." in self.log.read_bytes()

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def _log_tail(workers: list[Worker], limit: int = 3000) -> str:
    return "\n".join(
        f"--- worker {w.number} ({w.log}) ---\n"
        + (w.log.read_text(errors="replace")[-limit:] if w.log.exists() else "")
        for w in workers
    )


def workers_start(*, count: int, env: dict, directory: Path) -> list[Worker]:
    workers = [
        Worker(number=n + 1, env=env, log=directory / f"worker-{n + 1}.log")
        for n in range(count)
    ]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + WORKER_START_SECONDS
    while not all(worker.ready() for worker in workers):
        if time.monotonic() > deadline or not all(w.alive() for w in workers):
            for worker in workers:
                worker.stop()
            raise SystemExit(f"The workers did not start.\n{_log_tail(workers)}")
        time.sleep(0.2)
    return workers


# --- Measured -------------------------------------------------------------------


def issue(
    *, cohort, certification, admin, total: int, workers: list[Worker], timeout: float
) -> dict:
    """Start the bulk issue and poll until every certificate is signed, its PDF
    rendered and its holder e-mailed; seconds since the call for each."""
    from django.db.models import Count, Q

    from certificates.models import Certificate, IssueJob
    from certificates.services import certificates_issue_for_cohort

    certificates = Certificate.objects.filter(certification=certification)
    marks: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    next_report = time.monotonic() + 10
    load_before = os.getloadavg()[0]
    cpu_before = sum(worker.cpu_seconds() for worker in workers)
    started = time.perf_counter()
    job = certificates_issue_for_cohort(
        cohort=cohort, certification=certification, by=admin
    )
    marks["job queued"] = time.perf_counter() - started
    if job.total != total:
        raise SystemExit(f"The job lists {job.total} trainees, not {total}.")
    while True:
        counts = certificates.aggregate(
            signed=Count("pk"),
            rendered=Count("pk", filter=~Q(pdf="")),
            emailed=Count("pk", filter=Q(emailed_at__isnull=False)),
        )
        finished = IssueJob.objects.filter(
            pk=job.pk, status=IssueJob.Status.FINISHED
        ).exists()
        elapsed = time.perf_counter() - started
        for name, done in (
            ("first signed", counts["signed"] >= 1),
            ("first PDF", counts["rendered"] >= 1),
            ("all signed", counts["signed"] >= total),
            ("job finished", finished),
            ("all PDFs", counts["rendered"] >= total),
            ("all e-mailed", counts["emailed"] >= total),
        ):
            if done and name not in marks:
                marks[name] = elapsed
                if name == "all signed":
                    marks["PDFs when all signed"] = counts["rendered"]
        if all(
            name in marks
            for name in ("all signed", "job finished", "all PDFs", "all e-mailed")
        ):
            marks["load before"] = load_before
            marks["load after"] = os.getloadavg()[0]
            marks["worker cpu"] = (
                sum(worker.cpu_seconds() for worker in workers) - cpu_before
            )
            return marks
        if time.monotonic() > next_report:
            print(
                f"  {elapsed:6.0f} s: {counts['signed']} signed, "
                f"{counts['rendered']} PDFs, {counts['emailed']} e-mailed",
                flush=True,
            )
            next_report = time.monotonic() + 10
        if time.monotonic() > deadline:
            raise SystemExit(
                f"Gave up after {timeout:.0f} s: {counts['signed']}/{total} signed, "
                f"{counts['rendered']}/{total} PDFs.\n{_log_tail(workers)}"
            )
        if not any(worker.alive() for worker in workers):
            raise SystemExit(f"Every worker has stopped.\n{_log_tail(workers)}")
        time.sleep(POLL_SECONDS)


TASK_DONE = re.compile(rb"Task [\w.]+\.(\w+)\[[^\]]+\] succeeded in ([0-9.]+)s")


def task_times(workers: list[Worker]) -> dict[str, list[float]]:
    """Seconds each finished task took, by task name, from the worker logs."""
    times: dict[str, list[float]] = {}
    for worker in workers:
        for name, seconds in TASK_DONE.findall(worker.log.read_bytes()):
            times.setdefault(name.decode(), []).append(float(seconds))
    return times


def check(*, certification, people: list[int], workers: list[Worker]) -> dict:
    """One signed certificate per trainee, each PDF on disk, one verified."""
    from certificates.models import Certificate, IssueJob
    from certificates.services import certificate_verify
    from certificates.services.verification import VALID

    certificates = list(
        Certificate.objects.filter(certification=certification).order_by("pk")
    )
    holders = [c.holder_id for c in certificates]
    problems = []
    if len(certificates) != len(people) or sorted(holders) != sorted(people):
        problems.append(
            f"{len(certificates)} certificates for {len(set(holders))} holders, "
            f"expected one each for {len(people)} trainees"
        )
    unsigned = [c.code for c in certificates if "proof" not in c.credential]
    if unsigned:
        problems.append(f"{len(unsigned)} credentials without a proof")
    bad_pdfs = []
    pdf_bytes = 0
    for certificate in certificates:
        path = Path(certificate.pdf.path) if certificate.pdf else None
        if path is None or not path.is_file():
            bad_pdfs.append(certificate.code)
            continue
        with open(path, "rb") as handle:
            if handle.read(5) != b"%PDF-":
                bad_pdfs.append(certificate.code)
        pdf_bytes += path.stat().st_size
    if bad_pdfs:
        problems.append(f"{len(bad_pdfs)} PDFs missing or not PDFs: {bad_pdfs[:5]}")
    job = IssueJob.objects.get(certification=certification)
    if (job.status, job.done, job.skipped, job.failed) != (
        IssueJob.Status.FINISHED,
        len(people),
        0,
        0,
    ):
        problems.append(
            f"job {job.status}: {job.done} issued, {job.skipped} skipped, "
            f"{job.failed} failed"
        )
    for certificate in (certificates[0], certificates[-1]):
        report = certificate_verify(credential=certificate.credential)
        if report.status != VALID or report.certificate != certificate:
            problems.append(f"{certificate.code} does not verify: {report.reason}")
    logs = "".join(w.log.read_text(errors="replace") for w in workers)
    if problems:
        raise SystemExit("Check failed: " + "; ".join(problems))
    return {
        "tasks": task_times(workers),
        "pdf_kib": pdf_bytes / len(certificates) / 1024,
        "retries": logs.count(" retry: "),
        "errors": logs.count("ERROR/"),
        "verified": certificates[0].code,
    }


# --- Report -----------------------------------------------------------------------


def report(*, args, built: dict, set_up: float, line: dict, marks: dict, checked):
    from django.utils import timezone

    from certificates.services.issuing import CHUNK_SIZE

    n, cores = args.trainees, os.cpu_count()
    signed, pdfs = marks["all signed"], marks["all PDFs"]
    serial_signed = n * line["issue"]
    serial_pdfs = n * (line["issue"] + line["pdf"])
    cpu_in_line = line["issue_cpu"] + line["pdf_cpu"]
    cpu_workers = marks["worker cpu"] / n
    early = marks["PDFs when all signed"]
    waiting = f"When the last certificate was signed, {early} of {n:,} PDFs were done"
    if early < n / 10 and n > CHUNK_SIZE * args.workers:  # chunks queue up
        waiting += (
            ": a worker takes its next task from its queues in turn (Redis, "
            f"round robin), and a chunk task issues up to {CHUNK_SIZE} "
            "certificates while a PDF task renders one, so the PDFs wait behind "
            "the chunks."
        )
    else:
        waiting += "."
    lines = [
        f"{n:,} eligible trainees in one cohort, the demo certification's rule "
        f"({built['steps']} steps in two courses, every quiz passed, signed "
        f"practicum hours); {args.workers} Celery worker processes (prefork, "
        "concurrency 1, each on the queues default, email and pdf); PostgreSQL "
        f"and Redis on 127.0.0.1; {cores} CPU cores, load average "
        f"{marks['load before']:.1f} before and {marks['load after']:.1f} after "
        "(the machine is shared). Set-up (not measured) "
        f"{set_up:.0f} s. Run of {timezone.localdate():%Y-%m-%d}.",
        "",
        "| from `certificates_issue_for_cohort` to | seconds | per certificate "
        "| rate | ratio to one process in line |",
        "|---|---|---|---|---|",
        f"| first certificate signed | {marks['first signed']:.1f} | | | |",
        f"| first PDF rendered | {marks['first PDF']:.1f} | | | |",
        f"| **all {n:,} certificates signed** | **{signed:.1f}** "
        f"| {signed / n * 1000:.0f} ms | {n / signed:.1f} certificates/s "
        f"| {signed / serial_signed:.2f} |",
        f"| job row finished | {marks['job finished']:.1f} | | | |",
        f"| **all {n:,} PDFs rendered** | **{pdfs:.1f}** | {pdfs / n * 1000:.0f} ms "
        f"| {n / pdfs:.1f} PDFs/s | {pdfs / serial_pdfs:.2f} |",
        f"| all holders e-mailed | {marks['all e-mailed']:.1f} | | | |",
        "",
        f"The yardstick, measured in the same run: one process in line, a sample "
        f"of {SAMPLE} certificates issued inside a transaction that is rolled "
        "back.",
        "",
        "| in line, per certificate | wall ms | CPU ms |",
        "|---|---|---|",
        f"| issuing service (eligibility, build, sign, insert, self-verify; "
        f"{line['queries']} queries) "
        f"| {line['issue'] * 1000:.0f} | {line['issue_cpu'] * 1000:.0f} |",
        "| of which signing (RDF canonicalisation, Ed25519) "
        f"| {line['sign'] * 1000:.1f} | |",
        f"| PDF render | {line['pdf'] * 1000:.0f} | {line['pdf_cpu'] * 1000:.0f} |",
        f"| first PDF in a process (WeasyPrint's import, fonts) "
        f"| {line['pdf_cold'] * 1000:.0f} | |",
        "",
        f"The ratio column divides by {n:,} times the service "
        f"({serial_signed:.0f} s) and by {n:,} times the service plus a PDF "
        f"({serial_pdfs:.0f} s); with {args.workers} workers on {cores} cores "
        f"{1 / args.workers:.2f} would be perfect scaling. CPU time, which other "
        f"work on the machine does not inflate: the workers used "
        f"{marks['worker cpu']:.0f} s, {cpu_workers * 1000:.0f} ms a certificate "
        f"(issue, PDF, e-mail, Celery), {cpu_workers / cpu_in_line:.2f} times "
        f"the {cpu_in_line * 1000:.0f} ms of service and PDF in line "
        "(PostgreSQL's and Redis's CPU not counted).",
        "",
        waiting,
        "",
        "Time inside the tasks (from the worker logs), all workers together:",
        "",
        "| task | tasks | total s | mean ms |",
        "|---|---|---|---|",
        *(
            f"| `{name}` | {len(times):,} | {sum(times):.1f} "
            f"| {statistics.mean(times) * 1000:.0f} |"
            for name, times in sorted(checked["tasks"].items())
        ),
        "",
        f"Checked: {n:,} certificates, one per trainee, each signed; every PDF on "
        f"disk and starting with `%PDF` ({checked['pdf_kib']:.0f} KiB on "
        f"average); the job finished with {n:,} issued; two credentials verify. "
        f"Worker logs: {checked['retries']} task retries, {checked['errors']} "
        "errors.",
    ]
    return "\n".join(lines)


def run(*, args, directory: Path):
    """Set up, measure in line, issue with workers, check; in a throw-away
    database that is dropped afterwards whatever happens."""
    import django
    from django.db import connection

    django.setup()
    old_name = connection.settings_dict["NAME"]
    print(f"Creating the database test_{old_name} (migrations) ...", flush=True)
    workers: list[Worker] = []
    try:
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, keepdb=False, serialize=False
        )
        started = time.perf_counter()
        built = build(trainees=args.trainees)
        set_up = time.perf_counter() - started
        print(f"Set up {args.trainees} eligible trainees in {set_up:.0f} s.")
        line = in_line(
            certification=built["certification"],
            admin=built["admin"],
            people=built["people"],
        )
        settings = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{settings['USER'] or 'postgres'}"
                + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
                + f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
                + f"/{settings['NAME']}"
            ),
        }
        workers = workers_start(count=args.workers, env=env, directory=directory)
        print(f"{args.workers} workers ready; issuing ...", flush=True)
        marks = issue(
            cohort=built["cohort"],
            certification=built["certification"],
            admin=built["admin"],
            total=args.trainees,
            workers=workers,
            timeout=args.timeout,
        )
        for worker in workers:  # before the check: no task may still run
            worker.stop()
        checked = check(
            certification=built["certification"],
            people=built["people"],
            workers=workers,
        )
    finally:
        for worker in workers:
            worker.stop()
        if connection.settings_dict["NAME"] != old_name:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return built, set_up, line, marks, checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--timeout", type=float, default=30 * 60, help="give up after (seconds)"
    )
    parser.add_argument(
        "--no-docs", action="store_true", help="do not write docs/benchmarks.md"
    )
    args = parser.parse_args()
    if not SAMPLE + 2 <= args.trainees <= 20_000 or not 1 <= args.workers <= 16:
        parser.error(f"{SAMPLE + 2}-20,000 trainees and 1-16 workers")

    database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    preflight(database_url=database_url, redis_url=redis_url)
    directory = Path(tempfile.mkdtemp(prefix="coach-bench-certificates-"))
    try:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.bench",
                "REDIS_URL": redis_url,
                "CELERY_BROKER_URL": redis_url,
                "CELERY_TASK_ALWAYS_EAGER": "false",
                "EMAIL_URL": "memorymail://",
                "CERTIFICATE_SIGNING_KEY_FILE": str(directory / "keys"),
                "CERTIFICATE_SIGNING_KEY": "",
                "PRIVATE_MEDIA_ROOT": str(directory / "private"),
                "PYTHONWARNINGS": "ignore",
            }
        )
        redis_flush(redis_url)
        built, set_up, line, marks, checked = run(args=args, directory=directory)
    finally:
        redis_flush(redis_url)
        shutil.rmtree(directory, ignore_errors=True)

    text = report(
        args=args,
        built=built,
        set_up=set_up,
        line=line,
        marks=marks,
        checked=checked,
    )
    print(text)
    if not args.no_docs:
        from bench.run import docs_section_write

        docs_section_write("Certificates: bulk issue", text)


if __name__ == "__main__":
    main()
