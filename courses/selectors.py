"""Reads for the study pages and the dashboard, in a fixed number of queries.

Nothing here runs a query per lesson, module, course or cohort: each reader
fetches whole sets and joins them in Python.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import translation
from wagtail.models import Locale, Page

from courses.models import (
    CohortMembership,
    CoursePage,
    CourseProgress,
    HomePage,
    ModulePage,
    StepCompletion,
)
from courses.outline import ModuleRow, Outline, StepRow, build_outline
from courses.steps import (
    COURSE_DEPTH,
    MODULE_DEPTH,
    STEP_DEPTH,
    course_path,
    module_path,
    step_content_type_ids,
    step_models,
)
from users.roles import is_staff_member

PAGE_FIELDS = (
    "id",
    "title",
    "path",
    "depth",
    "url_path",
    "translation_key",
    "locale_id",
)


def _step_kinds() -> dict[int, str]:
    from django.contrib.contenttypes.models import ContentType

    content_types = ContentType.objects.get_for_models(*step_models())
    return {ct.pk: model.step_kind for model, ct in content_types.items()}


def _step_rows(pages, *, shown=None) -> list[StepRow]:
    """Rows for step ``pages``; title and link from ``shown[key]`` if present."""
    kinds = _step_kinds()
    shown = shown or {}
    rows = []
    for page in pages:
        display = shown.get(page.translation_key, page)
        rows.append(
            StepRow(
                id=display.pk,
                key=page.translation_key,
                title=display.title,
                url=display.get_url(),
                kind=kinds.get(page.content_type_id, "step"),
                module_path=module_path(page.path),
                minutes=0,
            )
        )
    return rows


def _module_rows(pages, *, shown=None) -> list[ModuleRow]:
    shown = shown or {}
    return [
        ModuleRow(
            id=shown.get(page.translation_key, page).pk,
            key=page.translation_key,
            title=shown.get(page.translation_key, page).title,
            url=shown.get(page.translation_key, page).get_url(),
            path=page.path,
            unlock_in_order=page.unlock_in_order,
        )
        for page in pages
    ]


def _live_steps(path_filter: Q):
    return (
        Page.objects.live()
        .filter(
            path_filter, depth=STEP_DEPTH, content_type_id__in=step_content_type_ids()
        )
        .only(*PAGE_FIELDS, "content_type_id")
        .order_by("path")
    )


def _done_keys(*, user, keys) -> set:
    if not user.is_authenticated:
        return set()
    return set(
        StepCompletion.objects.filter(
            user=user, step__translation_key__in=keys
        ).values_list("step__translation_key", flat=True)
    )


def _unfinished_prerequisites(*, user, course: CoursePage) -> list[str]:
    """Titles of the prerequisite courses ``user`` has not finished yet."""
    prerequisites = list(course.prerequisites.only("id", "title", "translation_key"))
    if not prerequisites or not user.is_authenticated or is_staff_member(user):
        return []
    finished = set(
        CourseProgress.objects.filter(
            user=user,
            completed_at__isnull=False,
            course__translation_key__in=[p.translation_key for p in prerequisites],
        ).values_list("course__translation_key", flat=True)
    )
    return [p.title for p in prerequisites if p.translation_key not in finished]


def course_outline(*, user, course: CoursePage, current_key=None) -> Outline:
    """Modules and steps of ``course`` with ``user``'s state of each step.

    The structure comes from the original course; each module and step is
    shown in ``course``'s language where it has been translated, otherwise
    in the original, so a partly translated course is still complete.
    """
    original = (
        CoursePage.objects.filter(translation_key=course.translation_key)
        .order_by("id")
        .only(*PAGE_FIELDS)
        .first()
    )
    modules = list(
        ModulePage.objects.live()
        .filter(path__startswith=original.path, depth=MODULE_DEPTH)
        .only(*PAGE_FIELDS, "unlock_in_order")
        .order_by("path")
    )
    steps = list(_live_steps(Q(path__startswith=original.path)))
    shown = {}
    if course.locale_id != original.locale_id:
        keys = [p.translation_key for p in (*modules, *steps)]
        shown = {
            p.translation_key: p
            for p in Page.objects.live()
            .filter(translation_key__in=keys, locale_id=course.locale_id)
            .only(*PAGE_FIELDS)
        }
    return build_outline(
        modules=_module_rows(modules, shown=shown),
        steps=_step_rows(steps, shown=shown),
        done_keys=_done_keys(user=user, keys=[s.translation_key for s in steps]),
        blocked_by=_unfinished_prerequisites(user=user, course=course),
        current_key=current_key,
    )


def course_progress_for(*, user, course: Page) -> CourseProgress | None:
    if not user.is_authenticated:
        return None
    return CourseProgress.objects.filter(
        user=user, course__translation_key=course.translation_key
    ).first()


def study_context(*, page: Page, user) -> dict:
    """What the course, module and step templates need besides the page."""
    if page.depth == COURSE_DEPTH:
        course = page
    else:
        course = CoursePage.objects.get(path=course_path(page.path))
    outline = course_outline(
        user=user,
        course=course,
        current_key=page.translation_key if page.depth == STEP_DEPTH else None,
    )
    context = {
        "course": course,
        "outline": outline,
        "progress": course_progress_for(user=user, course=course),
        "is_staff_member": is_staff_member(user),
    }
    if page.depth == MODULE_DEPTH:
        context["module_state"] = next(
            (m for m in outline.modules if m.row.key == page.translation_key), None
        )
    if page.depth == STEP_DEPTH:
        step_state = next(
            (s for s in outline.steps if s.row.key == page.translation_key), None
        )
        previous, following = outline.neighbours(page.translation_key)
        module_state = None
        if step_state is not None:
            module_state = next(
                m for m in outline.modules if m.row.path == step_state.row.module_path
            )
        context.update(
            step_state=step_state,
            previous_step=previous,
            next_step=following,
            module_state=module_state,
        )
    return context


def catalogue_courses(*, home: HomePage, user) -> list[dict]:
    """The public overview of every course under ``home``."""
    courses = list(
        CoursePage.objects.live()
        .child_of(home)
        .select_related("cover_image")
        .order_by("path")
    )
    enrolled = set()
    if user.is_authenticated:
        enrolled = set(
            CohortMembership.objects.filter(
                user=user, status=CohortMembership.Status.ACTIVE
            ).values_list("cohort__courses__translation_key", flat=True)
        )
    return [
        {"page": course, "enrolled": course.translation_key in enrolled}
        for course in courses
    ]


@dataclass
class DashboardCourse:
    course: CoursePage
    cohort_names: list[str]
    cohort_dates: list[tuple]
    steps_done: int
    steps_total: int
    percent: int
    next_step: StepRow | None
    completed: bool
    reviewing: bool = False  # only in cohorts already completed: read, not study


def study_memberships(*, user) -> list[CohortMembership]:
    """``user``'s active and completed memberships, with their cohorts."""
    return list(
        CohortMembership.objects.filter(
            user=user,
            status__in=(
                CohortMembership.Status.ACTIVE,
                CohortMembership.Status.COMPLETED,
            ),
        ).select_related("cohort")
    )


def dashboard_courses(
    *, user, memberships: list[CohortMembership] | None = None
) -> list[DashboardCourse]:
    """The courses of every cohort ``user`` is active in, in their language,
    and those of cohorts they completed (to read again, ``reviewing``).
    ``memberships``: from ``study_memberships``, if the caller has them."""
    if memberships is None:
        memberships = study_memberships(user=user)
    if not memberships:
        return []
    cohorts = {m.cohort_id: m.cohort for m in memberships}
    active_cohorts = {
        m.cohort_id for m in memberships if m.status == CohortMembership.Status.ACTIVE
    }
    links = CoursePage.cohorts.through.objects.filter(
        cohort_id__in=cohorts
    ).values_list("cohort_id", "coursepage__translation_key")
    cohorts_by_key = defaultdict(list)
    for cohort_id, key in links:
        cohorts_by_key[key].append(cohorts[cohort_id])
    if not cohorts_by_key:
        return []

    # Structure from each original course; titles and links in the reader's
    # language wherever a translation exists.
    language = translation.get_language() or ""
    locale = Locale.objects.filter(language_code=language).first()
    originals: dict = {}
    translated: dict = {}
    candidates = CoursePage.objects.live().filter(translation_key__in=cohorts_by_key)
    for course in candidates.order_by("id"):
        originals.setdefault(course.translation_key, course)
        if locale and course.locale_id == locale.pk:
            translated[course.translation_key] = course
    steps = list(_live_steps(_any_path_prefix([c.path for c in originals.values()])))
    shown = {}
    if locale:
        shown = {
            p.translation_key: p
            for p in Page.objects.live()
            .filter(
                translation_key__in=[s.translation_key for s in steps], locale=locale
            )
            .only(*PAGE_FIELDS)
        }
    done = _done_keys(user=user, keys=[s.translation_key for s in steps])
    progress = {
        row.course.translation_key: row
        for row in CourseProgress.objects.filter(
            user=user, course__translation_key__in=cohorts_by_key
        ).select_related("course")
    }
    steps_by_course = defaultdict(list)
    for step in steps:
        steps_by_course[course_path(step.path)].append(step)
    courses = sorted(originals.values(), key=lambda c: c.path)

    result = []
    for original in courses:
        course = translated.get(original.translation_key, original)
        rows = _step_rows(steps_by_course[original.path], shown=shown)
        next_row = next((row for row in rows if row.key not in done), None)
        # Progress is read from its row, kept current on every completion and
        # content change; a course not started yet has no row.
        row = progress.get(course.translation_key)
        total = row.steps_total if row else len(rows)
        done_count = row.steps_done if row else 0
        result.append(
            DashboardCourse(
                course=course,
                cohort_names=[c.name for c in cohorts_by_key[course.translation_key]],
                cohort_dates=[
                    (c.start_date, c.end_date)
                    for c in cohorts_by_key[course.translation_key]
                ],
                steps_done=done_count,
                steps_total=total,
                percent=row.percent if row else 0,
                next_step=next_row,
                completed=bool(row and row.completed_at),
                reviewing=not any(
                    c.pk in active_cohorts
                    for c in cohorts_by_key[course.translation_key]
                ),
            )
        )
    return result


def finished_cohorts(memberships: list[CohortMembership]) -> list[CohortMembership]:
    """The completed ones among ``memberships``, latest first (for the
    dashboard of a coach who has finished studying)."""
    done = [m for m in memberships if m.status == CohortMembership.Status.COMPLETED]
    return sorted(done, key=lambda m: m.cohort.end_date, reverse=True)


def _any_path_prefix(paths: list[str]) -> Q:
    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    return query
