"""Keep progress honest when course content changes (a decoupled side effect)."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.steps import COURSE_DEPTH, course_path


def _schedule_refresh(page) -> None:
    if page.depth < COURSE_DEPTH:
        return
    from courses.models import CoursePage
    from courses.services import original_page
    from courses.tasks import course_progress_refresh

    course = CoursePage.objects.filter(path=course_path(page.path)).first()
    if course is None:
        return
    original_id = original_page(course).pk
    transaction.on_commit(partial(course_progress_refresh.delay, original_id))


def on_page_changed(sender, instance, **kwargs) -> None:
    _schedule_refresh(instance)


def on_page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    for parent in (parent_page_before, parent_page_after):
        if parent is not None:
            _schedule_refresh(parent)


def connect() -> None:
    from courses.models import LessonPage, ModulePage
    from courses.steps import step_models

    for model in {ModulePage, LessonPage, *step_models()}:
        page_published.connect(on_page_changed, sender=model)
        page_unpublished.connect(on_page_changed, sender=model)
        post_delete.connect(on_page_changed, sender=model)
    post_page_move.connect(on_page_moved)
