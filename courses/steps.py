"""Which page types are module steps, and how the page tree encodes a course."""

from functools import cache

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from courses.models import StepPage

# Wagtail's materialised path: four characters a level. The course is at
# depth 3 (root, home page, course), modules at 4, steps at 5.
STEP_LENGTH = Page.steplen
COURSE_DEPTH = 3
MODULE_DEPTH = 4
STEP_DEPTH = 5


def step_models() -> list[type[StepPage]]:
    found, pending = [], list(StepPage.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not model._meta.abstract:
            found.append(model)
    return found


@cache
def step_content_type_ids() -> frozenset[int]:
    content_types = ContentType.objects.get_for_models(*step_models())
    return frozenset(content_type.pk for content_type in content_types.values())


def course_path(page_path: str) -> str:
    """The path of the course a page at ``page_path`` belongs to."""
    return page_path[: STEP_LENGTH * COURSE_DEPTH]


def module_path(page_path: str) -> str:
    return page_path[: STEP_LENGTH * MODULE_DEPTH]
