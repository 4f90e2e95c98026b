import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.mfa import enable_totp, totp_code
from users.models import User

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def login(client, email, password):
    # The English URL, so assertions can read the English messages.
    return client.post(f"/en{LOGIN_URL}", {"login": email, "password": password})


def test_login_with_wrong_password_is_refused_with_a_message(client, trainee):
    response = login(client, trainee.email, "not-the-password")

    assert response.status_code == 200
    assert not get_user(client).is_authenticated
    assert "The email address and/or password you specified are not correct" in (
        response.content.decode()
    )


def test_trainee_signs_in_and_lands_on_my_learning(client, trainee, password):
    response = login(client, trainee.email, password)

    assert response.status_code == 302
    assert response.url == "/my-learning/"
    assert get_user(client) == trainee


def test_login_lands_in_the_persons_preferred_language(client, make_user, password):
    person = make_user("trainee", preferred_language="en")

    response = login(client, person.email, password)

    assert response.url == "/en/my-learning/"


def test_repeated_failed_logins_are_rate_limited(client, trainee, password):
    for _ in range(5):
        login(client, trainee.email, "wrong-password-1")

    # The right password no longer gets in while the limit holds.
    response = login(client, trainee.email, password)

    assert not get_user(client).is_authenticated
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()


def test_unverified_email_cannot_sign_in(client, make_user, password):
    person = make_user("trainee", email_verified=False)

    response = login(client, person.email, password)

    assert not get_user(client).is_authenticated
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1


def test_open_signup_is_closed_by_default(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": "x" * 12, "password2": "x" * 12},
    )

    assert not User.objects.filter(email="new@example.org").exists()
    assert response.status_code == 200
    assert "signup_closed" in response.templates[0].name or b"closed" in (
        response.content.lower()
    )


def test_password_reset_sends_an_email_and_never_says_who_exists(client, trainee):
    for email in (trainee.email, "nobody@example.org"):
        response = client.post("/accounts/password/reset/", {"email": email})
        assert response.status_code == 302

    assert [m.to for m in mail.outbox] == [[trainee.email], ["nobody@example.org"]]


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_staff_without_mfa_are_sent_to_set_it_up(client, make_user, role):
    staff = make_user(role)
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_staff_with_mfa_reach_the_admin(client, make_user, role):
    staff = make_user(role)
    enable_totp(staff)
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_staff_sign_in_asks_for_the_second_factor(client, trainer, password):
    secret = enable_totp(trainer)

    response = login(client, trainer.email, password)
    assert response.url == reverse("mfa_authenticate")
    assert not get_user(client).is_authenticated

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert get_user(client) == trainer
    assert response.url == "/admin/"


def test_trainee_is_kept_out_of_the_admin(client, trainee):
    client.force_login(trainee)

    response = client.get("/admin/", follow=True)

    assert response.request["PATH_INFO"] == "/my-learning/"
    assert "Du har inte tillgång till administrationen" in response.content.decode()


def test_wagtail_login_form_is_replaced_by_allauth(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_people_can_see_their_sessions(client, trainee, password):
    login(client, trainee.email, password)

    response = client.get(reverse("usersessions_list"))

    assert response.status_code == 200


def test_user_create_command_makes_a_verified_trainer(capsys):
    call_command(
        "user_create",
        "--email=Sara@Example.org",
        "--legal-name=Sara Nilsson",
        "--role=trainer",
        "--verified",
    )

    user = User.objects.get(email="sara@example.org")
    assert list(user.groups.values_list("name", flat=True)) == ["Trainers"]
    assert EmailAddress.objects.get(user=user).verified
    assert "Password:" in capsys.readouterr().out
