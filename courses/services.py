"""Writes for studying: completing steps and keeping progress honest."""

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from wagtail.models import Page

from courses.models import CoursePage, CourseProgress, StepCompletion
from courses.outline import percent
from courses.steps import (
    STEP_DEPTH,
    course_path,
    module_path,
    step_content_type_ids,
)


class StepLocked(Exception):
    """The step cannot be done yet; ``reason`` says why, in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def original_page(page: Page) -> Page:
    """The first page of ``page``'s translation group: what records point at.

    Translations share a translation key; the one created first is the
    original, whatever its locale, and it stays the original when more
    translations are added later.
    """
    return (
        Page.objects.filter(translation_key=page.translation_key).order_by("id").first()
    )


def _live_step_keys(course: Page) -> list:
    """Translation keys of the published steps of ``course`` (any translation)."""
    return list(
        Page.objects.live()
        .filter(
            path__startswith=course.path,
            depth=STEP_DEPTH,
            content_type_id__in=step_content_type_ids(),
        )
        .values_list("translation_key", flat=True)
    )


def _recount(*, progress: CourseProgress, course: Page, now) -> CourseProgress:
    keys = _live_step_keys(course)
    done = StepCompletion.objects.filter(
        user_id=progress.user_id, step__translation_key__in=keys
    ).count()
    progress.steps_total = len(keys)
    progress.steps_done = min(done, progress.steps_total)
    progress.percent = percent(progress.steps_done, progress.steps_total)
    if progress.steps_total and progress.steps_done == progress.steps_total:
        progress.completed_at = progress.completed_at or now
    else:
        progress.completed_at = None
    return progress


@transaction.atomic
def step_complete(*, user, step: Page) -> StepCompletion:
    """Record that ``user`` finished ``step`` and update their course progress.

    Idempotent: doing it again (a double click, two tabs) changes nothing and
    returns the first completion. Raises StepLocked for a step that has not
    opened yet. The caller has checked access. Runs in one
    transaction with the progress update, which takes a row lock so two
    completions at once cannot miscount.
    """
    if step.depth != STEP_DEPTH or step.content_type_id not in step_content_type_ids():
        raise ValueError("Only module steps can be completed.")
    course_here = CoursePage.objects.get(path=course_path(step.path))
    course = original_page(course_here)
    now = timezone.now()

    from courses.selectors import course_outline

    outline = course_outline(user=user, course=course_here)
    state = next((s for s in outline.steps if s.row.key == step.translation_key), None)
    if state is not None and state.locked and not state.done:
        raise StepLocked(state.locked_reason)

    progress, _ = CourseProgress.objects.select_for_update().get_or_create(
        user=user, course_id=course.pk
    )
    step_original = original_page(step)
    existing = StepCompletion.objects.filter(user=user, step=step_original).first()
    if existing is not None:
        return existing
    completion = StepCompletion(
        user=user,
        step=step_original,
        module=original_page(Page.objects.get(path=module_path(step.path))),
        course_id=course.pk,
        revision_id=step.live_revision_id,
        completed_at=now,
    )
    completion.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError:
        # Another request recorded it between our read and write.
        return StepCompletion.objects.get(user=user, step=step_original)
    _recount(progress=progress, course=course_here, now=now)
    progress.last_activity_at = now
    progress.full_clean()
    progress.save()
    return completion


@transaction.atomic
def course_progress_refresh(*, course_id: int) -> int:
    """Recount everyone's progress in a course after its content changed.

    Adding a step lowers percentages, removing one raises them: totals are
    never left stale. Returns the number of progress rows updated. Idempotent.
    """
    course = Page.objects.get(pk=course_id)
    keys = _live_step_keys(course)
    total = len(keys)
    done_by_user = dict(
        StepCompletion.objects.filter(
            course_id=course_id, step__translation_key__in=keys
        )
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    now = timezone.now()
    rows = list(CourseProgress.objects.select_for_update().filter(course_id=course_id))
    for row in rows:
        row.steps_total = total
        row.steps_done = min(done_by_user.get(row.user_id, 0), total)
        row.percent = percent(row.steps_done, total)
        finished = total > 0 and row.steps_done == total
        row.completed_at = (row.completed_at or now) if finished else None
    CourseProgress.objects.bulk_update(
        rows, ["steps_total", "steps_done", "percent", "completed_at"], batch_size=500
    )
    return len(rows)
