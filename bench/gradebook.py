"""Gradebook benchmark: 1,000 trainees x 50 assessments.

Run from the project root::

    .venv/bin/python bench/gradebook.py [--trainees 1000] [--assessments 50]

It builds a throw-away test database (SQLite by default; PostgreSQL when
``DATABASE_URL`` points at it, as ``test_<name>``), fills it, and reports the
time of the gradebook (selector, CSV export and the admin page over HTTP)
and its ratio to one bare ``values()`` query of the same result rows: the
floor any gradebook has to pay. Times are medians of ``--repeat`` runs.

The data is bulk-inserted (users, memberships, 50,000 result rows) rather than
made through the services: the benchmark measures reading, and going through
``assessment_result_record`` 50,000 times would only measure set-up.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if "TEST_DB_NAME" not in os.environ:
    os.environ["TEST_DB_NAME"] = str(ROOT / "var" / "bench-gradebook.sqlite3")


def median_time(function, *, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build(*, trainees: int, assessments: int):
    from django.contrib.auth.hashers import make_password

    from assessments.models import AssessmentResult
    from assessments.quiz_content import quiz_page_create
    from courses.factories import course_page_create, module_page_create
    from courses.models import Cohort, CohortMembership
    from users.models import User
    from users.services import user_create

    course = course_page_create(title="Benchmark course")
    modules = [
        module_page_create(parent=course, title=f"Module {n + 1}")
        for n in range(max(1, assessments // 10))
    ]
    question = [
        {
            "type": "true_false",
            "points": 1,
            "prompt": "Is this a benchmark?",
            "correct": True,
        }
    ]
    pages = [
        quiz_page_create(
            parent=modules[n % len(modules)], questions=question, title=f"Quiz {n + 1}"
        )
        for n in range(assessments)
    ]
    trainer = user_create(
        email="bench-trainer@example.org",
        legal_name="Bench Trainer",
        password="bench-password-123",  # noqa: S106 - a throw-away database
        role="trainer",
        email_verified=True,
    )
    password = make_password(None)
    User.objects.bulk_create(
        User(
            email=f"trainee{n:05}@example.org",
            legal_name=f"Trainee {n:05}",
            password=password,
        )
        for n in range(trainees)
    )
    people = list(User.objects.filter(email__startswith="trainee").values_list("id"))
    cohort = Cohort.objects.create(
        name="Benchmark cohort",
        start_date="2026-01-01",
        end_date="2026-12-31",
        capacity=10_000,
    )
    cohort.courses.set([course])
    cohort.trainers.set([trainer])
    CohortMembership.objects.bulk_create(
        CohortMembership(
            cohort=cohort, user_id=user_id, status=CohortMembership.Status.ACTIVE
        )
        for (user_id,) in people
    )
    rows = []
    for i, (user_id,) in enumerate(people):
        for j, page in enumerate(pages):
            percent = Decimal((i * 7 + j * 13) % 101)
            rows.append(
                AssessmentResult(
                    user_id=user_id,
                    assessment_id=page.pk,
                    score=percent / 10,
                    max_score=Decimal(10),
                    percent=percent,
                    passed=percent >= 70,
                    late=(i + j) % 17 == 0,
                    awaiting_review=(i + j) % 23 == 0,
                )
            )
    AssessmentResult.objects.bulk_create(rows, batch_size=2000)
    return cohort, trainer, pages


def measure(*, cohort, trainer, pages, repeat: int) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from wagtail.users.models import UserProfile

    from assessments.models import AssessmentResult
    from assessments.selectors.gradebook import (
        CELL_FIELDS,
        GRADEBOOK_STATUSES,
        gradebook,
        gradebook_csv,
    )
    from courses.models import CohortMembership
    from tests.mfa import enable_totp

    members = CohortMembership.objects.filter(
        cohort=cohort, status__in=GRADEBOOK_STATUSES
    ).values("user_id")
    ids = [page.pk for page in pages]

    def bare():
        return list(
            AssessmentResult.objects.filter(
                user_id__in=members, assessment_id__in=ids
            ).values(*CELL_FIELDS)
        )

    def selector():
        return gradebook(cohort=cohort)

    def csv_export():
        return gradebook_csv(gradebook(cohort=cohort))

    enable_totp(trainer)
    profile = UserProfile.get_for_user(trainer)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(trainer)
    url = reverse("assessments_gradebook", args=[cohort.pk])
    csv_url = reverse("assessments_gradebook_csv", args=[cohort.pk])

    def page():
        response = client.get(url)
        assert response.status_code == 200
        return response

    def csv_page():
        response = client.get(csv_url)
        assert response.status_code == 200
        return response

    rows = len(bare())
    for warm in (bare, selector, page):  # connections, caches, templates
        warm()
    counts = {}
    # A request resets the query log when it starts, so count each one alone
    # and read the count at once (captured_queries slices the live log).
    for name, function in (("selector", selector), ("page", page), ("csv", csv_page)):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            output = function()
        counts[name] = len(captured)
        if name == "page":
            html = output.content
    times = {
        "bare values() query": median_time(bare, repeat=repeat),
        "gradebook selector": median_time(selector, repeat=repeat),
        "selector + CSV text": median_time(csv_export, repeat=repeat),
        "CSV export over HTTP": median_time(csv_page, repeat=repeat),
        "admin page over HTTP": median_time(page, repeat=repeat),  # 50 rows
    }
    return {
        "rows": rows,
        "times": times,
        "queries": counts["selector"],
        "page_queries": counts["page"],
        "csv_queries": counts["csv"],
        "page_bytes": len(html),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=1000)
    parser.add_argument("--assessments", type=int, default=50)
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
        cohort, trainer, pages = build(
            trainees=args.trainees, assessments=args.assessments
        )
        built = time.perf_counter() - started
        result = measure(
            cohort=cohort, trainer=trainer, pages=pages, repeat=args.repeat
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    base = result["times"]["bare values() query"]
    print(
        f"Gradebook: {args.trainees} trainees x {args.assessments} assessments = "
        f"{result['rows']} result rows on {connection.vendor} "
        f"(set-up {built:.1f} s, median of {args.repeat})"
    )
    for name, seconds in result["times"].items():
        print(f"  {name:<24} {seconds * 1000:9.1f} ms   x{seconds / base:6.2f}")
    print(
        f"  queries: selector {result['queries']}, admin page "
        f"{result['page_queries']}, CSV {result['csv_queries']}; "
        f"admin page (one page of trainees) {result['page_bytes'] / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
