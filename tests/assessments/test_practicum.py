"""The practicum log: anonymised client codes, sign-off, signed hours, access."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import PracticumSession
from assessments.models.practicum import (
    looks_like_personal_number,
    validate_client_code,
)
from assessments.selectors.practicum import signed_practicum_hours
from assessments.services.practicum import (
    PracticumError,
    practicum_session_log,
    practicum_session_return,
    practicum_session_sign,
    practicum_session_update,
    practicum_supervision_add,
)
from courses.factories import course_page_create
from tests.courses.conftest import enrol
from tests.mfa import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    course = course_page_create()
    trainee, other_trainee = make_user("trainee"), make_user("trainee")
    trainer, other_trainer = make_user("trainer"), make_user("trainer")
    supervisor = make_user("trainee", legal_name="Named Supervisor")
    enrol(user=trainee, courses=[course], trainers=[trainer])
    enrol(user=other_trainee, courses=[course], trainers=[other_trainer])
    practicum_supervision_add(trainee=trainee, supervisor=supervisor)
    for staff in (trainer, other_trainer):
        enable_totp(staff)
    return {
        "trainee": trainee,
        "other_trainee": other_trainee,
        "trainer": trainer,
        "other_trainer": other_trainer,
        "supervisor": supervisor,
    }


def log(trainee, **fields):
    data = {
        "date": timezone.localdate() - datetime.timedelta(days=2),
        "minutes": 60,
        "client_code": "K-07",
        "competencies": ["active_listening"],
        "reflection": "I let the silences be.",
        "setting_name": "Arbetsförmedlingen Karlskrona",
    }
    data.update(fields)
    return practicum_session_log(trainee=trainee, **data)


# --- client codes --------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "850709-9805",
        "8507099805",
        "19850709-9805",
        "198507099805",
        "850709+9805",
        "850769-9805",  # samordningsnummer: day + 60
        "850709 9805",
        "K-8507099805",
        "x19850709-9805",
    ],
)
def test_anything_shaped_like_a_personal_number_is_refused(value):
    assert looks_like_personal_number(value)
    with pytest.raises(ValidationError) as error:
        validate_client_code(value)
    assert error.value.code == "personal_number"


@pytest.mark.parametrize("value", ["K-07", "AB12", "client-2026-3", "x1", "07"])
def test_made_up_codes_are_accepted(value):
    validate_client_code(value)


@pytest.mark.parametrize(
    "value", ["K", "Anna Svensson", "K_07", "Åsa", "a" * 21, "K-07;", ""]
)
def test_codes_are_short_letters_digits_and_dashes(value):
    with pytest.raises(ValidationError) as error:
        validate_client_code(value)
    assert error.value.code == "invalid"


def test_the_form_says_why_a_personal_number_is_refused(client, world):
    client.force_login(world["trainee"])
    with translation.override("en"):
        url = reverse("practicum_create")
    response = client.post(
        url,
        {
            "date": "2026-09-01",
            "minutes": "60",
            "client_code": "19850709-9805",
            "competencies": ["active_listening"],
            "reflection": "Fine.",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This looks like a personal identity number." in html
    assert "Never write a client's name or personal identity number" in html
    assert not PracticumSession.objects.exists()


def test_a_personal_number_in_the_reflection_is_refused(world):
    with pytest.raises(ValidationError) as error:
        log(world["trainee"], reflection="Her number is 850709-9805, by the way.")
    assert "reflection" in error.value.message_dict


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"minutes": 14}, "minutes"),
        ({"minutes": 601}, "minutes"),
        ({"date": "tomorrow"}, "date"),  # resolved when the test runs
        ({"competencies": []}, "competencies"),
        ({"competencies": ["telepathy"]}, "competencies"),
        ({"reflection": "x" * 4001}, "reflection"),
    ],
)
def test_sessions_are_checked(world, fields, error_field):
    if fields.get("date") == "tomorrow":
        fields = {"date": timezone.localdate() + datetime.timedelta(days=1)}
    with pytest.raises(ValidationError) as error:
        log(world["trainee"], **fields)
    assert error_field in error.value.message_dict


# --- sign-off ------------------------------------------------------------------


def test_a_trainer_of_the_cohort_and_a_named_supervisor_sign_off(world):
    first, second = log(world["trainee"]), log(world["trainee"], minutes=90)

    practicum_session_sign(supervisor=world["trainer"], session_id=first.pk)
    practicum_session_sign(supervisor=world["supervisor"], session_id=second.pk)

    first.refresh_from_db()
    assert (first.status, first.supervisor) == ("signed", world["trainer"])
    assert first.signed_at is not None
    assert signed_practicum_hours(user_ids=[world["trainee"].pk]) == {
        world["trainee"].pk: Decimal("2.50")
    }


@pytest.mark.parametrize("who", ["other_trainer", "other_trainee", "trainee"])
def test_nobody_else_signs_off(world, who):
    session = log(world["trainee"])
    with pytest.raises(PermissionDenied):
        practicum_session_sign(supervisor=world[who], session_id=session.pk)
    session.refresh_from_db()
    assert session.status == "logged"


def test_signing_twice_changes_nothing(world):
    session = log(world["trainee"])
    practicum_session_sign(supervisor=world["trainer"], session_id=session.pk)
    signed_at = PracticumSession.objects.get().signed_at
    practicum_session_sign(supervisor=world["supervisor"], session_id=session.pk)
    session.refresh_from_db()
    assert (session.supervisor, session.signed_at) == (world["trainer"], signed_at)


def test_a_session_sent_back_is_revised_and_signed(world):
    session = log(world["trainee"])
    with pytest.raises(PracticumError):
        practicum_session_return(
            supervisor=world["trainer"], session_id=session.pk, comment="  "
        )
    practicum_session_return(
        supervisor=world["trainer"], session_id=session.pk, comment="Say more."
    )
    with pytest.raises(PracticumError):
        practicum_session_sign(supervisor=world["trainer"], session_id=session.pk)

    practicum_session_update(
        trainee=world["trainee"],
        session_id=session.pk,
        data={"reflection": "I let the silences be, and next time I will ask less."},
    )
    practicum_session_sign(supervisor=world["trainer"], session_id=session.pk)

    session.refresh_from_db()
    assert session.status == "signed"
    with pytest.raises(PracticumError):
        practicum_session_update(
            trainee=world["trainee"], session_id=session.pk, data={"minutes": 600}
        )


def test_nobody_supervises_themselves(world):
    with pytest.raises(PracticumError):
        practicum_supervision_add(trainee=world["trainee"], supervisor=world["trainee"])


# --- hours ---------------------------------------------------------------------


def test_signed_hours_for_many_trainees_take_one_query(world, make_user):
    trainees = [make_user("trainee") for _ in range(5)]
    for minutes, trainee in zip((30, 45, 60, 75, 100), trainees, strict=True):
        practicum_supervision_add(trainee=trainee, supervisor=world["supervisor"])
        signed = log(trainee, minutes=minutes)
        log(trainee, minutes=600)  # waiting: does not count
        practicum_session_sign(supervisor=world["supervisor"], session_id=signed.pk)

    ids = [t.pk for t in trainees] + [world["other_trainee"].pk]
    with CaptureQueriesContext(connection) as queries:
        hours = signed_practicum_hours(user_ids=ids)

    assert len(queries) == 1
    assert [hours[t.pk] for t in trainees] == [
        Decimal("0.50"),
        Decimal("0.75"),
        Decimal("1.00"),
        Decimal("1.25"),
        Decimal("1.67"),
    ]
    assert hours[world["other_trainee"].pk] == Decimal("0.00")
    assert signed_practicum_hours(user_ids=[]) == {}


def test_the_trainee_sees_their_totals(client, world):
    signed = log(world["trainee"], minutes=90)
    log(world["trainee"], minutes=30)
    practicum_session_sign(supervisor=world["trainer"], session_id=signed.pk)
    client.force_login(world["trainee"])

    html = client.get(reverse("practicum_list")).content.decode()

    assert "1.5" in html or "1,5" in html
    assert "K-07" in html


def test_trainers_see_the_hours_of_the_trainees_they_teach(client, world):
    signed = log(world["trainee"], minutes=120)
    practicum_session_sign(supervisor=world["supervisor"], session_id=signed.pk)
    log(world["other_trainee"], minutes=600, client_code="OTHER-1")
    client.force_login(world["trainer"])

    html = client.get(reverse("practicum_review_list")).content.decode()

    assert world["trainee"].get_full_name() in html
    assert world["other_trainee"].get_full_name() not in html
    assert "OTHER-1" not in html


def test_the_header_links_trainees_to_their_log_and_trainers_to_sign_off(
    client, world, programme_admin
):
    log_link = f'href="{reverse("practicum_list")}"'
    review_link = f'href="{reverse("practicum_review_list")}"'

    def header(user, url_name):
        client.force_login(user)
        html = client.get(reverse(url_name)).content.decode()
        return html.split('class="site-nav"')[1].split("</nav>")[0]

    trainee = header(world["trainee"], "practicum_list")
    assert f'{log_link} aria-current="page"' in trainee
    assert review_link not in trainee
    elsewhere = header(world["trainee"], "dashboard")
    assert log_link in elsewhere
    assert f"{log_link} aria-current" not in elsewhere

    trainer = header(world["trainer"], "practicum_review_list")
    assert f'{review_link} aria-current="page"' in trainer
    assert log_link not in trainer

    admin = header(programme_admin, "practicum_list")
    assert log_link not in admin
    assert review_link not in admin


# --- access ----------------------------------------------------------------------


ACTORS = (
    "anonymous",
    "other_trainee",
    "other_trainer",
    "supervisor",
    "trainer",
    "owner",
)


def outcomes(client, world, request) -> dict[str, str]:
    results = {}
    for name in ACTORS:
        client.logout()
        user = {"anonymous": None, "owner": world["trainee"]}.get(name, world.get(name))
        if user is not None:
            client.force_login(user)
        response = request(client)
        if response.status_code == 302 and "/accounts/login/" in response["Location"]:
            results[name] = "login"
        else:
            results[name] = str(response.status_code)
    return results


def test_editing_a_session(client, world):
    session = log(world["trainee"])
    url = reverse("practicum_edit", args=[session.pk])
    assert outcomes(client, world, lambda c: c.get(url)) == {
        "anonymous": "login",
        "other_trainee": "404",
        "other_trainer": "404",
        "supervisor": "404",  # supervisors sign; only the trainee edits
        "trainer": "404",
        "owner": "200",
    }


def test_reviewing_a_session(client, world):
    session = log(world["trainee"])
    url = reverse("practicum_review", args=[session.pk])
    assert outcomes(client, world, lambda c: c.get(url)) == {
        "anonymous": "login",
        "other_trainee": "404",
        "other_trainer": "404",
        "supervisor": "200",
        "trainer": "200",
        "owner": "404",
    }


def test_signing_off_through_the_page(client, world):
    session = log(world["trainee"])
    url = reverse("practicum_review", args=[session.pk])
    assert outcomes(client, world, lambda c: c.post(url, {"action": "sign"})) == {
        "anonymous": "login",
        "other_trainee": "404",
        "other_trainer": "404",
        "supervisor": "302",
        "trainer": "302",  # already signed: nothing changes
        "owner": "404",
    }
    session.refresh_from_db()
    assert (session.status, session.supervisor) == ("signed", world["supervisor"])


def test_sending_back_needs_a_comment(client, world):
    session = log(world["trainee"])
    client.force_login(world["supervisor"])
    url = reverse("practicum_review", args=[session.pk])

    refused = client.post(url, {"action": "return", "comment": ""})
    sent = client.post(url, {"action": "return", "comment": "Add what you learnt."})

    assert refused.status_code == 200
    assert sent.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.comment) == ("returned", "Add what you learnt.")


def test_the_lists_show_only_your_own(client, world):
    log(world["trainee"], client_code="MINE-1")
    log(world["other_trainee"], client_code="THEIRS-1")
    client.force_login(world["other_trainee"])

    mine = client.get(reverse("practicum_list")).content.decode()
    review = client.get(reverse("practicum_review_list")).content.decode()

    assert "THEIRS-1" in mine
    assert "MINE-1" not in mine
    assert "MINE-1" not in review
    assert "THEIRS-1" not in review


def test_staff_without_two_factor_cannot_sign(client, world, make_user):
    trainer = make_user("trainer")
    client.force_login(trainer)
    response = client.get(reverse("practicum_review_list"))
    assert response.status_code == 302
    assert "/2fa/" in response["Location"]
