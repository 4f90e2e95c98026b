"""A finished demo cohort with outcomes, so every report shows real numbers.

"Blekinge kohort 2025" ran a year ago: twenty synthetic participants of
varied gender, age and language (e-mail addresses at the demo domain, no
password: they never sign in), fifteen who completed, three who withdrew and
two who never joined, and the demo coach account, who completed too. They
studied the demo courses (those who completed passed every quiz and
assignment), logged supervised practice, and have outcomes recorded at exit
and at a follow-up six months later. ``certificates.demo`` then certifies
those who met the rule and ``placements.demo`` places some of them. Built
through the services; idempotent: what exists is kept.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from courses.demo import DEMO_ACCOUNTS, DEMO_DOMAIN
from courses.models import Cohort, CohortMembership, CoursePage, ModulePage
from courses.services import StepLocked, step_complete
from reports.services import outcome_record
from users.models import User
from users.services import user_create, user_update_profile

DEMO_COHORT_NAME = "Blekinge kohort 2025"
COURSE_SLUGS = ("person-centred-wellbeing-coaching", "biopsychosocial-model")

# name | gender | birth year | municipality | languages | what happened |
# practicum hours | outcome at exit | at follow-up ("-": not recorded).
PARTICIPANTS_TABLE = """
Hana Yousef|woman|1986|Karlskrona|ar sv|completed|30|in_placement|in_work
Selam Tesfaye|woman|1991|Ronneby|ti am sv|completed|24|in_placement|in_work
Amina Warsame|woman|1979|Karlshamn|so ar sv|completed|20|job_seeker|in_work
Leyla Karimi|woman|1995|Karlskrona|fa prs sv|completed|18|in_studies|in_studies
Noor Al-Rashid|woman|1968|Sölvesborg|ar en|completed|16|job_seeker|job_seeker
Fatima Haidari|woman|2002|Olofström|prs fa|completed|22|in_studies|in_work
Rahel Gebremedhin|woman|1983|Ronneby|ti am|completed|20|in_work|in_work
Zainab Mohammed|woman|1975|Karlskrona|ar so|completed|12|job_seeker|-
Sara Nasser|woman|1999|Karlshamn|ar sv en|withdrew|4|other|-
Mariam Osman|woman|1961|Ronneby|so ar|completed|18|in_work|in_work
Dina Haddad|woman|1988|Karlskrona|ar en|invited|0|-|-
Yonas Berhe|man|1984|Ronneby|ti am sv|completed|40|in_placement|in_work
Omar Abdi|man|1990|Karlskrona|so ar|completed|36|in_work|in_work
Reza Ahmadi|man|1972|Olofström|fa prs|completed|38|job_seeker|in_placement
Khaled Saleh|man|1965|Sölvesborg|ar|completed|32|in_work|in_work
Abdi Farah|man|2003|Karlshamn|so sv|withdrew|6|unknown|-
Samir Jaber|man|1980|Karlskrona|ar ku|completed|34|in_studies|in_work
Tesfay Kidane|man|1977|Ronneby|ti|invited|0|-|-
Alex Mansour|other|1993|Karlskrona|ar en sv|completed|26|in_work|in_work
Robin Hassan|-|1997|Ronneby|so sv|withdrew|8|job_seeker|-
"""

# The demo coach account (courses.demo) finished this cohort too: her story,
# as in the table (what happened, practicum hours, at exit, at follow-up).
DEMO_COACH = next(a for a in DEMO_ACCOUNTS if a.role == "coach")
DEMO_COACH_STORY = ("completed", 24, "in_placement", "in_placement")


def _participants() -> list[tuple]:
    rows = []
    for line in PARTICIPANTS_TABLE.strip().splitlines():
        name, gender, born, place, languages, happened, hours, exit_, later = (
            "" if cell == "-" else cell for cell in line.split("|")
        )
        rows.append(
            (
                name,
                gender,
                int(born),
                place,
                languages,
                happened,
                int(hours),
                exit_,
                later,
            )
        )
    return rows


PARTICIPANTS = _participants()

# The running cohort (courses.demo) gets classmates for the demo trainee, so
# that its figures are not all under five: name | gender | birth year |
# municipality | languages | steps done so far.
RUNNING_COHORT_NAME = "Blekinge kohort 2026"
CLASSMATES_TABLE = """
Ayan Hersi|woman|1990|Karlskrona|so sv|6
Nadia Rahimi|woman|1985|Ronneby|prs fa|4
Helen Tekle|woman|1979|Karlshamn|ti am|8
Lina Khalil|woman|2001|Sölvesborg|ar|2
Aziz Noori|man|1987|Olofström|prs|5
Mohamed Ali|man|1970|Karlskrona|so ar|3
Daniel Haile|man|1994|Ronneby|ti sv|7
Kamal Darwish|man|1963|Karlshamn|ar|1
Sam Yilmaz|-|1998|Karlskrona|tr ku sv|4
"""


def _classmates() -> list[tuple]:
    rows = []
    for line in CLASSMATES_TABLE.strip().splitlines():
        name, gender, born, place, languages, steps = line.split("|")
        gender = "" if gender == "-" else gender
        rows.append((name, gender, int(born), place, languages, int(steps)))
    return rows


CLASSMATES = _classmates()


@dataclass
class DemoReportsResult:
    cohort: Cohort | None = None
    created: bool = False
    people_created: int = 0
    classmates_added: int = 0
    steps_done: int = 0
    practicum_sessions: int = 0
    outcomes: int = 0
    notes: list[str] = field(default_factory=list)


def _email(name: str) -> str:
    local = name.lower().replace(" ", ".").replace("-", "")
    return f"{local}@{DEMO_DOMAIN}"


def _course_steps(course: CoursePage) -> list[Page]:
    """Every live step of the course, module by module, in order."""
    steps = []
    for module in ModulePage.objects.child_of(course).live().order_by("path"):
        steps += list(Page.objects.child_of(module).live().specific().order_by("path"))
    return steps


def _demo_person(name, gender, born, place, languages) -> tuple[User, bool]:
    user = User.objects.filter(email=_email(name)).first()
    if user is not None:
        return user, False
    user = user_create(
        email=_email(name),
        legal_name=name,
        role="trainee",
        email_verified=True,
        gender=gender,
        birth_year=born,
        municipality=place,
    )
    user_update_profile(user=user, data={"languages": languages.split()})
    return user, True


def _study(
    user: User, steps: list[Page], how_far: str | int, *, grader: User | None = None
) -> int:
    """Mark the steps done as far as the participant got: a number of the
    steps a trainee marks done, a quarter of them for those who withdrew.
    Those who completed did every step, and passed every quiz and assignment
    (a result recorded by ``grader``); otherwise a locked step (after a quiz
    not passed) is skipped."""
    if how_far == "completed" and grader is not None:
        return _finish(user, steps, grader)
    steps = [step for step in steps if getattr(step, "completed_by_trainee", False)]
    if isinstance(how_far, int):
        steps = steps[:how_far]
    elif how_far == "withdrew":
        steps = steps[: max(1, len(steps) // 4)]
    done = 0
    for step in steps:
        try:
            step_complete(user=user, step=step)
        except StepLocked:
            continue
        done += 1
    return done


def _finish(user: User, steps: list[Page], grader: User) -> int:
    """Every step done in order, every assessment passed (80-100 %)."""
    from assessments.services.results import assessment_result_record

    done = 0
    for number, step in enumerate(steps):
        if getattr(step, "completed_by_trainee", False):
            step_complete(user=user, step=step)
        else:
            score = Decimal(8 + (user.pk + number) % 3)
            assessment_result_record(
                user=user,
                assessment=step,
                score=score,
                max_score=Decimal(10),
                percent=score * 10,
                passed=True,
                by=grader,
            )
        done += 1
    return done


def _practicum(user: User, supervisor: User, hours: int, day: datetime.date) -> int:
    """Log and sign ``hours`` of practice in two-hour sessions (if the
    assessments app is there). Men log more than women, as MIA Östra
    Södertörn found: the report is where such a gap shows."""
    try:
        from assessments.selectors.practicum import signed_practicum_hours
        from assessments.services.practicum import (
            practicum_session_log,
            practicum_session_sign,
            practicum_supervision_add,
        )
    except ImportError:
        return 0
    if hours <= 0 or signed_practicum_hours(user_ids=[user.pk]).get(user.pk):
        return 0
    practicum_supervision_add(trainee=user, supervisor=supervisor)
    sessions = 0
    for n in range(0, hours, 2):
        session = practicum_session_log(
            trainee=user,
            date=day + datetime.timedelta(days=7 * sessions),
            minutes=min(2, hours - n) * 60,
            client_code=f"K-{sessions + 1:02d}",
            competencies=["active_listening", "goal_setting"],
            reflection="Demo session.",
            setting_name="Demo",
        )
        practicum_session_sign(supervisor=supervisor, session_id=session.pk)
        sessions += 1
    return sessions


@transaction.atomic
def demo_reports_ensure(*, today: datetime.date | None = None) -> DemoReportsResult:
    """The finished demo cohort with its participants, studies and outcomes.

    Needs the demo accounts and courses; raises ``RuntimeError`` without the
    courses. Idempotent.
    """
    today = today or timezone.localdate()
    result = DemoReportsResult()
    courses = list(CoursePage.objects.filter(slug__in=COURSE_SLUGS).order_by("path"))
    courses = [
        c
        for c in courses
        if c.pk == min(p.pk for p in courses if p.translation_key == c.translation_key)
    ]
    if len(courses) != len(COURSE_SLUGS):
        raise RuntimeError("Load the demo courses first (demo_content_ensure).")
    supervisor = User.objects.filter(email=f"trainer@{DEMO_DOMAIN}").first()
    admin = User.objects.filter(email=f"admin@{DEMO_DOMAIN}").first()

    start = today - datetime.timedelta(days=400)
    end = start + datetime.timedelta(days=150)
    cohort = Cohort.objects.filter(name=DEMO_COHORT_NAME).first()
    result.created = cohort is None
    if cohort is None:
        cohort = Cohort(
            name=DEMO_COHORT_NAME,
            start_date=start,
            end_date=end,
            capacity=30,
            planned_participants=24,
            status=Cohort.Status.FINISHED,
        )
        cohort.full_clean()
        cohort.save()
        cohort.courses.set(courses)
        if supervisor:
            cohort.trainers.set([supervisor])
    result.cohort = cohort
    start, end = cohort.start_date, cohort.end_date
    steps = [step for course in courses for step in _course_steps(course)]

    people = []
    for spec in PARTICIPANTS:
        name, gender, born, place, languages, *story = spec
        user, created = _demo_person(name, gender, born, place, languages)
        result.people_created += created
        people.append((user, *story))
    coach = User.objects.filter(email=DEMO_COACH.email).first()
    if coach is not None:
        people.append((coach, *DEMO_COACH_STORY))
    for n, (user, happened, hours, at_exit, later) in enumerate(people):
        if CohortMembership.objects.filter(cohort=cohort, user=user).exists():
            continue
        membership = _membership_make(cohort, user, happened, n)
        if happened == "invited":
            continue
        result.steps_done += _study(user, steps, happened, grader=supervisor)
        if supervisor:
            result.practicum_sessions += _practicum(
                user, supervisor, hours, start + datetime.timedelta(days=30)
            )
        left = end if happened == "completed" else membership.left_at.date()
        for stage, kind, date in (
            ("exit", at_exit, left),
            ("follow_up", later, left + datetime.timedelta(days=182)),
        ):
            if kind:
                outcome_record(
                    participant=user,
                    cohort=cohort,
                    stage=stage,
                    kind=kind,
                    date=date,
                    by=admin,
                )
                result.outcomes += 1
    if supervisor is None:
        result.notes.append("no demo trainer: practicum hours were not logged")
    result.classmates_added = _classmates_ensure(steps)
    return result


def _membership_make(
    cohort: Cohort, user: User, happened: str, n: int
) -> CohortMembership:
    """The participant's membership: invited ten days before the start,
    joined a few days later, then completed at the end or withdrawn."""
    invited = timezone.make_aware(
        datetime.datetime.combine(
            cohort.start_date - datetime.timedelta(days=10), datetime.time(9)
        )
    )
    membership = CohortMembership(cohort=cohort, user=user, invited_at=invited)
    if happened == "invited":
        membership.status = CohortMembership.Status.INVITED
    else:
        membership.joined_at = invited + datetime.timedelta(days=2 + n % 5)
        if happened == "completed":
            membership.status = CohortMembership.Status.COMPLETED
            membership.completed_at = timezone.make_aware(
                datetime.datetime.combine(cohort.end_date, datetime.time(15))
            )
        else:
            membership.status = CohortMembership.Status.WITHDRAWN
            membership.left_at = membership.joined_at + datetime.timedelta(days=40)
    membership.full_clean()
    membership.save()
    return membership


def _classmates_ensure(steps: list[Page]) -> int:
    """Active classmates in the running demo cohort, part-way through."""
    running = Cohort.objects.filter(name=RUNNING_COHORT_NAME).first()
    if running is None:
        return 0
    added = 0
    joined = timezone.make_aware(
        datetime.datetime.combine(running.start_date, datetime.time(10))
    )
    for name, gender, born, place, languages, done in CLASSMATES:
        user, _created = _demo_person(name, gender, born, place, languages)
        if CohortMembership.objects.filter(cohort=running, user=user).exists():
            continue
        membership = CohortMembership(
            cohort=running,
            user=user,
            status=CohortMembership.Status.ACTIVE,
            invited_at=joined - datetime.timedelta(days=5),
            joined_at=joined,
        )
        membership.full_clean()
        membership.save()
        _study(user, steps, done)
        added += 1
    return added
