"""The test suite: the embedded default, made fast and isolated.

Set ``DATABASE_URL``/``REDIS_URL`` to run the same suite on PostgreSQL and
Redis (CI does).
"""

import os
import tempfile

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="coach-test-media-")
# A worker process started by a test inherits these through the environment.
PRIVATE_MEDIA_ROOT = os.environ.get("PRIVATE_MEDIA_ROOT") or tempfile.mkdtemp(
    prefix="coach-test-private-"
)
CERTIFICATE_SIGNING_KEY_FILE = os.environ.get(
    "CERTIFICATE_SIGNING_KEY_FILE"
) or tempfile.mkdtemp(prefix="coach-test-keys-")
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests run tasks in-process unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: the browser tests' live
    # server then opens its own connections, as the real processes do.
    # TEST_DB_NAME lets several checkouts or agents test side by side.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("TEST_DB_NAME", str(VAR_DIR / "test-db.sqlite3"))  # noqa: F405
    }
