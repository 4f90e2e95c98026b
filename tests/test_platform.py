"""The product shell: health, security headers, settings, languages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from config import health
from config.context_processors import site_chrome

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_ok_when_everything_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


def test_healthz_names_the_failing_part(client, monkeypatch):
    def broken():
        raise ConnectionError("cache is down")

    monkeypatch.setattr(health, "check_cache", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "cache": "failing"},
    }


@override_settings(
    CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"
)
def test_healthz_checks_the_broker_when_one_is_configured(client, monkeypatch):
    def unreachable():
        raise ConnectionRefusedError

    monkeypatch.setattr(health, "check_broker", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failing"


def test_public_pages_send_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")

    policy = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self';" in policy + ";"
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize(
    ("path", "lang", "direction"),
    [
        ("/accounts/login/", "sv", "ltr"),
        ("/en/accounts/login/", "en", "ltr"),
        ("/ar/accounts/login/", "ar", "rtl"),
    ],
)
def test_html_carries_language_and_direction(client, path, lang, direction):
    response = client.get(path)

    assert f'<html lang="{lang}" dir="{direction}">' in response.content.decode()


def test_swedish_is_the_default_and_english_is_translated(client):
    swedish = client.get("/accounts/login/").content.decode()
    english = client.get("/en/accounts/login/").content.decode()

    assert "Logga in" in swedish
    assert "Sign in" in english
    assert "Hoppa till huvudinnehållet" in swedish


def test_the_header_reads_both_role_flags_with_one_query(
    rf, trainer, django_assert_num_queries
):
    request = rf.get("/")
    request.user = type(trainer).objects.get(pk=trainer.pk)  # nothing cached yet
    chrome = site_chrome(request)

    with django_assert_num_queries(1):
        assert chrome["is_trainer"]
        assert chrome["is_staff_member"]


def run_settings(settings_module: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings(
        "config.settings.production", {"ALLOWED_HOSTS": "coach.example"}
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key():
    result = run_settings(
        "config.settings.production",
        {"ALLOWED_HOSTS": "coach.example", "SECRET_KEY": "x" * 60},
    )

    assert result.returncode == 0, result.stderr
