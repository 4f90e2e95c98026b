import pytest
from django.urls import reverse

from users.models import User

pytestmark = pytest.mark.django_db


def test_profile_needs_sign_in(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response.url.split("?")[0].endswith("/accounts/login/")


def test_equality_questions_are_optional(client, trainee):
    client.force_login(trainee)

    response = client.post(
        reverse("profile"),
        {"legal_name": "Amal Haddad", "preferred_language": "sv", "gender": ""},
    )

    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.legal_name == "Amal Haddad"
    assert trainee.gender == ""
    assert trainee.birth_year is None


def test_profile_saves_languages_and_switches_language(client, trainee):
    client.force_login(trainee)

    response = client.post(
        reverse("profile"),
        {
            "legal_name": trainee.legal_name,
            "preferred_language": "en",
            "gender": "woman",
            "birth_year": "1990",
            "languages": ["ar", "ti"],
        },
    )

    assert response.url == "/en/profile/"
    trainee.refresh_from_db()
    assert trainee.preferred_language == "en"
    assert sorted(trainee.languages.values_list("code", flat=True)) == ["ar", "ti"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"legal_name": ""}, "legal_name"),
        ({"birth_year": "1850"}, "birth_year"),
        ({"birth_year": "3000"}, "birth_year"),
        ({"birth_year": "nineteen"}, "birth_year"),
        ({"gender": "robot"}, "gender"),
        ({"languages": ["xx"]}, "languages"),
        ({"legal_name": "x" * 201}, "legal_name"),
        ({"preferred_language": "de"}, "preferred_language"),
    ],
)
def test_bad_profile_input_is_explained_and_nothing_is_saved(
    client, trainee, data, field
):
    client.force_login(trainee)
    before = User.objects.values().get(pk=trainee.pk)

    response = client.post(
        reverse("profile"),
        {"legal_name": "Changed Name", "preferred_language": "sv", **data},
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.values().get(pk=trainee.pk) == before


def test_profile_cannot_change_email_or_role(client, trainee):
    client.force_login(trainee)

    client.post(
        reverse("profile"),
        {
            "legal_name": "Amal",
            "preferred_language": "sv",
            "email": "evil@example.org",
            "is_superuser": "on",
        },
    )

    trainee.refresh_from_db()
    assert trainee.email != "evil@example.org"
    assert not trainee.is_superuser


def test_the_admin_speaks_the_preferred_language(client, programme_admin):
    from tests.mfa import enable_totp

    enable_totp(programme_admin)
    client.force_login(programme_admin)
    assert 'lang="sv"' in client.get("/admin/").content.decode()

    client.post(
        reverse("profile"),
        {"legal_name": programme_admin.legal_name, "preferred_language": "en"},
    )

    assert 'lang="en"' in client.get("/admin/").content.decode()
