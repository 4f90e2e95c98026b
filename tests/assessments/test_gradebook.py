"""The gradebook: a cohort's trainees against its assessments, and its CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from assessments.selectors.gradebook import csv_safe, gradebook, gradebook_columns
from assessments.services.results import assessment_result_record
from courses.models import CohortMembership, ModulePage
from tests.assessments.quizzes import build_quiz, translate_quiz
from tests.courses.conftest import build_course, enrol
from tests.mfa import enable_totp

pytestmark = pytest.mark.django_db


def course_of(page):
    return page.get_parent().get_parent().specific


def record(user, page, percent, passed, **extra):
    known = percent is not None
    return assessment_result_record(
        user=user,
        assessment=page,
        score=Decimal(percent) / 10 if known else None,
        max_score=Decimal(10) if known else None,
        percent=Decimal(percent) if known else None,
        passed=passed,
        **extra,
    )


def add_member(cohort, user, status=CohortMembership.Status.ACTIVE):
    return CohortMembership.objects.create(cohort=cohort, user=user, status=status)


@pytest.fixture
def setting(make_user):
    """A cohort of three trainees on a course with two quizzes."""
    first = build_quiz(title="Gradebook course")
    module = first.get_parent()
    from assessments.quiz_content import quiz_page_create
    from tests.assessments.quizzes import QUESTIONS

    second = quiz_page_create(parent=module, questions=QUESTIONS, title="Second quiz")
    trainer = make_user("trainer")
    alice = make_user("trainee", legal_name="Alice Andersson")
    bob = make_user("trainee", legal_name="Bob Berg")
    cecilia = make_user("trainee", legal_name="=HYPERLINK(evil)")
    cohort = enrol(user=alice, courses=[course_of(first)], trainers=[trainer])
    add_member(cohort, bob)
    add_member(cohort, cecilia)
    add_member(cohort, make_user("trainee"), CohortMembership.Status.WITHDRAWN)
    record(alice, first, 100, True)
    record(alice, second, 40, False, late=True)
    record(bob, first, None, None, awaiting_review=True)
    return {
        "cohort": cohort,
        "quizzes": (first, second),
        "trainer": trainer,
        "people": (alice, bob, cecilia),
    }


def test_the_gradebook_lists_trainees_against_assessments(setting):
    first, second = setting["quizzes"]
    alice, bob, cecilia = setting["people"]

    book = gradebook(cohort=setting["cohort"])

    assert [c.id for c in book.columns] == [first.pk, second.pk]
    assert [c.kind for c in book.columns] == ["quiz", "quiz"]
    assert [r.user_id for r in book.rows] == [cecilia.pk, alice.pk, bob.pk]
    by_user = {r.user_id: r for r in book.rows}
    a_first, a_second = by_user[alice.pk].cells
    assert (a_first["percent"], a_first["passed"]) == (Decimal("100.00"), True)
    assert (a_second["passed"], a_second["late"]) == (False, True)
    b_first, b_second = by_user[bob.pk].cells
    assert (b_first["passed"], b_first["awaiting_review"]) == (None, True)
    assert b_second is None
    assert by_user[cecilia.pk].cells == [None, None]
    assert by_user[alice.pk].passed_count == 1


def test_the_gradebook_sorts_by_an_assessment(setting):
    first, _second = setting["quizzes"]
    alice, bob, cecilia = setting["people"]

    book = gradebook(cohort=setting["cohort"], sort=f"a{first.pk}", descending=True)
    # Only Alice has a percent; the others stay last, by name, either way.
    assert [r.user_id for r in book.rows] == [alice.pk, cecilia.pk, bob.pk]
    book = gradebook(cohort=setting["cohort"], sort=f"a{first.pk}")
    assert [r.user_id for r in book.rows] == [alice.pk, cecilia.pk, bob.pk]

    book = gradebook(cohort=setting["cohort"], sort="nonsense")
    assert book.sort == "name"


def test_columns_use_the_originals_whatever_the_language(setting):
    first, second = setting["quizzes"]
    translate_quiz(first, title="First quiz in English")

    columns = gradebook_columns(cohort=setting["cohort"])

    assert [c.id for c in columns] == [first.pk, second.pk]


def test_practicum_hours_come_from_the_signed_sessions(setting):
    practicum = pytest.importorskip("assessments.services.practicum")
    alice, bob, _cecilia = setting["people"]
    supervisor = setting["trainer"]
    practicum.practicum_supervision_add(trainee=alice, supervisor=supervisor)
    session = practicum.practicum_session_log(
        trainee=alice,
        date=datetime.date(2026, 1, 15),
        minutes=90,
        client_code="K-07",
        competencies=["active_listening"],
        reflection="We practised listening.",
    )
    practicum.practicum_session_sign(supervisor=supervisor, session_id=session.pk)
    practicum.practicum_session_log(  # not signed: does not count
        trainee=bob,
        date=datetime.date(2026, 1, 16),
        minutes=60,
        client_code="K-08",
        competencies=["active_listening"],
        reflection="Waiting.",
    )

    book = gradebook(cohort=setting["cohort"], sort="hours", descending=True)

    assert book.has_practicum
    assert book.rows[0].user_id == alice.pk
    hours = {r.user_id: r.practicum_hours for r in book.rows}
    assert hours[alice.pk] == Decimal("1.50")
    assert hours[bob.pk] == Decimal("0.00")


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+46 70", "'+46 70"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("Anna", "Anna"),
        (Decimal("12.50"), "12.50"),
        (None, ""),
    ],
)
def test_csv_cells_never_start_a_formula(value, safe):
    assert csv_safe(value) == safe


def sign_in_staff(client, user):
    enable_totp(user)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"  # the admin in English
    profile.save()
    client.force_login(user)


def test_the_csv_export_has_the_same_rows(client, setting):
    sign_in_staff(client, setting["trainer"])
    url = reverse("assessments_gradebook_csv", args=[setting["cohort"].pk])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, *body = rows
    assert header[:2] == ["Name", "E-mail"]
    assert len(header) == 2 + 2 * 5 + 1
    assert header[-1] == "Signed practicum hours"
    names = [row[0] for row in body]
    assert names == ["'=HYPERLINK(evil)", "Alice Andersson", "Bob Berg"]
    alice = body[1]
    assert alice[2:7] == ["100.00", "10.00/10.00", "yes", "", ""]
    assert alice[7:12] == ["40.00", "4.00/10.00", "no", "yes", ""]
    bob = body[2]
    assert bob[2:7] == ["", "", "", "", "yes"]


def test_the_gradebook_page_shows_the_cells(client, setting):
    sign_in_staff(client, setting["trainer"])

    response = client.get(reverse("assessments_gradebook", args=[setting["cohort"].pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Alice Andersson" in body
    assert "awaiting review" in body
    assert "late" in body
    assert "=HYPERLINK(evil)" in body  # shown as text in HTML, escaped by Django


# --- who may ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("programme_admin", 200),
        ("trainer_of_cohort", 200),
        ("trainer_of_another_cohort", 404),
        ("trainee", 302),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("view", ["page", "csv"])
def test_the_gradebook_is_for_the_cohorts_trainers_and_administrators(
    client, make_user, setting, who, status, view
):
    cohort = setting["cohort"]
    viewer = {
        "programme_admin": lambda: make_user("admin"),
        "trainer_of_cohort": lambda: setting["trainer"],
        "trainer_of_another_cohort": lambda: make_user("trainer"),
        "trainee": lambda: setting["people"][0],
        "anonymous": lambda: None,
    }[who]()
    if who == "trainer_of_another_cohort":
        enrol(user=make_user("trainee"), courses=[build_course()], trainers=[viewer])
    if viewer is not None:
        sign_in_staff(client, viewer)
    name = "assessments_gradebook" if view == "page" else "assessments_gradebook_csv"

    response = client.get(reverse(name, args=[cohort.pk]))

    assert response.status_code == status
    if status == 200 and view == "csv":
        assert "Alice Andersson" in response.content.decode("utf-8-sig")
    if status != 200:
        assert b"Alice Andersson" not in response.content


def test_the_index_lists_only_the_trainers_cohorts(client, make_user, setting):
    other_trainer = make_user("trainer")
    other = enrol(
        user=make_user("trainee"),
        courses=[build_course(title="Elsewhere")],
        trainers=[other_trainer],
        name="Elsewhere cohort",
    )
    sign_in_staff(client, setting["trainer"])

    body = client.get(reverse("assessments_gradebook_index")).content.decode()

    assert setting["cohort"].name in body
    assert other.name not in body


# --- query budget --------------------------------------------------------------------

GRADEBOOK_BUDGET = 18


def cohort_of(make_user, *, trainees: int, quizzes: int, trainer, title: str):
    from assessments.quiz_content import quiz_page_create
    from tests.assessments.quizzes import QUESTIONS

    course = build_course(title=title, modules=1, lessons=0)
    module = ModulePage.objects.child_of(course).get()
    pages = [
        quiz_page_create(parent=module, questions=QUESTIONS[:1], title=f"Quiz {n}")
        for n in range(quizzes)
    ]
    people = [make_user("trainee") for _ in range(trainees)]
    cohort = enrol(user=people[0], courses=[course], trainers=[trainer], name=title)
    for person in people[1:]:
        add_member(cohort, person)
    for person in people:
        for page in pages:
            record(person, page, 50, False)
    return cohort


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_gradebook_costs_the_same_for_small_and_large_cohorts(client, make_user):
    trainer = make_user("trainer")
    small = cohort_of(make_user, trainees=2, quizzes=2, trainer=trainer, title="S")
    large = cohort_of(make_user, trainees=25, quizzes=8, trainer=trainer, title="L")
    sign_in_staff(client, trainer)
    client.get(reverse("assessments_gradebook", args=[small.pk]))  # warm caches

    costs = {
        name: (
            count_queries(client, reverse("assessments_gradebook", args=[c.pk])),
            count_queries(client, reverse("assessments_gradebook_csv", args=[c.pk])),
        )
        for name, c in (("small", small), ("large", large))
    }

    assert costs["small"] == costs["large"]
    assert max(costs["large"]) <= GRADEBOOK_BUDGET
