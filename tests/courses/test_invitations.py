import codecs
import hashlib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from config.celery import app as celery_app
from courses import invitations
from courses.invitation_csv import (
    MAX_BYTES,
    MAX_ROWS,
    InviteRow,
    RejectReason,
    invitation_rows_parse,
)
from courses.invitations import (
    InvitationInvalid,
    PreviewOutdated,
    SignInRequired,
    cohort_invite,
    invitation_accept,
    invitation_open,
    invitation_resend,
    invitation_send,
    invite_fingerprint,
    membership_withdraw,
)
from courses.models import CohortMembership, Invitation
from tests.courses.helpers import cohort_create, invite, tokens_sent_to
from tests.mfa import enable_totp
from users.models import User

Status = CohortMembership.Status
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def parse(text: str, encoding: str = "utf-8"):
    return invitation_rows_parse(data=text.encode(encoding))


def emails(parsed) -> list[str]:
    return [row.email for row in parsed.rows]


def reasons(parsed) -> list[tuple[int, RejectReason]]:
    return [(row.line, row.reason) for row in parsed.rejected]


# --- Parsing: pure, no database --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected_emails", "has_header"),
    [
        (
            "comma with header",
            b"email,name\nanna@example.org,Anna Berg\nbo@example.org,Bo Ek\n",
            ["anna@example.org", "bo@example.org"],
            True,
        ),
        (
            "no header",
            b"anna@example.org,Anna Berg\nbo@example.org,Bo Ek\n",
            ["anna@example.org", "bo@example.org"],
            False,
        ),
        (
            "semicolons and a Swedish header",
            "E-post;Namn\nasa@exämple.se;Åsa Öberg\n".encode(),
            ["asa@exämple.se"],
            True,
        ),
        (
            "name column first",
            b"namn;e-post\nAnna Berg;anna@example.org\n",
            ["anna@example.org"],
            True,
        ),
        (
            "name first without a header",
            b"Anna Berg,anna@example.org\n",
            ["anna@example.org"],
            False,
        ),
        (
            "tabs, as pasted from a spreadsheet",
            b"anna@example.org\tAnna Berg\r\nbo@example.org\tBo Ek\r\n",
            ["anna@example.org", "bo@example.org"],
            False,
        ),
        (
            "UTF-8 with a byte-order mark",
            codecs.BOM_UTF8 + "email;name\nasa@example.org;Åsa Öberg\n".encode(),
            ["asa@example.org"],
            True,
        ),
        (
            "Windows cp1252 from Excel",
            "email;name\nasa@example.org;Åsa Öberg\n".encode("cp1252"),
            ["asa@example.org"],
            True,
        ),
        (
            "quoted name with a comma",
            b'email,name\nanna@example.org,"Berg, Anna"\n',
            ["anna@example.org"],
            True,
        ),
        (
            "addresses are trimmed and lower-cased",
            b"  Anna@Example.ORG , Anna Berg \n",
            ["anna@example.org"],
            False,
        ),
    ],
)
def test_parser_reads_what_spreadsheets_write(name, data, expected_emails, has_header):
    parsed = invitation_rows_parse(data=data)

    assert parsed.ok, parsed.error
    assert emails(parsed) == expected_emails
    assert parsed.has_header is has_header
    assert parsed.rejected == ()


def test_parser_keeps_names_in_their_own_characters():
    utf8 = parse("email;name\nasa@example.org;Åsa Öberg\n")
    cp1252 = parse("email;name\nasa@example.org;Åsa Öberg\n", "cp1252")
    bom = invitation_rows_parse(
        data=codecs.BOM_UTF8 + "email,name\nasa@example.org,Åsa Öberg\n".encode()
    )

    assert {p.rows[0].name for p in (utf8, cp1252, bom)} == {"Åsa Öberg"}
    assert not bom.rows[0].email.startswith("\ufeff")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty", b"", "empty"),
        ("only blank lines", b"\n \n\n", "empty"),
        ("only a header", b"email,name\n", "header row but nobody"),
        ("header without a name column", b"email,phone\na@example.org,1\n", "header"),
        (
            "binary garbage",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "not a text file",
        ),
        ("a zip file", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 200, "text"),
        (
            "stray quotation mark",
            b'email,name\na@example.org,"Anna" Berg\nb@example.org,Bo\n',
            "Row 2 could not be read as CSV",
        ),
        ("unclosed quotation mark", b'email,name\na@example.org,"Anna\n', "CSV"),
    ],
)
def test_parser_refuses_a_file_it_cannot_use_as_a_whole(name, data, message):
    parsed = invitation_rows_parse(data=data)

    assert not parsed.ok
    assert message in parsed.error
    assert parsed.rows == ()
    assert parsed.rejected == ()


def test_a_10_mb_file_is_refused_before_it_is_read():
    data = b"email,name\n" + b"x" * (10 * 1024 * 1024)

    parsed = invitation_rows_parse(data=data)

    assert not parsed.ok
    assert "larger than 1 MB" in parsed.error
    assert parsed.rows == ()


def test_a_file_just_under_the_byte_limit_is_read():
    row = b"someone@example.org,Some One\n"
    data = b"email,name\n" + row * 40
    assert len(data) < MAX_BYTES

    assert invitation_rows_parse(data=data).ok


def test_5000_rows_are_refused_not_cut_short():
    lines = [f"person{n}@example.org,Person {n}" for n in range(5000)]

    parsed = parse("email,name\n" + "\n".join(lines))

    assert not parsed.ok
    assert f"more than {MAX_ROWS} rows" in parsed.error
    assert parsed.rows == ()


def test_exactly_the_row_limit_is_accepted():
    lines = [f"person{n}@example.org,Person {n}" for n in range(MAX_ROWS)]

    parsed = parse("email,name\n" + "\n".join(lines))

    assert parsed.ok
    assert len(parsed.rows) == MAX_ROWS


@pytest.mark.parametrize(
    "cell",
    [
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("http://evil.example","Click")',
        "+46701234567",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "  =1+1",
    ],
)
@pytest.mark.parametrize("column", ["email", "name"])
def test_formula_cells_are_refused_with_a_reason(cell, column):
    email, name = ("a@example.org", cell) if column == "name" else (cell, "Anna Berg")
    row = '"{}","{}"'.format(email.replace('"', '""'), name.replace('"', '""'))

    parsed = parse("email,name\n" + row + "\nok@example.org,Okay Person\n")

    assert reasons(parsed) == [(2, RejectReason.FORMULA)]
    assert emails(parsed) == ["ok@example.org"]


def test_each_bad_row_says_why_and_keeps_its_spreadsheet_row_number():
    text = "\n".join(
        [
            "email,name",  # 1
            "anna@example.org,Anna Berg",  # 2
            "not-an-address,Bo Ek",  # 3
            "",  # 4: blank lines are skipped but still counted
            ",Cilla Dahl",  # 5
            "dan@example.org,",  # 6
            "ANNA@example.org,Anna Again",  # 7
            "eva@example.org," + "E" * 201,  # 8
            "fia@example.org," + "F" * 200,  # 9
            "gus@exa mple.org,Gus",  # 10
        ]
    )

    parsed = parse(text)

    assert parsed.ok
    assert emails(parsed) == ["anna@example.org", "fia@example.org"]
    assert reasons(parsed) == [
        (3, RejectReason.BAD_EMAIL),
        (5, RejectReason.MISSING_EMAIL),
        (6, RejectReason.MISSING_NAME),
        (7, RejectReason.DUPLICATE),
        (8, RejectReason.NAME_TOO_LONG),
        (10, RejectReason.BAD_EMAIL),
    ]
    assert parsed.rejected[0].message == "Not a valid e-mail address"


# --- Inviting: rows checked against the cohort, all or nothing --------------------


@pytest.fixture
def cohort(db):
    return cohort_create(capacity=3)


def rows(*people) -> list[InviteRow]:
    return [
        InviteRow(line=n, email=email, name=name)
        for n, (email, name) in enumerate(people, start=2)
    ]


@pytest.mark.django_db
def test_invite_creates_accounts_memberships_and_hashed_invitations(
    cohort, programme_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = cohort_invite(
            cohort=cohort,
            rows=rows(("anna@example.org", "Anna Berg"), ("bo@example.org", "Bo Ek")),
            invited_by=programme_admin,
        )

    assert result.invited_count == 2
    anna = User.objects.get(email="anna@example.org")
    assert anna.legal_name == "Anna Berg"
    assert anna.preferred_language == "sv"
    assert not anna.has_usable_password()
    assert not EmailAddress.objects.get(user=anna).verified
    membership = CohortMembership.objects.get(user=anna, cohort=cohort)
    assert membership.status == Status.INVITED
    invitation = Invitation.objects.get(membership=membership)
    assert invitation.invited_by == programme_admin
    assert invitation.sent_at is not None
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    # Only the hash of the token in the e-mail is stored.
    [token] = tokens_sent_to("anna@example.org")
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash


@pytest.mark.django_db
def test_already_members_are_refused_and_withdrawn_people_can_come_back(
    cohort, programme_admin, make_user
):
    active = make_user("trainee")
    withdrawn = make_user("trainee")
    invite(cohort=cohort, people=[(active.email, "A")], by=programme_admin)
    invite(cohort=cohort, people=[(withdrawn.email, "W")], by=programme_admin)
    membership_withdraw(
        membership=CohortMembership.objects.get(user=withdrawn), by=programme_admin
    )

    result = cohort_invite(
        cohort=cohort,
        rows=rows((active.email, "A"), (withdrawn.email, "W")),
        invited_by=programme_admin,
    )

    assert [r.email for r in result.invited] == [withdrawn.email]
    assert [(r.email, r.reason) for r in result.rejected] == [
        (active.email, RejectReason.ALREADY_MEMBER)
    ]
    assert CohortMembership.objects.get(user=withdrawn).status == Status.INVITED


@pytest.mark.django_db
def test_places_run_out_in_file_order(cohort, programme_admin):
    invite(cohort=cohort, people=[("first@example.org", "First")], by=programme_admin)

    result = cohort_invite(
        cohort=cohort,
        rows=rows(
            ("b@example.org", "B"),
            ("c@example.org", "C"),
            ("d@example.org", "D"),
            ("e@example.org", "E"),
        ),
        invited_by=programme_admin,
    )

    assert [r.email for r in result.invited] == ["b@example.org", "c@example.org"]
    assert [(r.line, r.reason) for r in result.rejected] == [
        (4, RejectReason.OVER_CAPACITY),
        (5, RejectReason.OVER_CAPACITY),
    ]
    assert cohort.memberships.filter(status=Status.INVITED).count() == 3


@pytest.mark.django_db
def test_nothing_is_half_imported_when_a_row_fails(
    cohort, programme_admin, monkeypatch, django_capture_on_commit_callbacks
):
    real_user_create = invitations.user_create
    calls = {"n": 0}

    def failing_second_time(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the database went away")
        return real_user_create(**kwargs)

    monkeypatch.setattr(invitations, "user_create", failing_second_time)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        cohort_invite(
            cohort=cohort,
            rows=rows(("a@example.org", "A"), ("b@example.org", "B")),
            invited_by=programme_admin,
        )

    assert not User.objects.filter(email__in=["a@example.org", "b@example.org"])
    assert not CohortMembership.objects.exists()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_outdated_preview_invites_nobody(cohort, programme_admin):
    preview = rows(("a@example.org", "A"), ("b@example.org", "B"))
    fingerprint = invite_fingerprint(preview)
    # Someone else takes two of the three places meanwhile.
    invite(
        cohort=cohort,
        people=[("x@example.org", "X"), ("y@example.org", "Y")],
        by=programme_admin,
    )

    with pytest.raises(PreviewOutdated):
        cohort_invite(
            cohort=cohort,
            rows=preview,
            invited_by=programme_admin,
            expected_fingerprint=fingerprint,
        )

    assert not User.objects.filter(email__in=["a@example.org", "b@example.org"])


def test_invitation_e_mails_go_to_the_email_queue():
    route = celery_app.amqp.router.route({}, "courses.tasks.invitation_send_email")

    assert route["queue"].name == "email"


@pytest.mark.django_db
def test_sending_is_idempotent_and_in_the_persons_language(
    cohort, programme_admin, make_user
):
    english = make_user("trainee", preferred_language="en")
    [token] = invite(cohort=cohort, people=[(english.email, "E")], by=programme_admin)
    invitation = Invitation.objects.get(membership__user=english)

    assert invitation_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert f"/en/invitation/{token}/" in message.body
    assert message.subject == f"You are invited to {cohort.name} at Coach Academy"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f"/en/invitation/{token}/" in html
    assert 'lang="en"' in html


@pytest.mark.django_db
def test_a_new_trainees_e_mail_links_to_the_swedish_page(cohort, programme_admin):
    [token] = invite(
        cohort=cohort, people=[("ny@example.org", "Ny")], by=programme_admin
    )

    body = mail.outbox[0].body

    assert f"{settings.SITE_URL}/invitation/{token}/" in body


# --- Accepting the invitation ----------------------------------------------------


def accept_url(token: str) -> str:
    # Swedish, the default language, has no prefix; "/en" + this is English.
    return f"/invitation/{token}/"


@pytest.mark.django_db
def test_invitee_sets_a_password_verifies_the_address_and_is_signed_in(
    client, cohort, programme_admin
):
    [token] = invite(
        cohort=cohort, people=[("anna@example.org", "Anna Berg")], by=programme_admin
    )

    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert cohort.name in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    assert 'autocomplete="new-password"' in page.content.decode()

    response = client.post(
        accept_url(token), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    anna = User.objects.get(email="anna@example.org")
    assert response.status_code == 302
    assert response.url == "/my-learning/"
    assert get_user(client) == anna
    assert anna.check_password(NEW_PASSWORD)
    address = EmailAddress.objects.get(user=anna)
    assert address.verified
    assert address.primary
    membership = CohortMembership.objects.get(user=anna)
    assert membership.status == Status.ACTIVE
    assert membership.joined_at is not None
    assert Invitation.objects.get(membership=membership).accepted_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("password", "password", "too common"),
        ("short-1", "short-1", "too short"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "not the same"),
        ("", "", "required"),
    ],
)
def test_a_bad_password_is_refused_on_the_form(
    client, cohort, programme_admin, first, second, message
):
    [token] = invite(
        cohort=cohort, people=[("anna@example.org", "Anna")], by=programme_admin
    )

    response = client.post(
        "/en" + accept_url(token), {"password1": first, "password2": second}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user(client).is_authenticated
    assert CohortMembership.objects.get().status == Status.INVITED
    assert invitation_open(token=token) is not None


@pytest.mark.django_db
def test_an_invitation_link_works_once(client, cohort, programme_admin):
    [token] = invite(
        cohort=cohort, people=[("anna@example.org", "Anna")], by=programme_admin
    )
    client.post(
        accept_url(token), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    client.logout()

    again = client.get("/en" + accept_url(token))
    post_again = client.post(
        "/en" + accept_url(token),
        {"password1": "other-pass-987!", "password2": "other-pass-987!"},
    )

    for response in (again, post_again):
        assert response.status_code == 404
        assert "This invitation link is no longer valid." in response.content.decode()
    assert User.objects.get(email="anna@example.org").check_password(NEW_PASSWORD)
    with pytest.raises(InvitationInvalid):
        invitation_accept(token=token, password="other-pass-987!")


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["unknown-token-0123456789abcdef", "x"])
def test_unknown_links_get_the_same_page_as_used_ones(client, token):
    response = client.get("/en" + accept_url(token))

    assert response.status_code == 404
    assert "Ask your programme administrator to send a new one." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_an_expired_link_is_refused(client, cohort, programme_admin):
    [token] = invite(
        cohort=cohort, people=[("anna@example.org", "Anna")], by=programme_admin
    )
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(
        "/en" + accept_url(token),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 404
    assert "no longer valid" in response.content.decode()
    assert CohortMembership.objects.get().status == Status.INVITED


@pytest.mark.django_db
def test_resending_replaces_the_old_link(
    client, cohort, programme_admin, django_capture_on_commit_callbacks
):
    [old] = invite(
        cohort=cohort, people=[("anna@example.org", "Anna")], by=programme_admin
    )
    membership = CohortMembership.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(membership=membership, by=programme_admin)
    new = tokens_sent_to("anna@example.org")[-1]

    assert new != old
    assert invitation_open(token=old) is None
    assert client.get(accept_url(old)).status_code == 404
    response = client.post(
        accept_url(new), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert CohortMembership.objects.get().status == Status.ACTIVE


@pytest.mark.django_db
def test_a_withdrawn_persons_link_stops_working(client, cohort, programme_admin):
    [token] = invite(
        cohort=cohort, people=[("anna@example.org", "Anna")], by=programme_admin
    )

    membership_withdraw(membership=CohortMembership.objects.get(), by=programme_admin)

    assert client.get(accept_url(token)).status_code == 404


@pytest.mark.django_db
def test_someone_with_an_account_accepts_signed_in_as_themselves(
    client, cohort, programme_admin, make_user, password
):
    person = make_user("trainee", preferred_language="en")
    [token] = invite(cohort=cohort, people=[(person.email, "P")], by=programme_admin)
    url = "/en" + accept_url(token)

    anonymous = client.get(url).content.decode()
    assert "Sign in to accept" in anonymous
    assert 'name="password1"' not in anonymous
    client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert CohortMembership.objects.get(user=person).status == Status.INVITED

    client.force_login(make_user("trainee"))
    assert "signed in with a different account" in client.get(url).content.decode()
    client.post(url)
    assert CohortMembership.objects.get(user=person).status == Status.INVITED

    client.force_login(person)
    response = client.post(url)

    assert response.status_code == 302
    assert response.url == "/en/my-learning/"
    assert CohortMembership.objects.get(user=person).status == Status.ACTIVE
    person.refresh_from_db()
    assert person.check_password(password)  # their password is untouched


@pytest.mark.django_db
def test_a_password_cannot_take_over_an_existing_account(
    cohort, programme_admin, make_user, password
):
    person = make_user("trainee")
    [token] = invite(cohort=cohort, people=[(person.email, "P")], by=programme_admin)

    with pytest.raises(SignInRequired):
        invitation_accept(token=token, password=NEW_PASSWORD)
    with pytest.raises(SignInRequired):
        invitation_accept(token=token, user=make_user("trainee"))

    person.refresh_from_db()
    assert person.check_password(password)
    assert CohortMembership.objects.get(user=person).status == Status.INVITED


@pytest.mark.django_db
def test_accepting_is_rate_limited(client, cohort, programme_admin):
    [token] = invite(
        cohort=cohort, people=[("anna@example.org", "Anna")], by=programme_admin
    )
    bad = {"password1": "a", "password2": "b"}

    statuses = [client.post(accept_url(token), bad).status_code for _ in range(11)]

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    good = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(accept_url(token), good).status_code == 429
    assert CohortMembership.objects.get().status == Status.INVITED


# --- End to end through the admin ------------------------------------------------


@pytest.fixture
def admin_client(client, programme_admin):
    enable_totp(programme_admin)
    # The admin in English, so the tests read the English source strings.
    profile = UserProfile.get_for_user(programme_admin)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(programme_admin)
    return client


def invite_url(cohort) -> str:
    return reverse("cohorts:invite", args=[cohort.pk])


@pytest.mark.django_db
def test_administrator_previews_then_confirms_and_the_e_mails_work(
    admin_client, client, cohort, django_capture_on_commit_callbacks
):
    text = (
        "E-post;Namn\n"
        "anna@example.org;Anna Berg\n"
        "bo@example.org;Bo Ek\n"
        "=cmd|' /C calc'!A0;Mallory\n"
        "anna@example.org;Anna Again\n"
        "carl@example.org;Carl\n"
        "dora@example.org;Dora\n"
    )

    assert admin_client.get(invite_url(cohort)).status_code == 200
    preview = admin_client.post(
        invite_url(cohort), {"action": "preview", "csv_text": text}
    )

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "3 people will be invited" in page
    assert "3 rows will not be imported" in page
    assert "a spreadsheet formula" in page
    assert "The same e-mail address is on an earlier row" in page
    assert "The cohort is full" in page
    assert not CohortMembership.objects.exists()  # a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            invite_url(cohort),
            {
                "action": "confirm",
                "csv_text": preview.context["parsed"].text,
                "fingerprint": preview.context["fingerprint"],
            },
        )

    assert done.status_code == 200
    assert "3 people were invited" in done.content.decode()
    assert sorted(m.user.email for m in cohort.memberships.all()) == [
        "anna@example.org",
        "bo@example.org",
        "carl@example.org",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@example.org",
        "bo@example.org",
        "carl@example.org",
    ]

    # The link in the e-mail works for the person who receives it.
    client.logout()
    [token] = tokens_sent_to("bo@example.org")
    response = client.post(
        accept_url(token), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert get_user(client).email == "bo@example.org"


@pytest.mark.django_db
def test_confirming_a_stale_preview_shows_the_new_verdict(
    admin_client, cohort, programme_admin
):
    text = "a@example.org,A\nb@example.org,B\n"
    preview = admin_client.post(
        invite_url(cohort), {"action": "preview", "csv_text": text}
    )
    invite(
        cohort=cohort,
        people=[("x@example.org", "X"), ("y@example.org", "Y")],
        by=programme_admin,
    )

    response = admin_client.post(
        invite_url(cohort),
        {
            "action": "confirm",
            "csv_text": text,
            "fingerprint": preview.context["fingerprint"],
        },
    )

    assert response.status_code == 200
    assert "nobody was invited" in response.content.decode()
    assert cohort.memberships.count() == 2


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"email,name\n" + b"x" * (10 * 1024 * 1024), "larger than 1 MB"),
        (
            b"email,name\n"
            + b"".join(b"p%d@example.org,P %d\n" % (n, n) for n in range(5000)),
            "more than 1000 rows",
        ),
        (bytes(range(256)) * 40, "not a text file"),
        (b'email,name\na@example.org,"Anna" Berg\n', "could not be read as CSV"),
        (b"", "The submitted file is empty."),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(
    admin_client, cohort, data, message
):
    response = admin_client.post(
        invite_url(cohort), {"action": "preview", "csv_file": upload("list.csv", data)}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CohortMembership.objects.exists()
    assert User.objects.count() == 1  # the administrator


@pytest.mark.django_db
def test_an_uploaded_file_is_previewed_like_pasted_text(admin_client, cohort):
    data = "email;name\nasa@example.org;Åsa Öberg\n".encode("cp1252")

    response = admin_client.post(
        invite_url(cohort), {"action": "preview", "csv_file": upload("list.csv", data)}
    )

    assert "1 person will be invited" in response.content.decode()
    assert "Åsa Öberg" in response.content.decode()
    assert response.context["parsed"].text.startswith("email;name")


@pytest.mark.django_db
def test_an_empty_form_asks_for_a_list(admin_client, cohort):
    response = admin_client.post(invite_url(cohort), {"action": "preview"})

    assert "Paste the list or choose a file to upload." in response.content.decode()


@pytest.mark.django_db
def test_pasting_and_uploading_at_once_is_refused(admin_client, cohort):
    response = admin_client.post(
        invite_url(cohort),
        {
            "action": "preview",
            "csv_text": "a@example.org,A",
            "csv_file": upload("list.csv", b"b@example.org,B"),
        },
    )

    assert "not both" in response.content.decode()


@pytest.mark.django_db
def test_administrator_resends_and_withdraws_from_the_member_list(
    admin_client, cohort, programme_admin, django_capture_on_commit_callbacks
):
    [old] = invite(
        cohort=cohort, people=[("anna@example.org", "Anna")], by=programme_admin
    )
    membership = CohortMembership.objects.get()
    members = reverse("cohorts:members", args=[cohort.pk])
    assert "anna@example.org" in admin_client.get(members).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("cohorts:resend", args=[cohort.pk, membership.pk])
        )
    assert response.status_code == 302
    assert invitation_open(token=old) is None
    assert invitation_open(token=tokens_sent_to("anna@example.org")[-1]) is not None

    withdraw = reverse("cohorts:withdraw", args=[cohort.pk, membership.pk])
    assert "Withdraw Anna" in admin_client.get(withdraw).content.decode()
    admin_client.post(withdraw)

    membership.refresh_from_db()
    assert membership.status == Status.WITHDRAWN
    assert membership.left_at is not None
