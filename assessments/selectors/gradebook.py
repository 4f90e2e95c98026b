"""The gradebook: a cohort's trainees against its assessments.

Reads the results ledger with ``values()`` (never a model instance per cell)
in a fixed number of queries, whatever the number of trainees and
assessments.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from assessments.models import AssessmentResult
from courses.models import Cohort, CohortMembership, CoursePage
from courses.steps import STEP_DEPTH, course_path, step_models

ASSESSMENT_KINDS = ("quiz", "assignment")
# Trainees who appear in the gradebook (not the invited nor the withdrawn).
GRADEBOOK_STATUSES = (
    CohortMembership.Status.ACTIVE,
    CohortMembership.Status.COMPLETED,
)
CELL_FIELDS = (
    "id",
    "user_id",
    "assessment_id",
    "score",
    "max_score",
    "percent",
    "passed",
    "late",
    "awaiting_review",
)
SORTS = ("name", "email", "hours")


@dataclass(frozen=True)
class GradebookColumn:
    id: int  # the original page of the assessment
    title: str
    kind: str  # "quiz", "assignment"
    course_title: str

    @property
    def sort_key(self) -> str:
        return f"a{self.id}"


@dataclass
class GradebookRow:
    user_id: int
    name: str
    email: str
    cells: list[dict | None]  # results values rows, in column order
    practicum_hours: Decimal | None = None

    @property
    def passed_count(self) -> int:
        return sum(1 for cell in self.cells if cell and cell["passed"])


@dataclass
class Gradebook:
    cohort: Cohort
    columns: list[GradebookColumn]
    rows: list[GradebookRow]
    has_practicum: bool
    sort: str = "name"
    descending: bool = False
    course_spans: list[tuple[str, int]] = field(default_factory=list)


def _assessment_content_types() -> dict[int, str]:
    models = [m for m in step_models() if m.step_kind in ASSESSMENT_KINDS]
    if not models:
        return {}
    content_types = ContentType.objects.get_for_models(*models)
    return {ct.pk: model.step_kind for model, ct in content_types.items()}


def gradebook_columns(*, cohort: Cohort) -> list[GradebookColumn]:
    """The assessments of the cohort's courses, in course and page-tree order.

    One column per translation group (its original page), titled in the
    reader's language where a translation exists. Four queries.
    """
    kinds = _assessment_content_types()
    course_keys = cohort.courses.values("translation_key")
    courses = list(
        CoursePage.objects.filter(translation_key__in=course_keys).values(
            "id", "path", "title", "translation_key", "locale_id"
        )
    )
    if not courses or not kinds:
        return []
    language = translation.get_language() or ""
    locale_id = (
        Locale.objects.filter(language_code=language)
        .values_list("id", flat=True)
        .first()
    )
    in_courses = Q()
    for course in courses:
        in_courses |= Q(path__startswith=course["path"])
    steps = list(
        Page.objects.live()
        .filter(in_courses, depth=STEP_DEPTH, content_type_id__in=list(kinds))
        .values(
            "id", "title", "path", "translation_key", "content_type_id", "locale_id"
        )
        .order_by("id")
    )
    course_by_path = {c["path"]: c for c in courses}
    original_course = {}  # translation key -> the original course row
    for course in sorted(courses, key=lambda c: c["id"]):
        original_course.setdefault(course["translation_key"], course)

    groups: dict = {}
    for step in steps:  # by id: the first of each group is the original
        groups.setdefault(step["translation_key"], []).append(step)
    columns = []
    for pages in groups.values():
        original = pages[0]
        shown = next((p for p in pages if p["locale_id"] == locale_id), original)
        course = course_by_path[course_path(original["path"])]
        course_here = next(
            (
                c
                for c in courses
                if c["translation_key"] == course["translation_key"]
                and c["locale_id"] == locale_id
            ),
            course,
        )
        first_course = original_course[course["translation_key"]]
        columns.append(
            (
                (first_course["path"], original["path"]),
                GradebookColumn(
                    id=original["id"],
                    title=shown["title"],
                    kind=kinds[original["content_type_id"]],
                    course_title=course_here["title"],
                ),
            )
        )
    return [column for _, column in sorted(columns, key=lambda c: c[0])]


def _practicum_hours(user_ids: list[int]) -> dict[int, Decimal] | None:
    try:
        from assessments.selectors.practicum import signed_practicum_hours
    except ImportError:  # the practicum log is not part of this build yet
        return None
    return signed_practicum_hours(user_ids=user_ids)


def _percent_key(index: int, *, descending: bool):
    # Rows without a percent stay last whichever way the column is sorted.
    sign = -1 if descending else 1

    def key(row: GradebookRow):
        cell = row.cells[index]
        percent = cell["percent"] if cell else None
        return (percent is None, sign * (percent or 0), row.name.casefold())

    return key


def _sorted(rows, *, sort: str, descending: bool, columns) -> list[GradebookRow]:
    if sort.startswith("a") and sort[1:].isdigit():
        index = next((i for i, c in enumerate(columns) if c.id == int(sort[1:])), None)
        if index is not None:
            return sorted(rows, key=_percent_key(index, descending=descending))
    return sorted(rows, key=_sort_key(sort), reverse=descending)


def _sort_key(sort: str):
    if sort == "hours":
        return lambda row: (row.practicum_hours or Decimal(0), row.name.casefold())
    if sort == "email":
        return lambda row: row.email.casefold()
    return lambda row: (row.name.casefold(), row.email.casefold())


def gradebook(*, cohort: Cohort, sort: str = "name", descending: bool = False):
    """The whole gradebook of ``cohort``: columns, one row per trainee.

    ``sort`` is ``name``, ``email``, ``hours`` or ``a<page id>`` (by that
    assessment's percent, empty cells last). A fixed number of queries.
    """
    columns = gradebook_columns(cohort=cohort)
    members = CohortMembership.objects.filter(
        cohort=cohort, status__in=GRADEBOOK_STATUSES
    )
    people = list(
        members.values_list(
            "user_id", "user__legal_name", "user__preferred_name", "user__email"
        )
    )
    index = {column.id: i for i, column in enumerate(columns)}
    rows = {
        user_id: GradebookRow(
            user_id=user_id,
            name=preferred or legal,
            email=email,
            cells=[None] * len(columns),
        )
        for user_id, legal, preferred, email in people
    }
    if columns and rows:
        results = AssessmentResult.objects.filter(
            user_id__in=members.values("user_id"), assessment_id__in=list(index)
        ).values(*CELL_FIELDS)
        for cell in results:
            rows[cell["user_id"]].cells[index[cell["assessment_id"]]] = cell
    hours = _practicum_hours(list(rows))
    if hours is not None:
        for user_id, row in rows.items():
            row.practicum_hours = hours.get(user_id, Decimal(0))
    if sort not in SORTS and not (sort.startswith("a") and sort[1:].isdigit()):
        sort = "name"
    ordered = _sorted(rows.values(), sort=sort, descending=descending, columns=columns)
    spans: list[tuple[str, int]] = []
    for column in columns:
        if spans and spans[-1][0] == column.course_title:
            spans[-1] = (column.course_title, spans[-1][1] + 1)
        else:
            spans.append((column.course_title, 1))
    return Gradebook(
        cohort=cohort,
        columns=columns,
        rows=ordered,
        has_practicum=hours is not None,
        sort=sort,
        descending=descending,
        course_spans=spans,
    )


# --- CSV -----------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value: object) -> str:
    """``value`` as CSV text that no spreadsheet will run as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def gradebook_csv(book: Gradebook) -> str:
    """The gradebook as CSV text: per assessment its percent, score, passed,
    late and awaiting review, then the signed practicum hours."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = [_("Name"), _("E-mail")]
    for column in book.columns:
        title = f"{column.course_title}: {column.title}"
        header += [
            f"{title} (%)",
            f"{title}: " + _("score"),
            f"{title}: " + _("passed"),
            f"{title}: " + _("late"),
            f"{title}: " + _("awaiting review"),
        ]
    if book.has_practicum:
        header.append(_("Signed practicum hours"))
    writer.writerow([csv_safe(h) for h in header])
    for row in book.rows:
        line = [row.name, row.email]
        for cell in row.cells:
            if cell is None:
                line += ["", "", "", "", ""]
                continue
            score = (
                f"{cell['score']}/{cell['max_score']}"
                if cell["score"] is not None and cell["max_score"] is not None
                else ""
            )
            line += [
                cell["percent"],
                score,
                _yes_no(cell["passed"]),
                _yes_no(cell["late"]) if cell["late"] else "",
                _yes_no(cell["awaiting_review"]) if cell["awaiting_review"] else "",
            ]
        if book.has_practicum:
            line.append(row.practicum_hours)
        writer.writerow([csv_safe(value) for value in line])
    return out.getvalue()
