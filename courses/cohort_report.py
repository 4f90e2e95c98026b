"""The progress report of one cohort: each trainee against each module.

It reads aggregates only: completions counted per (trainee, module) by the
database, course percentages from the ``CourseProgress`` rows kept current by
every completion. Nothing runs a query per trainee, module or cell.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.models import (
    Cohort,
    CohortMembership,
    CoursePage,
    CourseProgress,
    ModulePage,
    StepCompletion,
)
from courses.outline import percent
from courses.steps import MODULE_DEPTH, STEP_DEPTH, module_path, step_content_type_ids

# Members whose progress the report shows; the invited have not started and
# the withdrawn have left.
REPORTED_STATUSES = (CohortMembership.Status.ACTIVE, CohortMembership.Status.COMPLETED)
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ReportModule:
    id: int
    title: str
    steps_total: int

    @property
    def key(self) -> str:
        return f"m{self.id}"


@dataclass(frozen=True)
class ReportCourse:
    id: int
    title: str
    modules: tuple[ReportModule, ...]

    @property
    def key(self) -> str:
        return f"c{self.id}"


@dataclass
class TraineeRow:
    user_id: int
    name: str
    email: str
    status: str
    status_label: str
    modules: dict[int, int] = field(default_factory=dict)  # module id → percent
    courses: dict[int, int] = field(default_factory=dict)  # course id → percent
    last_activity: datetime | None = None

    def value(self, key: str):
        """The value a column shows, by the column's sort key."""
        if key.startswith("m") and key[1:].isdigit():
            return self.modules.get(int(key[1:]), 0)
        if key.startswith("c") and key[1:].isdigit():
            return self.courses.get(int(key[1:]), 0)
        return {
            "name": self.name.casefold(),
            "email": self.email,
            "status": self.status_label,
            "last_activity": self.last_activity,
        }.get(key)


@dataclass
class CohortReport:
    cohort: Cohort
    courses: list[ReportCourse]
    rows: list[TraineeRow]

    def sort_keys(self) -> set[str]:
        keys = {"name", "email", "status", "last_activity"}
        for course in self.courses:
            keys.add(course.key)
            keys.update(module.key for module in course.modules)
        return keys


def _prefixes(paths: list[str]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return query


def _translated_titles(keys: list) -> dict:
    """Titles in the active language, where a live translation exists."""
    language = translation.get_language()
    if not keys or not language:
        return {}
    return dict(
        Page.objects.live()
        .filter(translation_key__in=keys, locale__language_code=language)
        .values_list("translation_key", "title")
    )


def cohort_progress_report(*, cohort: Cohort) -> CohortReport:
    """Everyone active (or finished) in ``cohort`` against its courses' modules.

    Module percentages count completed live steps against the module's live
    steps; course percentages are read from ``CourseProgress``. Titles appear
    in the active language when a translation is published. Seven queries,
    whatever the number of trainees, courses and modules.
    """
    courses = list(
        CoursePage.objects.filter(cohorts=cohort)
        .order_by("path")
        .values("id", "title", "path", "translation_key")
    )
    course_paths = [c["path"] for c in courses]
    modules = list(
        ModulePage.objects.live()
        .filter(_prefixes(course_paths), depth=MODULE_DEPTH)
        .order_by("path")
        .values("id", "title", "path", "translation_key")
    )
    steps = list(
        Page.objects.live()
        .filter(
            _prefixes(course_paths),
            depth=STEP_DEPTH,
            content_type_id__in=step_content_type_ids(),
        )
        .values_list("id", "path")
    )
    titles = _translated_titles(
        [c["translation_key"] for c in courses]
        + [m["translation_key"] for m in modules]
    )

    steps_per_module: dict[str, int] = {}
    for _id, path in steps:
        steps_per_module[module_path(path)] = (
            steps_per_module.get(module_path(path), 0) + 1
        )
    report_courses = [
        ReportCourse(
            id=course["id"],
            title=titles.get(course["translation_key"], course["title"]),
            modules=tuple(
                ReportModule(
                    id=module["id"],
                    title=titles.get(module["translation_key"], module["title"]),
                    steps_total=steps_per_module.get(module["path"], 0),
                )
                for module in modules
                if module["path"].startswith(course["path"])
            ),
        )
        for course in courses
    ]

    members = CohortMembership.objects.filter(
        cohort=cohort, status__in=REPORTED_STATUSES
    )
    labels = dict(CohortMembership.Status.choices)
    rows = {
        m["user_id"]: TraineeRow(
            user_id=m["user_id"],
            name=m["user__preferred_name"] or m["user__legal_name"],
            email=m["user__email"],
            status=m["status"],
            status_label=str(labels[m["status"]]),
        )
        for m in members.values(
            "user_id",
            "user__legal_name",
            "user__preferred_name",
            "user__email",
            "status",
        )
    }
    member_ids = members.values("user_id")

    module_totals = {
        module.id: module.steps_total
        for course in report_courses
        for module in course.modules
    }
    done = (
        StepCompletion.objects.filter(
            user_id__in=member_ids,
            module_id__in=list(module_totals),
            step_id__in=[step_id for step_id, _path in steps],
        )
        .values("user_id", "module_id")
        .annotate(done=Count("id"), last=Max("completed_at"))
        .order_by()
    )
    for item in done:
        row = rows.get(item["user_id"])
        if row is None:
            continue
        row.modules[item["module_id"]] = percent(
            item["done"], module_totals[item["module_id"]]
        )
        if row.last_activity is None or item["last"] > row.last_activity:
            row.last_activity = item["last"]

    progress = CourseProgress.objects.filter(
        user_id__in=member_ids, course_id__in=[c["id"] for c in courses]
    ).values("user_id", "course_id", "percent", "last_activity_at")
    for item in progress:
        row = rows.get(item["user_id"])
        if row is None:
            continue
        row.courses[item["course_id"]] = item["percent"]
        last = item["last_activity_at"]
        if last and (row.last_activity is None or last > row.last_activity):
            row.last_activity = last

    report = CohortReport(
        cohort=cohort, courses=report_courses, rows=list(rows.values())
    )
    report.rows = report_sort(report, "name")
    return report


def report_sort(report: CohortReport, key: str) -> list[TraineeRow]:
    """Rows ordered by the column ``key`` ("-" first for descending).

    Empty values (no activity yet) go last either way; ties keep name order.
    An unknown key sorts by name.
    """
    descending = key.startswith("-")
    key = key.removeprefix("-")
    if key not in report.sort_keys():
        key, descending = "name", False
    by_name = sorted(report.rows, key=lambda r: (r.name.casefold(), r.email))
    present = [r for r in by_name if r.value(key) is not None]
    missing = [r for r in by_name if r.value(key) is None]
    present.sort(key=lambda r: r.value(key), reverse=descending)
    return present + missing


def report_table_rows(report: CohortReport) -> list[tuple[TraineeRow, list]]:
    """Each row with its percentages in column order: (value, is a course)."""
    table = []
    for row in report.rows:
        cells = []
        for course in report.courses:
            cells.append((row.courses.get(course.id, 0), True))
            cells.extend((row.modules.get(m.id, 0), False) for m in course.modules)
        table.append((row, cells))
    return table


def csv_cell(value) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(CSV_FORMULA_STARTS):
        return "'" + text
    return text


def report_csv_rows(report: CohortReport) -> list[list[str]]:
    """The report as CSV rows (header first), every cell formula-safe."""
    header = [_("Trainee"), _("E-mail"), _("Status")]
    for course in report.courses:
        header.append(_("%(course)s (%%)") % {"course": course.title})
        header.extend(
            _("%(course)s / %(module)s (%%)")
            % {"course": course.title, "module": module.title}
            for module in course.modules
        )
    header.append(_("Last activity"))
    lines = [header]
    for row, cells in report_table_rows(report):
        last = row.last_activity
        lines.append(
            [
                row.name,
                row.email,
                row.status_label,
                *(value for value, _is_course in cells),
                timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
            ]
        )
    return [[csv_cell(cell) for cell in line] for line in lines]
