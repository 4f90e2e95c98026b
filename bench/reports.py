"""Programme report benchmark: 10,000 participants in five cohorts.

Run from the project root::

    .venv/bin/python bench/reports.py [--participants 10000] [--repeat 5]

It builds a throw-away test database (SQLite by default; PostgreSQL when
``DATABASE_URL`` points at it, as ``test_<name>``), fills it and reports the
time of the programme report (the dashboard's selector: every cohort and the
total, all tables, the small-cell rule), the dashboard over HTTP and the
participant-level CSV, each as a ratio to one bare ``values()`` query over the
same memberships: the floor any report has to pay. Times are medians of
``--repeat`` runs.

The data is bulk-inserted (users, memberships, ~50,000 step completions,
certificates, placements, practicum sessions, outcomes): the benchmark
measures reading, not the services that write.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if "TEST_DB_NAME" not in os.environ:
    os.environ["TEST_DB_NAME"] = str(ROOT / "var" / "bench-reports.sqlite3")

COHORTS = 5
LESSONS = 10
GENDERS = ("woman", "woman", "man", "man", "other", "", "prefer_not_to_say")


def median_time(function, *, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build(*, participants: int):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from assessments.models import PracticumSession
    from certificates.models import Certificate, SigningKey, StatusList
    from certificates.vc import MIN_BITS
    from courses.factories import (
        course_page_create,
        lesson_page_create,
        module_page_create,
    )
    from courses.models import (
        Cohort,
        CohortMembership,
        CourseProgress,
        LessonPage,
        StepCompletion,
    )
    from placements.models import PartnerOrganisation, Placement
    from reports.models import ParticipantOutcome
    from tests.placements.helpers import certification_create
    from users.models import User
    from users.services import user_create

    now = timezone.now()
    course = course_page_create(title="Benchmark course")
    modules = [module_page_create(parent=course, title=f"Module {m}") for m in (1, 2)]
    for n in range(LESSONS):
        lesson_page_create(parent=modules[n % 2], title=f"Lesson {n + 1}")
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    module_of = {lesson.pk: lesson.get_parent().pk for lesson in lessons}

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
                email=f"participant{n:06}@example.org",
                legal_name=f"Participant {n:06}",
                password=password,
                gender=GENDERS[n % len(GENDERS)],
                birth_year=None if n % 13 == 0 else 1955 + n % 50,
            )
            for n in range(participants)
        ),
        batch_size=2000,
    )
    people = list(
        User.objects.filter(email__startswith="participant")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cohorts = []
    for c in range(COHORTS):
        cohort = Cohort.objects.create(
            name=f"Benchmark cohort {c + 1}",
            start_date=datetime.date(2022 + c % 4, 9, 1),
            end_date=datetime.date(2023 + c % 4, 2, 1),
            capacity=10_000,
            planned_participants=participants // COHORTS,
        )
        cohort.courses.set([course])
        cohorts.append(cohort)

    Status = CohortMembership.Status
    memberships, completions, progress, outcomes = [], [], [], []
    for i, user_id in enumerate(people):
        cohort = cohorts[i % COHORTS]
        status = (
            Status.INVITED
            if i % 20 == 0
            else Status.WITHDRAWN
            if i % 10 == 1
            else Status.COMPLETED
            if i % 3 == 0
            else Status.ACTIVE
        )
        memberships.append(
            CohortMembership(
                cohort=cohort,
                user_id=user_id,
                status=status,
                invited_at=now,
                joined_at=None if status == Status.INVITED else now,
            )
        )
        if status == Status.INVITED:
            continue
        done = i % (LESSONS + 1)
        for lesson in lessons[:done]:
            completions.append(
                StepCompletion(
                    user_id=user_id,
                    step_id=lesson.pk,
                    module_id=module_of[lesson.pk],
                    course_id=course.pk,
                    completed_at=now,
                )
            )
        progress.append(
            CourseProgress(
                user_id=user_id,
                course_id=course.pk,
                steps_done=done,
                steps_total=LESSONS,
                percent=done * 100 // LESSONS,
                completed_at=now if done == LESSONS else None,
            )
        )
        if status in (Status.COMPLETED, Status.WITHDRAWN):
            kinds = ParticipantOutcome.Kind.values
            outcomes.append(
                ParticipantOutcome(
                    participant_id=user_id,
                    cohort=cohort,
                    stage="exit",
                    kind=kinds[i % len(kinds)],
                    date=cohort.end_date,
                )
            )
            if i % 2:
                outcomes.append(
                    ParticipantOutcome(
                        participant_id=user_id,
                        cohort=cohort,
                        stage="follow_up",
                        kind=kinds[(i // 2) % len(kinds)],
                        date=cohort.end_date + datetime.timedelta(days=182),
                    )
                )
    CohortMembership.objects.bulk_create(memberships, batch_size=2000)
    StepCompletion.objects.bulk_create(completions, batch_size=5000)
    CourseProgress.objects.bulk_create(progress, batch_size=2000)
    ParticipantOutcome.objects.bulk_create(outcomes, batch_size=2000)

    # Certificates for those who finished, placements for some of them.
    certification = certification_create(courses=[course])
    key = SigningKey.objects.create(
        key_id="bench", public_key_multibase="z6MkBench", is_active=True
    )
    status_list = StatusList.objects.create(number=1, bitstring=bytes(MIN_BITS // 8))
    finished = [p.user_id for p in progress if p.completed_at]
    Certificate.objects.bulk_create(
        (
            Certificate(
                code=f"BENCH-{n:06}",
                holder_id=user_id,
                certification=certification,
                snapshot={},
                credential={},
                signing_key=key,
                status_list=status_list,
                status_index=n,
                issued_at=now,
                valid_from=now,
            )
            for n, user_id in enumerate(finished)
        ),
        batch_size=2000,
    )
    organisations = PartnerOrganisation.objects.bulk_create(
        PartnerOrganisation(
            name=f"Partner {n}", kind="municipality", municipality="Ronneby", places=50
        )
        for n in range(30)
    )
    Placement.objects.bulk_create(
        (
            Placement(
                coach_id=user_id,
                organisation=organisations[n % len(organisations)],
                role_description="Benchmark",
                start_date=datetime.date(2024, 1, 1),
                hours_per_week=20,
                status=Placement.Status.ACTIVE,
                activated_at=now,
            )
            for n, user_id in enumerate(finished[::3])
        ),
        batch_size=2000,
    )
    PracticumSession.objects.bulk_create(
        (
            PracticumSession(
                trainee_id=user_id,
                date=datetime.date(2024, 3, 1),
                minutes=60 + 30 * (n % 5),
                client_code="K-01",
                competencies=["active_listening"],
                reflection="Benchmark.",
                status=PracticumSession.Status.SIGNED,
                supervisor=admin,
                signed_at=now,
            )
            for n, user_id in enumerate(people[::2])
        ),
        batch_size=2000,
    )
    return {
        "admin": admin,
        "completions": len(completions),
        "certificates": len(finished),
        "outcomes": len(outcomes),
    }


def measure(*, admin, repeat: int) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.users.models import UserProfile

    from courses.models import CohortMembership
    from reports.exports import participant_rows
    from reports.selectors import programme_facts, programme_report
    from tests.mfa import enable_totp

    def bare():
        return list(CohortMembership.objects.values("cohort_id", "user_id", "status"))

    def selector():
        return programme_report()

    def participants_csv():
        return list(participant_rows(programme_facts(with_dates=True)))

    enable_totp(admin)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(admin)

    def page():
        response = client.get("/admin/programme_reports/")
        assert response.status_code == 200
        return response

    for warm in (bare, selector, page):
        warm()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        report = selector()
    queries = len(captured)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        html = page().content
    page_queries = len(captured)
    return {
        "rows": len(bare()),
        "participants": report.scope("total").participants,
        "queries": queries,
        "page_queries": page_queries,
        "page_bytes": len(html),
        "times": {
            "bare values() query": median_time(bare, repeat=repeat),
            "programme report": median_time(selector, repeat=repeat),
            "participant CSV rows": median_time(participants_csv, repeat=repeat),
            "dashboard over HTTP": median_time(page, repeat=repeat),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    django.setup()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        built = build(participants=args.participants)
        set_up = time.perf_counter() - started
        result = measure(admin=built["admin"], repeat=args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    base = result["times"]["bare values() query"]
    print(
        f"Programme report: {result['rows']} memberships in {COHORTS} cohorts, "
        f"{result['participants']} participants, {built['completions']} step "
        f"completions, {built['certificates']} certificates, {built['outcomes']} "
        f"outcomes on {connection.vendor} (set-up {set_up:.1f} s, median of "
        f"{args.repeat})"
    )
    for name, seconds in result["times"].items():
        print(f"  {name:<24} {seconds * 1000:9.1f} ms   x{seconds / base:6.1f}")
    print(
        f"  queries: report {result['queries']}, dashboard page "
        f"{result['page_queries']}; page {result['page_bytes'] / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
