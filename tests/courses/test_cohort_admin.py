import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from courses.factories import course_page_create, translation_add
from courses.invitations import membership_withdraw
from courses.models import Cohort, CohortMembership, LessonPage, ModulePage
from courses.services import step_complete
from tests.courses.helpers import cohort_create, course_with_modules, invite, join
from tests.mfa import enable_totp

pytestmark = pytest.mark.django_db

Status = CohortMembership.Status
INDEX_URL = "/admin/cohorts/"
REPORT_BUDGET = 22
LIST_BUDGET = 18


def staff_login(client, user):
    """Sign ``user`` in to the admin (MFA set up) with the admin in English."""
    enable_totp(user)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return client


def page_url(name: str, cohort, *args) -> str:
    return reverse(f"cohorts:{name}", args=[cohort.pk, *args])


def lessons(course) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))


def modules(course) -> list[ModulePage]:
    return list(ModulePage.objects.child_of(course).live().order_by("path"))


@pytest.fixture
def world(make_user, programme_admin):
    """Two cohorts with their own trainers and courses."""
    course = course_with_modules(title="Coaching basics", modules=2, lessons=2)
    other_course = course_with_modules(title="Motivational talk", modules=1)
    teacher = make_user("trainer", legal_name="Tove Trainer")
    other_teacher = make_user("trainer", legal_name="Otto Other")
    autumn = cohort_create(
        name="Autumn 2026", courses=[course], trainers=[teacher], capacity=10
    )
    spring = cohort_create(
        name="Spring 2027",
        courses=[other_course],
        trainers=[other_teacher],
        status=Cohort.Status.PLANNED,
        start_date=datetime.date(2027, 2, 1),
    )
    return {
        "course": course,
        "other_course": other_course,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "autumn": autumn,
        "spring": spring,
        "admin": programme_admin,
    }


def listed(response) -> list[str]:
    return [cohort.name for cohort in response.context["object_list"]]


# --- The list --------------------------------------------------------------------


def test_administrator_lists_every_cohort_with_places_taken(client, world, make_user):
    admin = world["admin"]
    invite(
        cohort=world["autumn"],
        people=[("a@example.org", "A"), ("b@example.org", "B")],
        by=admin,
    )
    join(cohort=world["autumn"], user=make_user("trainee"), by=admin)
    staff_login(client, admin)

    response = client.get(INDEX_URL)

    assert response.status_code == 200
    assert sorted(listed(response)) == ["Autumn 2026", "Spring 2027"]
    counts = {c.name: c.members_count for c in response.context["object_list"]}
    assert counts == {"Autumn 2026": 3, "Spring 2027": 0}
    page = response.content.decode()
    assert page_url("members", world["autumn"]) in page
    assert reverse("cohorts:add") in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=autumn", ["Autumn 2026"]),
        ("status=planned", ["Spring 2027"]),
        ("start_date_from=2027-01-01", ["Spring 2027"]),
        ("start_date_to=2026-12-31", ["Autumn 2026"]),
        ("courses={course}", ["Autumn 2026"]),
        ("trainers={other_teacher}", ["Spring 2027"]),
        ("courses={course}&courses={other_course}", ["Autumn 2026", "Spring 2027"]),
    ],
)
def test_administrator_searches_and_filters(client, world, query, expected):
    staff_login(client, world["admin"])
    query = query.format(
        course=world["course"].pk,
        other_course=world["other_course"].pk,
        other_teacher=world["other_teacher"].pk,
    )

    response = client.get(f"{INDEX_URL}?{query}")

    assert sorted(listed(response)) == expected


def test_the_list_costs_the_same_for_2_and_12_cohorts(client, world):
    staff_login(client, world["admin"])
    client.get(INDEX_URL)
    with CaptureQueriesContext(connection) as two:
        client.get(INDEX_URL)
    for n in range(10):
        cohort = cohort_create(name=f"Extra {n}", courses=[world["course"]])
        invite(cohort=cohort, people=[(f"x{n}@example.org", "X")], by=world["admin"])

    with CaptureQueriesContext(connection) as twelve:
        response = client.get(INDEX_URL)

    assert len(listed(response)) == 12
    assert len(twelve) == len(two)
    assert len(twelve) <= LIST_BUDGET


def test_a_trainer_sees_only_the_cohorts_they_teach_read_only(client, world):
    staff_login(client, world["teacher"])

    response = client.get(INDEX_URL)

    assert listed(response) == ["Autumn 2026"]
    page = response.content.decode()
    assert reverse("cohorts:add") not in page
    assert reverse("cohorts:edit", args=[world["autumn"].pk]) not in page
    assert page_url("progress", world["autumn"]) in page
    # Neither a cohort of theirs nor another one can be edited or created.
    for url in (
        reverse("cohorts:edit", args=[world["autumn"].pk]),
        reverse("cohorts:edit", args=[world["spring"].pk]),
        reverse("cohorts:add"),
    ):
        assert client.get(url).url == reverse("wagtailadmin_home")


def test_trainees_and_anonymous_visitors_never_reach_the_cohorts(
    client, world, trainee
):
    anonymous = client.get(INDEX_URL)
    assert anonymous.status_code == 302
    assert "login" in anonymous.url

    client.force_login(trainee)
    response = client.get(INDEX_URL)
    assert response.status_code == 302
    assert response.url == "/my-learning/"


# --- The form --------------------------------------------------------------------


def test_the_form_offers_live_original_courses_and_trainers_only(
    client, world, make_user
):
    english = translation_add(
        original=world["course"],
        locale=Locale.objects.get(language_code="en"),
        fields={"title": "Coaching basics in English"},
    )
    draft = course_page_create(title="Draft course", publish=False)
    staff_login(client, world["admin"])

    form = client.get(reverse("cohorts:add")).context["form"]

    courses = {c.pk for c in form.fields["courses"].queryset}
    assert courses == {world["course"].pk, world["other_course"].pk}
    assert english.pk not in courses
    assert draft.pk not in courses
    trainers = set(form.fields["trainers"].queryset)
    assert trainers == {world["teacher"], world["other_teacher"]}


def test_administrator_creates_a_cohort(client, world):
    staff_login(client, world["admin"])

    response = client.post(
        reverse("cohorts:add"),
        {
            "name": "Winter 2027",
            "status": "planned",
            "start_date": "2027-01-10",
            "end_date": "2027-05-30",
            "capacity": "25",
            "planned_participants": "",
            "courses": [world["course"].pk],
            "trainers": [world["teacher"].pk],
        },
    )

    assert response.status_code == 302
    cohort = Cohort.objects.get(name="Winter 2027")
    assert list(cohort.courses.all()) == [world["course"]]
    assert list(cohort.trainers.all()) == [world["teacher"]]


def test_the_end_must_follow_the_start_and_capacity_fit_the_members(client, world):
    admin = world["admin"]
    invite(
        cohort=world["autumn"],
        people=[("a@example.org", "A"), ("b@example.org", "B")],
        by=admin,
    )
    staff_login(client, admin)

    response = client.post(
        reverse("cohorts:edit", args=[world["autumn"].pk]),
        {
            "name": "Autumn 2026",
            "status": "running",
            "start_date": "2026-09-01",
            "end_date": "2026-08-01",
            "capacity": "1",
            "courses": [world["course"].pk],
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    with translation.override("sv"):  # the admin answers in the admin's language
        expected = translation.gettext("The end date is before the start date.")
    assert expected in errors["end_date"]
    assert "2 trainees are invited or active" in errors["capacity"][0]


def test_a_cohort_with_members_is_archived_not_deleted(client, world):
    invite(cohort=world["autumn"], people=[("a@example.org", "A")], by=world["admin"])
    staff_login(client, world["admin"])

    response = client.post(reverse("cohorts:delete", args=[world["autumn"].pk]))

    assert response.status_code == 302
    assert Cohort.objects.filter(pk=world["autumn"].pk).exists()
    assert (
        client.post(reverse("cohorts:delete", args=[world["spring"].pk])).status_code
        == 302
    )
    assert not Cohort.objects.filter(pk=world["spring"].pk).exists()


# --- The progress report ---------------------------------------------------------


@pytest.fixture
def studying(world, make_user):
    """Three trainees of Autumn 2026 at different places in the course."""
    admin, autumn, course = world["admin"], world["autumn"], world["course"]
    ahead = make_user("trainee", legal_name="Alva Ahead")
    halfway = make_user("trainee", legal_name="Bert Halfway")
    starting = make_user("trainee", legal_name="Cleo Starting")
    for person in (ahead, halfway, starting):
        join(cohort=autumn, user=person, by=admin)
    steps = lessons(course)  # module 1: steps 0, 1; module 2: steps 2, 3
    for step in steps:
        step_complete(user=ahead, step=step)
    step_complete(user=halfway, step=steps[0])
    step_complete(user=halfway, step=steps[1])
    step_complete(user=halfway, step=steps[2])
    invite(cohort=autumn, people=[("late@example.org", "Late")], by=admin)
    return {"ahead": ahead, "halfway": halfway, "starting": starting, **world}


def report_rows(response) -> dict[str, list]:
    """Trainee name → the percentages in column order."""
    return {
        row.name: [v for v, _c in cells]
        for row, cells in response.context["table_rows"]
    }


def test_the_report_shows_each_trainee_against_each_module(client, studying):
    staff_login(client, studying["teacher"])

    response = client.get(page_url("progress", studying["autumn"]))

    assert response.status_code == 200
    # Columns: the course, then its two modules.
    assert report_rows(response) == {
        "Alva Ahead": [100, 100, 100],
        "Bert Halfway": [75, 100, 50],
        "Cleo Starting": [0, 0, 0],
    }
    page = response.content.decode()
    assert "Coaching basics module 1" in page
    assert "late@example.org" not in page  # invited, not started yet
    ahead = next(
        r for r, _c in response.context["table_rows"] if r.name == "Alva Ahead"
    )
    assert ahead.last_activity is not None


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alva Ahead", "Bert Halfway", "Cleo Starting"]),
        ("-name", ["Cleo Starting", "Bert Halfway", "Alva Ahead"]),
        ("c{course}", ["Cleo Starting", "Bert Halfway", "Alva Ahead"]),
        ("-m{module2}", ["Alva Ahead", "Bert Halfway", "Cleo Starting"]),
        ("m{module1}", ["Cleo Starting", "Alva Ahead", "Bert Halfway"]),
        ("-last_activity", ["Bert Halfway", "Alva Ahead", "Cleo Starting"]),
        ("last_activity", ["Alva Ahead", "Bert Halfway", "Cleo Starting"]),
        ("no-such-column", ["Alva Ahead", "Bert Halfway", "Cleo Starting"]),
    ],
)
def test_the_report_sorts_by_any_column(client, studying, sort, expected):
    first, second = modules(studying["course"])
    sort = sort.format(
        course=studying["course"].pk, module1=first.pk, module2=second.pk
    )
    staff_login(client, studying["admin"])

    response = client.get(page_url("progress", studying["autumn"]) + f"?sort={sort}")

    assert [row.name for row, _cells in response.context["table_rows"]] == expected


def test_the_report_exports_csv_safe_for_spreadsheets(client, studying, make_user):
    sly = make_user("trainee", legal_name='=HYPERLINK("http://evil.example")')
    join(cohort=studying["autumn"], user=sly, by=studying["admin"])
    staff_login(client, studying["teacher"])

    response = client.get(
        page_url("progress", studying["autumn"]) + "?format=csv&sort=name"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'attachment; filename="autumn-2026-progress-' in response["Content-Disposition"]
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0] == [
        "Trainee",
        "E-mail",
        "Status",
        "Coaching basics (%)",
        "Coaching basics / Coaching basics module 1 (%)",
        "Coaching basics / Coaching basics module 2 (%)",
        "Last activity",
    ]
    by_name = {line[0]: line for line in table[1:]}
    assert by_name["Bert Halfway"][3:6] == ["75", "100", "50"]
    assert '\'=HYPERLINK("http://evil.example")' in by_name
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for line in table for cell in line
    )


def test_the_report_costs_the_same_for_3_and_30_trainees(client, studying, make_user):
    url = page_url("progress", studying["autumn"])
    staff_login(client, studying["admin"])
    client.get(url)
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    studying["autumn"].capacity = 40
    studying["autumn"].save()
    steps = lessons(studying["course"])
    for n in range(27):
        person = make_user("trainee")
        join(cohort=studying["autumn"], user=person, by=studying["admin"])
        for step in steps[: n % 4]:
            step_complete(user=person, step=step)

    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url)

    assert len(response.context["table_rows"]) == 30
    assert len(thirty) == len(three)
    assert len(thirty) <= REPORT_BUDGET


def test_module_titles_follow_the_readers_language(client, studying):
    english = Locale.objects.get(language_code="en")
    course = translation_add(
        original=studying["course"], locale=english, fields={"title": "Basics (EN)"}
    )
    module = modules(studying["course"])[0]
    translation_add(original=module, locale=english, fields={"title": "First module"})
    staff_login(client, studying["admin"])

    page = client.get(page_url("progress", studying["autumn"])).content.decode()

    assert "Basics (EN)" in page
    assert "First module" in page
    assert course.pk != studying["course"].pk


# --- Who may see what ------------------------------------------------------------

REPORT_VIEWS = ["members", "progress", "progress_csv", "invite", "withdraw"]


@pytest.mark.parametrize("view", REPORT_VIEWS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", {"*": 200}),
        ("teacher", {"*": 200, "invite": "admin home", "withdraw": "admin home"}),
        ("other_teacher", {"*": 404}),
        ("trainee", {"*": "dashboard"}),
        ("anonymous", {"*": "login"}),
    ],
)
def test_cohort_pages_permission_matrix(client, studying, view, who, expected):
    autumn = studying["autumn"]
    membership = CohortMembership.objects.get(user=studying["halfway"])
    url = {
        "members": page_url("members", autumn),
        "progress": page_url("progress", autumn),
        "progress_csv": page_url("progress", autumn) + "?format=csv",
        "invite": page_url("invite", autumn),
        "withdraw": page_url("withdraw", autumn, membership.pk),
    }[view]
    if who == "trainee":
        client.force_login(studying["halfway"])
    elif who != "anonymous":
        staff_login(client, studying[who])

    response = client.get(url)

    outcome = expected.get(view, expected["*"])
    if outcome in (200, 404):
        assert response.status_code == outcome
    else:
        assert response.status_code == 302
        target = {
            "admin home": reverse("wagtailadmin_home"),
            "dashboard": "/my-learning/",
        }.get(outcome)
        if target:
            assert response.url == target
        else:
            assert "login" in response.url
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE


@pytest.mark.parametrize("who", ["teacher", "other_teacher", "trainee", "anonymous"])
def test_only_administrators_change_memberships(client, studying, who):
    autumn = studying["autumn"]
    membership = CohortMembership.objects.get(user=studying["halfway"])
    invited = CohortMembership.objects.get(user__email="late@example.org")
    if who == "trainee":
        client.force_login(studying["starting"])
    elif who != "anonymous":
        staff_login(client, studying[who])

    client.post(page_url("withdraw", autumn, membership.pk))
    client.post(page_url("resend", autumn, invited.pk))
    client.post(
        page_url("invite", autumn),
        {"action": "confirm", "csv_text": "new@example.org,New", "fingerprint": ""},
    )

    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    assert invited.invitations.count() == 1
    assert not CohortMembership.objects.filter(user__email="new@example.org").exists()


@pytest.mark.parametrize("which", ["course", "module", "lesson", "complete", "report"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("enrolled", {"*": 200, "complete": 302, "report": "dashboard"}),
        ("not_enrolled", {"*": 404, "report": "dashboard"}),
        ("withdrawn", {"*": 404, "report": "dashboard"}),
        ("anonymous", {"*": "login"}),
        # Staff read every course (they write them), but record nothing in a
        # course they do not study and never see another cohort's report.
        ("other_teacher", {"*": 200, "complete": 404, "report": 404}),
    ],
)
def test_course_views_and_report_for_each_kind_of_visitor(
    client, world, make_user, which, who, expected
):
    course, autumn, admin = world["course"], world["autumn"], world["admin"]
    first = lessons(course)[0]
    person = make_user("trainee")
    join(cohort=autumn, user=person, by=admin)
    if who == "enrolled":
        client.force_login(person)
    elif who == "not_enrolled":
        client.force_login(make_user("trainee"))
    elif who == "withdrawn":
        leaver = make_user("trainee")
        membership = join(cohort=autumn, user=leaver, by=admin)
        membership_withdraw(membership=membership, by=admin)
        client.force_login(leaver)
    elif who == "other_teacher":
        staff_login(client, world["other_teacher"])

    if which == "complete":
        response = client.post(reverse("step_complete", args=[first.pk]))
    else:
        url = {
            "course": course.url,
            "module": first.get_parent().url,
            "lesson": first.url,
            "report": page_url("progress", autumn),
        }[which]
        response = client.get(url)

    outcome = expected.get(which, expected["*"])
    if isinstance(outcome, int):
        assert response.status_code == outcome
    elif outcome == "dashboard":
        assert response.status_code == 302
        assert response.url == "/my-learning/"
    else:
        assert response.status_code == 302
        assert "login" in response.url
