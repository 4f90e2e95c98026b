import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from assessments.demo import demo_practicum_ensure
from certificates.demo import demo_certificates_ensure, demo_certification_ensure
from courses.demo import (
    DEMO_PASSWORD,
    demo_accounts_ensure,
    demo_cohort_ensure,
    demo_content_ensure,
)
from courses.demo_loader import CONTENT_DIR
from placements.demo import demo_placements_ensure
from reports.demo import demo_reports_ensure

# Publishing ~70 pages logs every page, search-index task and progress
# refresh (and kombu warns about the in-memory broker); the summary below
# says what matters. -v 2 shows it all.
CHATTY_LOGGERS = (
    "wagtail",
    "django_tasks",
    "celery.app.trace",
    "kombu",
    "fontTools",
    "weasyprint",
)
DEMO_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def _admin(accounts):
    from users.models import User

    email = next(account.email for account, _ in accounts if account.role == "admin")
    return User.objects.get(email=email)


@contextmanager
def _quiet(loggers):
    saved = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


class Command(BaseCommand):
    help = "Load the demo accounts and content; a second run adds only what is missing."

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 1
        # The demo people are fictional (addresses at .example): nobody to
        # tell about invitations, grades or certificates.
        with (
            _quiet(() if verbose else CHATTY_LOGGERS),
            override_settings(EMAIL_BACKEND=DEMO_EMAIL_BACKEND),
        ):
            accounts = demo_accounts_ensure()
            content = demo_content_ensure()
            cohort = demo_cohort_ensure()
            practicum_sessions = demo_practicum_ensure()
            certification, certification_created = demo_certification_ensure()
            reports = demo_reports_ensure()
            certificates = demo_certificates_ensure(
                cohort=reports.cohort, by=_admin(accounts)
            )
            placements = demo_placements_ensure()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for account, created in accounts:
            note = "created" if created else "already there"
            self.stdout.write(f"  {account.role:<8} {account.email}  ({note})")
        self.stdout.write(
            "Staff accounts set up two-factor sign-in (any authenticator app) "
            "the first time they open /admin/."
        )

        self.stdout.write("")
        self.stdout.write(f"Demo courses (from {CONTENT_DIR.name}/)")
        for line in content.lines():
            self.stdout.write(f"  {line}")

        self.stdout.write("")
        self.write_cohort(cohort)
        self.stdout.write(f"  practicum sessions logged now: {practicum_sessions}")
        note = "created" if certification_created else "already there"
        self.stdout.write(f"Certification: {certification} ({note})")
        self.stdout.write(f"  certificates issued now: {len(certificates)}")
        self.stdout.write(
            "Partner organisations created now: "
            f"{len(placements.organisations_created)}"
        )
        self.stdout.write(
            f"  demo coach: {placements.coach_placement or placements.coach_note}"
        )
        self.stdout.write(
            f"  placements of the finished cohort made now: "
            f"{placements.past_placements_created}"
        )
        self.stdout.write(
            f"Report cohort: {reports.cohort} "
            f"({reports.people_created} people created now)"
        )

    def write_cohort(self, result):
        cohort = result.cohort
        note = "created" if result.created else "already there"
        self.stdout.write(f"Demo cohort: {cohort.name} ({note})")
        self.stdout.write(
            f"  {cohort.get_status_display()}, {cohort.start_date:%Y-%m-%d} to "
            f"{cohort.end_date:%Y-%m-%d}, capacity {cohort.capacity}, "
            f"{cohort.planned_participants} planned participants"
        )
        trainee = "joined" if result.membership_created else "already a member"
        self.stdout.write(
            f"  demo trainee: {trainee}; {result.completions_created} steps "
            "marked done now"
        )
        for row in result.progress:
            self.stdout.write(
                f"  {row.course.title}: {row.steps_done} of {row.steps_total} "
                f"steps ({row.percent} %)"
            )
