import pytest
from django.core.cache import cache
from django.utils import translation

from users.services import user_create

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # Messages raised by services are read in English by the tests; pages
    # still answer in the language of their URL (Swedish at /, English at
    # /en/, Arabic at /ar/), as LocaleMiddleware decides per request.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _isolated_cache():
    # Rate limits and Wagtail's caches must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(role: str = "trainee", **kwargs):
        counter["n"] += 1
        kwargs.setdefault("email", f"{role}{counter['n']}@example.org")
        kwargs.setdefault("legal_name", f"Test {role.title()} {counter['n']}")
        kwargs.setdefault("email_verified", True)
        return user_create(password=PASSWORD, role=role, **kwargs)

    return make


@pytest.fixture
def trainee(make_user):
    return make_user("trainee")


@pytest.fixture
def trainer(make_user):
    return make_user("trainer")


@pytest.fixture
def programme_admin(make_user):
    return make_user("admin")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Leave a reused test database as the migrations made it.

    Transactional tests (the browser tests) flush every table when they end,
    including the rows data migrations wrote (groups, the home page, the
    languages). Django restores them before the next such test, but not after
    the last one, so a database kept with --reuse-db would start the next run
    without them. Restore them once more at the end of the session.
    """
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
