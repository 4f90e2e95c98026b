"""``/healthz``: is every service this process depends on answering?"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

CACHE_PROBE_KEY = "healthz:probe"
BROKER_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    cache.set(CACHE_PROBE_KEY, "ok", timeout=10)
    if cache.get(CACHE_PROBE_KEY) != "ok":
        raise RuntimeError("cache did not return what was written")


def check_broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)


def checks() -> dict:
    found = {"database": check_database, "cache": check_cache}
    # An eager (in-process) Celery has no broker to ask.
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        found["broker"] = check_broker
    return found


@never_cache
@require_GET
def healthz(request):
    results = {}
    for name, check in checks().items():
        try:
            check()
        except Exception:  # any failure of a dependency means "not healthy"
            logger.exception("Health check %s failed", name)
            results[name] = "failing"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": results},
        status=200 if healthy else 503,
    )
