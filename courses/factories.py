"""Build course pages the way an editor does, for tests and the demo loader.

Every page is added under its parent with ``parent.add_child`` (so the page
tree rules hold) and published through a revision, so Wagtail's
``page_published`` signal fires and the progress hooks in
``courses.signals`` run as they do for real edits.

These are plain functions rather than factory_boy classes: the demo seed
(``manage.py demo_seed``) imports them at run time, and factory_boy is only a
development dependency.
"""

from itertools import count

from django.db import transaction
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.models import Locale, Page, Site

from courses.models import CoursePage, HomePage, LessonPage, ModulePage

_numbers = count(1)


def home_page(*, locale: Locale | None = None) -> HomePage:
    """The catalogue home page of ``locale`` (default: the site's own language).

    Raises ``HomePage.DoesNotExist`` when that locale has no home page yet.
    """
    root = Site.objects.get(is_default_site=True).root_page.specific
    if locale is None or root.locale_id == locale.pk:
        return root
    return root.get_translation(locale)


def page_publish(*, page: Page, user=None) -> Page:
    """Save ``page`` as a new revision and publish it; returns the fresh page.

    Runs ``full_clean()`` on the page (through ``save_revision``) and sends
    ``page_published``. Not idempotent: each call makes a revision.
    """
    revision = page.save_revision(user=user)
    revision.publish(user=user)
    page.refresh_from_db()
    return page


@transaction.atomic
def page_add(*, parent: Page, page: Page, user=None, publish: bool = True) -> Page:
    """Add the unsaved ``page`` under ``parent``; publish it unless told not to.

    The page tree rules (``parent_page_types``/``subpage_types``) are checked
    first: raises ``ValueError`` when ``page`` may not live under ``parent``.
    A missing slug is made from the title. Unpublished pages still get a first
    revision, as a draft saved in the admin does.
    """
    if not page.can_exist_under(parent.specific):
        raise ValueError(
            f"A {type(page).__name__} cannot be added under "
            f"{type(parent.specific).__name__} {parent.pk}."
        )
    if not page.slug:
        page.slug = find_available_slug(parent, slugify(page.title) or "page")
    page.live = False
    parent.add_child(instance=page)
    if publish:
        return page_publish(page=page, user=user)
    page.save_revision(user=user)
    return page


@transaction.atomic
def translation_add(
    *,
    original: Page,
    locale: Locale,
    fields: dict,
    user=None,
    publish: bool = True,
) -> Page:
    """Create the ``locale`` translation of ``original`` with ``fields`` set.

    Uses Wagtail's ``copy_for_translation(copy_parents=True)``: the copy shares
    ``original``'s translation key and sits under the translation of its
    parent; parents not yet translated are created as aliases (synchronised
    copies) of the original's parents. ``fields`` holds model field values
    (many-to-many fields too); everything not listed keeps the original's
    value. Not idempotent: the caller checks ``get_translation_or_none``
    first.
    """
    translation = original.specific.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translation, name, value)
    if publish:
        return page_publish(page=translation, user=user)
    translation.save_revision(user=user)
    return translation


# --- Ready-made pages with sensible defaults (tests) ---------------------------


def course_page_create(*, parent: Page | None = None, **fields) -> CoursePage:
    """A published course under ``parent`` (default: the site's home page)."""
    n = next(_numbers)
    fields.setdefault("title", f"Course {n}")
    fields.setdefault("summary", f"What course {n} is about.")
    fields.setdefault("estimated_hours", 10)
    prerequisites = fields.pop("prerequisites", None)
    publish = fields.pop("publish", True)
    page = CoursePage(**fields)
    if prerequisites is not None:
        page.prerequisites = prerequisites
    return page_add(parent=parent or home_page(), page=page, publish=publish)


def module_page_create(*, parent: Page | None = None, **fields) -> ModulePage:
    """A published module under ``parent`` (default: a new course)."""
    fields.setdefault("title", f"Module {next(_numbers)}")
    publish = fields.pop("publish", True)
    return page_add(
        parent=parent or course_page_create(),
        page=ModulePage(**fields),
        publish=publish,
    )


def lesson_page_create(*, parent: Page | None = None, **fields) -> LessonPage:
    """A published lesson under ``parent`` (default: a new module)."""
    n = next(_numbers)
    fields.setdefault("title", f"Lesson {n}")
    fields.setdefault("body", [("rich_text", f"<p>The text of lesson {n}.</p>")])
    publish = fields.pop("publish", True)
    return page_add(
        parent=parent or module_page_create(),
        page=LessonPage(**fields),
        publish=publish,
    )
