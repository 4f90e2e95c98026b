"""Demo data for ``make demo``: idempotent, built through the real services."""

from dataclasses import dataclass

from django.db import transaction

from users.models import User
from users.services import user_create

DEMO_PASSWORD = "coach-demo-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    legal_name: str
    language: str
    profile: dict


DEMO_ACCOUNTS = (
    DemoAccount(
        role="trainee",
        email="trainee@demo.coach-academy.example",
        legal_name="Amal Haddad Sjöberg",
        language="sv",
        profile={"gender": "woman", "birth_year": 1988, "municipality": "Ronneby"},
    ),
    DemoAccount(
        role="trainer",
        email="trainer@demo.coach-academy.example",
        legal_name="Jonas Åkesson",
        language="sv",
        profile={"gender": "man", "municipality": "Karlskrona"},
    ),
    DemoAccount(
        role="admin",
        email="admin@demo.coach-academy.example",
        legal_name="Maria Lindqvist",
        language="en",
        profile={"municipality": "Karlskrona"},
    ),
)
DEMO_TRAINEE_LANGUAGES = ("ar", "sv", "en", "ti")


@transaction.atomic
def demo_accounts_ensure() -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts that are missing; returns (account, created)."""
    results = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(email=account.email).exists():
            results.append((account, False))
            continue
        user = user_create(
            email=account.email,
            legal_name=account.legal_name,
            password=DEMO_PASSWORD,
            role=account.role,
            preferred_language=account.language,
            email_verified=True,
            **account.profile,
        )
        if account.role == "trainee":
            user.languages.set(DEMO_TRAINEE_LANGUAGES)
        results.append((account, True))
    return results
