"""Equality-reporting categories; pure functions, shared by every report."""

import datetime

AGE_BANDS = ("under_25", "25_54", "55_plus", "not_stated")


def age_band(*, birth_year: int | None, on: datetime.date) -> str:
    """The funder's age band for someone born in ``birth_year``, as of ``on``.

    Only the year is known, so the age is the one reached during that year.
    """
    if birth_year is None:
        return "not_stated"
    age = on.year - birth_year
    if age < 25:
        return "under_25"
    if age <= 54:
        return "25_54"
    return "55_plus"
