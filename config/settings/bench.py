"""Benchmarks (`make bench`): production-like settings on plain HTTP at 127.0.0.1.

DEBUG off, templates cached, real password hashing, the bench's own SQLite
database (or DATABASE_URL), and a bare view at /bench/bare for the ratios. The
verification page's rate limit (``CERTIFICATE_VERIFY_RATE_LIMIT``, 30 a minute
per address by default) is raised so the benchmark is never throttled; the
counting still happens.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DATABASE_URL", "sqlite:///var/bench.sqlite3")

from .base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The benchmark sends hundreds of verification requests a minute from one
# address; the limiter still counts each one (its cost is measured) but never
# refuses. Production keeps the default (certificates.conf).
CERTIFICATE_VERIFY_RATE_LIMIT = 1_000_000
