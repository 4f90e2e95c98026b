"""Counting requests per IP address in the shared cache (fixed one-minute windows)."""

import hashlib
import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def client_address(request) -> str:
    # REMOTE_ADDR is the proxy's address unless the proxy rewrites it (as the
    # deployment guide's reverse proxy does); X-Forwarded-For is not trusted.
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(request, *, scope: str, limit: int) -> bool:
    """Count this request; True when the address went over ``limit`` this minute."""
    window = int(time.time() // WINDOW_SECONDS)
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"certificates:rate:{scope}:{address}:{window}"
    if cache.add(key, 1, timeout=WINDOW_SECONDS * 2):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count > limit
