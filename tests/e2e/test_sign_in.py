import re

import pytest

from courses.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_ensure
from tests.e2e.conftest import axe_violations, screenshot
from tests.mfa import totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ACCOUNTS = {account.role: account for account in DEMO_ACCOUNTS}


def sign_in(page, email: str) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def test_demo_trainee_lands_on_my_learning(page):
    demo_accounts_ensure()

    page.goto("/en/accounts/login/")
    assert axe_violations(page) == []
    sign_in(page, ACCOUNTS["trainee"].email)

    page.wait_for_url(re.compile(r"/my-learning/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
    assert axe_violations(page) == []
    screenshot(page, "trainee-dashboard")


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_demo_staff_set_up_mfa_and_reach_the_admin(page, role):
    demo_accounts_ensure()
    account = ACCOUNTS[role]

    # Staff land on /admin/, which first has them confirm their password and
    # set up an authenticator app.
    sign_in(page, account.email)
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button").last.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    assert axe_violations(page) == []
    screenshot(page, f"{role}-mfa-setup")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main form").get_by_role("button").last.click()
    page.wait_for_load_state()

    page.goto("/admin/")

    assert page.url.endswith("/admin/")
    assert page.locator("body.wagtail-admin, #wagtail").count() or "Wagtail" in (
        page.content()
    )
    assert axe_violations(page) == []
    screenshot(page, f"{role}-admin")


def test_arabic_layout_flips_right_to_left(page):
    page.goto("/ar/accounts/login/")

    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    # Logical CSS: the form starts at the right-hand edge in Arabic.
    label_box = page.locator("label[for=id_login]").bounding_box()
    input_box = page.locator("#id_login").bounding_box()
    assert label_box["x"] + label_box["width"] == pytest.approx(
        input_box["x"] + input_box["width"], abs=2
    )
    assert axe_violations(page) == []
    screenshot(page, "login-arabic")
