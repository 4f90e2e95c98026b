"""The CSV files: each dashboard table, and one row per participant for the funder.

A table's CSV holds exactly what the dashboard shows, "<5" included. The
participant-level file is pseudonymous (see ``reports.pseudonym``) and holds
no names, e-mail addresses or free text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from reports.aggregate import Table, format_hours, gender_key, table_rows
from reports.pseudonym import pseudonym
from reports.selectors import (
    Facts,
    finished_courses,
    learning_minutes,
    steps_done,
)
from users.equality import age_band

# Excel reads a file as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"


def column_labels() -> dict[str, str]:
    return {
        "total": _("Total"),
        "gender:woman": _("Women"),
        "gender:man": _("Men"),
        "gender:other": _("Other gender"),
        "gender:not_stated": _("Gender not stated"),
        "age:under_25": _("Under 25"),
        "age:25_54": _("25 to 54"),
        "age:55_plus": _("55 and over"),
        "age:not_stated": _("Age not stated"),
    }


def table_header(table: Table) -> list[str]:
    labels = table.extra.get("column_labels")
    if labels is None:
        names = column_labels()
        labels = [names[key] for key in table.columns]
    return [table.title, *labels]


def table_csv_rows(table: Table) -> list[list[str]]:
    return [table_header(table), *table_rows(table)]


PARTICIPANT_COLUMNS = (
    "participant",
    "cohort",
    "membership_status",
    "participated",
    "gender",
    "age_band",
    "invited_on",
    "joined_on",
    "left_on",
    "completed_on",
    "steps_done",
    "finished_courses",
    "learning_hours",
    "practicum_hours",
    "certified",
    "placement_status",
    "placement_organisation_kind",
    "placement_start",
    "exit_outcome",
    "exit_date",
    "follow_up_outcome",
    "follow_up_date",
)


def _day(moment) -> str:
    if moment is None:
        return ""
    return moment.date().isoformat() if hasattr(moment, "date") else str(moment)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def participant_rows(facts: Facts) -> Iterator[list[str]]:
    """One row per cohort membership, in cohort and pseudonym order.

    Codes, not translated words, so the funder's scripts can read any file:
    genders, age bands, statuses and outcomes are the stored keys.
    """
    cohorts = {c["id"]: c for c in facts.cohorts}
    rows = []
    for m in facts.memberships:
        cohort = cohorts[m.cohort_id]
        courses = facts.courses.get(m.cohort_id, set())
        placements = facts.placements.get(m.user_id, [])
        latest = placements[0] if placements else None
        exit_row = facts.outcomes.get((m.user_id, m.cohort_id, "exit"))
        follow_up = facts.outcomes.get((m.user_id, m.cohort_id, "follow_up"))
        rows.append(
            [
                pseudonym(m.user_id),
                cohort["name"],
                m.status,
                _yes(m.participated),
                gender_key(m.gender),
                age_band(birth_year=m.birth_year, on=cohort["start_date"]),
                _day(m.invited_at),
                _day(m.joined_at),
                _day(m.left_at),
                _day(m.completed_at),
                str(steps_done(facts, m.user_id, courses)),
                _yes(m.participated and finished_courses(facts, m)),
                format_hours(Decimal(learning_minutes(facts, m.user_id, courses)) / 60),
                format_hours(facts.practicum.get(m.user_id, 0)),
                _yes(m.user_id in facts.certified),
                latest["status"] if latest else "",
                latest["organisation__kind"] if latest else "",
                latest["start_date"].isoformat() if latest else "",
                exit_row["kind"] if exit_row else "",
                exit_row["date"].isoformat() if exit_row else "",
                follow_up["kind"] if follow_up else "",
                follow_up["date"].isoformat() if follow_up else "",
            ]
        )
    rows.sort(key=lambda row: (row[1], row[0]))
    yield list(PARTICIPANT_COLUMNS)
    yield from rows


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow(row)


def csv_response(rows: Iterable[list[str]], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
