"""XML Schema ``dateTimeStamp`` strings, the form VC 2.0 and Data Integrity use."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DATETIME_STAMP_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})"
)


def to_xsd_datetime(value: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC.

    Fractions of a second are dropped. Raises ValueError for a naive datetime.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_xsd_datetime_stamp(value: object) -> bool:
    """Whether ``value`` is a valid ``dateTimeStamp`` (a time zone is required)."""
    if not isinstance(value, str) or not _DATETIME_STAMP_RE.fullmatch(value):
        return False
    # fromisoformat takes at most six fractional digits; the rest only refine.
    head, _, tail = value.partition(".")
    if tail:
        digits = re.match(r"\d+", tail).group()
        value = f"{head}.{digits[:6].ljust(6, '0')}{tail[len(digits) :]}"
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def require_xsd_datetime_stamp(value: str, *, field: str) -> str:
    """Return ``value`` if it is a ``dateTimeStamp``; raise ValueError if not."""
    if not is_xsd_datetime_stamp(value):
        raise ValueError(
            f"{field} must be an XML Schema dateTimeStamp such as "
            f"2025-01-31T12:00:00Z, got {value!r}"
        )
    return value
