"""Certificate settings, read when used so that tests can override them.

Every value has a default that works on a developer's machine; production sets
them through the environment (see the README's configuration table).
"""

import os
from pathlib import Path

from django.conf import settings

DEFAULT_KEY_DIR = "var/keys/"


def site_url() -> str:
    """The public origin (no trailing slash): QR codes, credential ids, did:web."""
    return settings.SITE_URL.rstrip("/")


def issuer_name() -> str:
    return getattr(settings, "CERTIFICATE_ISSUER_NAME", None) or getattr(
        settings, "WAGTAIL_SITE_NAME", "Coach Academy"
    )


def signing_key_location() -> Path:
    """A directory of ``<key id>.key`` files, or one file holding a secret key.

    Relative paths are relative to the project directory.
    """
    value = getattr(settings, "CERTIFICATE_SIGNING_KEY_FILE", None) or os.environ.get(
        "CERTIFICATE_SIGNING_KEY_FILE", DEFAULT_KEY_DIR
    )
    path = Path(value)
    if not path.is_absolute():
        path = Path(settings.BASE_DIR) / path
    return path


def signing_key_secrets() -> list[str]:
    """Secret Multikeys given directly (``CERTIFICATE_SIGNING_KEY``), if any.

    Several may be listed, separated by spaces or commas, while a rotation is
    being rolled out.
    """
    value = getattr(settings, "CERTIFICATE_SIGNING_KEY", None) or os.environ.get(
        "CERTIFICATE_SIGNING_KEY", ""
    )
    return [part for part in value.replace(",", " ").split() if part]


def verify_rate_limit() -> int:
    """Look-ups per minute and IP address on the public verification pages."""
    return int(getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", 30))


def api_rate_limit() -> int:
    """Requests per minute and IP address to ``POST /api/verify``."""
    return int(getattr(settings, "CERTIFICATE_API_RATE_LIMIT", 20))


def status_list_publish_delay() -> int:
    """Seconds a status-list re-signing waits so that revocations are batched."""
    return int(getattr(settings, "CERTIFICATE_STATUS_LIST_PUBLISH_DELAY", 30))
