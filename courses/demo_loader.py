"""Load the demo courses in ``courses/demo_content/*.yaml`` into the page tree.

The schema is in ``courses/demo_content/README.md``. Swedish is the original:
each course, module and step is created in Swedish under the Swedish home
page, then translated (same translation key, via Wagtail's
``copy_for_translation``) into every other language the file has text for.
A step translated into a language its module and course are not (the one
Arabic lesson) gets its parents as aliases of the Swedish pages: they show the
Swedish titles and stay in sync with them.

Idempotent: a page that exists already (by slug under its parent for
originals, by translation key for translations) is left exactly as it is, so
a second run creates no pages and no revisions, and editors' changes survive.

Steps are loaded by kind through ``STEP_LOADERS``. This module registers
``"lesson"``; other apps register theirs (see ``register_step_loader``).
Steps of a kind with no loader are skipped and reported.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.models import Locale, Page

from courses.blocks import RICH_TEXT_FEATURES, CalloutBlock
from courses.factories import home_page, page_add, translation_add
from courses.models import (
    INTRO_FEATURES,
    CoursePage,
    HomePage,
    LessonPage,
    ModulePage,
)
from courses.steps import step_models

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
ORIGINAL_LANGUAGE = "sv"
TRANSLATION_LANGUAGES = ("en", "ar")
LEVEL_ORDER = [level.value for level in CoursePage.Level]

# The tags each rich text feature allows in the source HTML (README: h2, h3,
# p, ul, ol, li, strong, em, a[href]). Anything else is an error rather than
# something Wagtail's converter would quietly drop.
ALWAYS_ALLOWED_TAGS = {"p", "br"}
FEATURE_TAGS = {
    "h2": {"h2"},
    "h3": {"h3"},
    "h4": {"h4"},
    "bold": {"strong", "b"},
    "italic": {"em", "i"},
    "ol": {"ol", "li"},
    "ul": {"ul", "li"},
    "link": {"a"},
    "document-link": set(),
}


class DemoContentError(ValueError):
    """A demo content file does not follow the schema."""


StepLoader = Callable[..., Page]
STEP_LOADERS: dict[str, StepLoader] = {}


def register_step_loader(kind: str, loader: StepLoader) -> None:
    """Let the demo loader create steps of ``kind`` (the YAML step ``type``).

    Call it from your ``AppConfig.ready()``. The loader is called as::

        loader(
            *,
            module_page: ModulePage,   # the module in the step's language
            step_data: dict,           # the whole YAML step (type, slug, sv, en, ...)
            language: str,             # which language's text to use: "sv", "en", ...
            original: Page | None,     # None: create the Swedish original;
                                       # else its Swedish page: create a translation
        ) -> Page

    It must create the page and publish it (``courses.factories.page_add``
    for originals, ``translation_add(original=..., locale=module_page.locale,
    fields=...)`` for translations) and return it; ``lesson_load`` is the
    example. It is called only for pages that do not exist yet, inside the
    loader's transaction; raise ``DemoContentError`` for bad data. The page
    type must be allowed in ``ModulePage.subpage_types``.

    Registering a different loader for a kind that has one raises
    ``ValueError``; registering the same one again does nothing.
    """
    current = STEP_LOADERS.get(kind)
    if current is not None and current is not loader:
        raise ValueError(f"A demo loader for {kind!r} steps is already registered.")
    STEP_LOADERS[kind] = loader


# --- Converting YAML text to field values --------------------------------------


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


@cache
def _converter(features: tuple[str, ...]) -> ContentstateConverter:
    return ContentstateConverter(list(features))


def rich_text_from_html(html: str, *, features: list[str], where: str) -> str:
    """``html`` in Wagtail's rich text database format, as the editor saves it.

    The HTML goes through the same converter as the Draftail editor, so
    ``<strong>`` becomes ``<b>``, blocks get their keys and external links
    stay ``<a href>``. Raises ``DemoContentError`` for a tag ``features`` do
    not allow.
    """
    if not html.strip():
        return ""
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    allowed = ALWAYS_ALLOWED_TAGS.union(*(FEATURE_TAGS[f] for f in features))
    if extra := collector.tags - allowed:
        raise DemoContentError(
            f"{where}: <{'>, <'.join(sorted(extra))}> is not allowed here."
        )
    converter = _converter(tuple(features))
    return converter.to_database_format(converter.from_database_format(html))


def rich_text_from_plain(text: str, *, features: list[str], where: str) -> str:
    """Plain text (one paragraph per blank-line-separated part) as rich text."""
    paragraphs = [part.strip() for part in text.split("\n\n") if part.strip()]
    html = "".join(f"<p>{escape(part)}</p>" for part in paragraphs)
    return rich_text_from_html(html, features=features, where=where)


def _stream(stream_block, raw: list[dict], *, where: str):
    """A validated StreamValue from raw ``[{"type": ..., "value": ...}]`` data."""
    try:
        return stream_block.clean(stream_block.to_python(raw))
    except ValidationError as error:
        raise DemoContentError(f"{where}: {error}") from error


def _require(data: dict, key: str, where: str):
    try:
        return data[key]
    except (KeyError, TypeError):
        raise DemoContentError(f"{where}: {key!r} is missing.") from None


def lesson_body(blocks: list[dict], *, where: str) -> list[dict]:
    """The YAML body blocks as raw ``LessonBodyBlock`` stream data."""
    callout_features = CalloutBlock.base_blocks["text"].features
    raw = []
    for n, block in enumerate(blocks, start=1):
        here = f"{where}, block {n}"
        kind = _require(block, "type", here)
        if kind == "rich_text":
            value = rich_text_from_html(
                _require(block, "value", here), features=RICH_TEXT_FEATURES, where=here
            )
        elif kind == "callout":
            value = {
                "kind": _require(block, "kind", here),
                "text": rich_text_from_plain(
                    _require(block, "text", here),
                    features=callout_features,
                    where=here,
                ),
            }
        elif kind == "key_points":
            value = {"items": list(_require(block, "items", here))}
        elif kind == "reflection_prompt":
            value = {"prompt": _require(block, "prompt", here)}
        elif kind == "glossary_term":
            value = {
                "term": _require(block, "term", here),
                "explanation": _require(block, "explanation", here),
            }
        else:
            raise DemoContentError(f"{here}: unknown block type {kind!r}.")
        raw.append({"type": kind, "value": value})
    return raw


# --- Step loaders ---------------------------------------------------------------


def lesson_load(
    *,
    module_page: ModulePage,
    step_data: dict,
    language: str,
    original: Page | None,
) -> LessonPage:
    """Create and publish one lesson (or its translation) from its YAML step."""
    slug = _require(step_data, "slug", "lesson")
    where = f"lesson {slug} ({language})"
    content = _require(step_data, language, where)
    blocks = _require(content, "body", where)
    if original is not None:
        original_kinds = [b.get("type") for b in step_data[ORIGINAL_LANGUAGE]["body"]]
        if [b.get("type") for b in blocks] != original_kinds:
            raise DemoContentError(
                f"{where}: the blocks differ from the {ORIGINAL_LANGUAGE} original."
            )
    fields = {
        "title": _require(content, "title", where),
        "estimated_minutes": _require(step_data, "estimated_minutes", where),
        "body": _stream(
            LessonPage.body.field.stream_block,
            lesson_body(blocks, where=where),
            where=where,
        ),
    }
    if original is None:
        return page_add(parent=module_page, page=LessonPage(slug=slug, **fields))
    return translation_add(original=original, locale=module_page.locale, fields=fields)


register_step_loader("lesson", lesson_load)


# --- The report -------------------------------------------------------------------


@dataclass
class LoadReport:
    """What a load did. Counts are per language and page kind."""

    created: Counter = field(default_factory=Counter)  # (language, kind)
    aliased: Counter = field(default_factory=Counter)  # (language, kind)
    existing: int = 0
    skipped: Counter = field(default_factory=Counter)  # step type → YAML steps
    courses: list[str] = field(default_factory=list)  # slugs, in load order

    @property
    def created_count(self) -> int:
        return sum(self.created.values()) + sum(self.aliased.values())

    def lines(self) -> list[str]:
        """A human summary, one line per language, then the skipped steps."""
        lines = []
        order = [ORIGINAL_LANGUAGE, *TRANSLATION_LANGUAGES]
        languages = sorted(
            {language for language, _ in self.created + self.aliased},
            key=lambda code: (order.index(code) if code in order else 99, code),
        )
        for language in languages:
            text = _kinds_text(self.created, language)
            aliased = _kinds_text(self.aliased, language)
            if aliased:
                synced = f"{aliased} untranslated (synchronised with Swedish)"
                text = f"{text}; {synced}" if text else synced
            lines.append(f"{language}: created {text}")
        if not self.created_count:
            lines.append(f"nothing new: {self.existing} pages already there")
        elif self.existing:
            lines.append(f"{self.existing} pages already there, left as they are")
        available = {model.step_kind for model in step_models()}
        for kind, n in sorted(self.skipped.items()):
            reason = (
                f"no demo loader registered for {kind} pages"
                if kind in available
                else f"{kind} pages not available"
            )
            lines.append(f"skipped {n} {_plural(kind, n)}: {reason}")
        return lines


_PLURALS = {
    "quiz": "quizzes",
    "home page": "home pages",
    "course": "courses",
    "module": "modules",
    "lesson": "lessons",
}
_KIND_ORDER = ["home page", "course", "module"]


def _plural(kind: str, n: int) -> str:
    return kind if n == 1 else _PLURALS.get(kind, f"{kind}s")


def _kinds_text(counter: Counter, language: str) -> str:
    kinds = sorted(
        ((kind, n) for (code, kind), n in counter.items() if code == language),
        key=lambda item: (
            _KIND_ORDER.index(item[0]) if item[0] in _KIND_ORDER else 99,
            item[0],
        ),
    )
    return ", ".join(f"{n} {_plural(kind, n)}" for kind, n in kinds)


# --- The loader ----------------------------------------------------------------


@dataclass
class _Context:
    report: LoadReport
    locales: dict[str, Locale]
    homes: dict[str, Page]


_PAGE_KINDS = {HomePage: "home page", CoursePage: "course", ModulePage: "module"}


def _kind(page: Page) -> str:
    model = page.specific_class
    return _PAGE_KINDS.get(model) or getattr(model, "step_kind", model.__name__)


def _locale(context: _Context, language: str) -> Locale:
    locale = context.locales.get(language)
    if locale is None:
        raise DemoContentError(f"There is no {language!r} locale in Wagtail.")
    return locale


def _home(context: _Context, language: str) -> Page:
    """The home page of ``language``: a published translation of the Swedish one."""
    if language not in context.homes:
        original = context.homes[ORIGINAL_LANGUAGE]
        locale = _locale(context, language)
        home = original.get_translation_or_none(locale)
        if home is None:
            home = translation_add(original=original, locale=locale, fields={})
            context.report.created[language, _kind(home)] += 1
        context.homes[language] = home
    return context.homes[language]


def _original_ensure(context: _Context, *, parent: Page, slug: str, build) -> Page:
    """The child of ``parent`` with ``slug``; created with ``build()`` if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        context.report.existing += 1
        return existing.specific
    page = build()
    context.report.created[ORIGINAL_LANGUAGE, _kind(page)] += 1
    return page


def _translation_ensure(
    context: _Context, *, original: Page, language: str, build
) -> Page:
    """The ``language`` translation of ``original``; made by ``build()`` if missing."""
    _home(context, language)
    existing = original.get_translation_or_none(_locale(context, language))
    if existing is not None:
        context.report.existing += 1
        return existing.specific
    page = build()
    context.report.created[language, _kind(page)] += 1
    return page


def _parent_in(context: _Context, *, page: Page, language: str) -> Page:
    """``page`` in ``language``; an alias of it (and its parents) if untranslated."""
    _home(context, language)
    locale = _locale(context, language)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    # The home page exists by now: only the course (and module) can be missing.
    missing = [
        ancestor
        for ancestor in page.get_ancestors().filter(depth__gt=2)
        if ancestor.get_translation_or_none(locale) is None
    ]
    alias = page.copy_for_translation(locale, copy_parents=True, alias=True)
    for created in [*missing, page]:
        context.report.aliased[language, _kind(created)] += 1
    return alias.specific


def _course_fields(data: dict, language: str, where: str) -> dict:
    content = _require(data, language, where)
    outcomes = [
        {"type": "outcome", "value": text}
        for text in _require(content, "learning_outcomes", where)
    ]
    return {
        "title": _require(content, "title", where),
        "summary": _require(content, "summary", where),
        "learning_outcomes": _stream(
            CoursePage.learning_outcomes.field.stream_block, outcomes, where=where
        ),
        "estimated_hours": _require(data, "estimated_hours", where),
        "level": _require(data, "level", where),
    }


def _module_fields(data: dict, language: str, where: str) -> dict:
    content = _require(data, language, where)
    return {
        "title": _require(content, "title", where),
        "intro": rich_text_from_html(
            content.get("intro", ""), features=INTRO_FEATURES, where=where
        ),
        "unlock_in_order": bool(data.get("unlock_in_order", True)),
    }


def _course_load(context: _Context, data: dict, courses: dict[str, Page]) -> Page:
    slug = _require(data, "slug", "course")
    where = f"course {slug}"
    prerequisites = []
    for prerequisite in data.get("prerequisites") or []:
        if prerequisite not in courses:
            raise DemoContentError(f"{where}: unknown prerequisite {prerequisite!r}.")
        prerequisites.append(courses[prerequisite])
    home = context.homes[ORIGINAL_LANGUAGE]

    def build_original():
        page = CoursePage(slug=slug, **_course_fields(data, ORIGINAL_LANGUAGE, where))
        page.prerequisites = prerequisites
        return page_add(parent=home, page=page)

    course = _original_ensure(context, parent=home, slug=slug, build=build_original)
    for language in TRANSLATION_LANGUAGES:
        if language not in data:
            continue
        locale = _locale(context, language)

        def build_translation(language=language, locale=locale):
            fields = _course_fields(data, language, where)
            # A translation's prerequisites are the same courses in its language.
            fields["prerequisites"] = [
                p.get_translation_or_none(locale) or p for p in prerequisites
            ]
            return translation_add(original=course, locale=locale, fields=fields)

        _translation_ensure(
            context, original=course, language=language, build=build_translation
        )

    for number, module_data in enumerate(_require(data, "modules", where), start=1):
        _module_load(context, course, module_data, where=f"{where}, module {number}")
    return course


def _module_load(context: _Context, course: Page, data: dict, *, where: str) -> None:
    slug = _require(data, "slug", where)
    where = f"{where} ({slug})"

    def build_original():
        fields = _module_fields(data, ORIGINAL_LANGUAGE, where)
        return page_add(parent=course, page=ModulePage(slug=slug, **fields))

    module = _original_ensure(context, parent=course, slug=slug, build=build_original)
    for language in TRANSLATION_LANGUAGES:
        if language not in data:
            continue

        def build_translation(language=language):
            return translation_add(
                original=module,
                locale=_locale(context, language),
                fields=_module_fields(data, language, where),
            )

        _translation_ensure(
            context, original=module, language=language, build=build_translation
        )

    for step_data in _require(data, "steps", where):
        kind = _require(step_data, "type", where)
        loader = STEP_LOADERS.get(kind)
        if loader is None:
            context.report.skipped[kind] += 1
            continue
        step_slug = _require(step_data, "slug", where)
        step = _original_ensure(
            context,
            parent=module,
            slug=step_slug,
            build=lambda loader=loader, step_data=step_data: loader(
                module_page=module,
                step_data=step_data,
                language=ORIGINAL_LANGUAGE,
                original=None,
            ),
        )
        for language in TRANSLATION_LANGUAGES:
            if language not in step_data:
                continue

            def build_translation(
                language=language, loader=loader, data=step_data, step=step
            ):
                return loader(
                    module_page=_parent_in(context, page=module, language=language),
                    step_data=data,
                    language=language,
                    original=step,
                )

            _translation_ensure(
                context, original=step, language=language, build=build_translation
            )


def _read(directory: Path) -> list[dict]:
    """The course files in ``directory``, each after its prerequisites."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise DemoContentError(f"No course files (*.yaml) in {directory}.")
    courses = {}
    for path in files:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        slug = _require(data, "slug", path.name)
        if slug in courses:
            raise DemoContentError(f"{path.name}: course {slug!r} appears twice.")
        courses[slug] = data

    def rank(slug):
        level = courses[slug].get("level")
        return (LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 99, slug)

    ordered, placed = [], set()
    pending = sorted(courses, key=rank)
    while pending:
        ready = [
            slug
            for slug in pending
            if all(
                p in placed or p not in courses
                for p in courses[slug].get("prerequisites") or []
            )
        ]
        if not ready:
            raise DemoContentError(f"Circular prerequisites among {pending}.")
        ordered.append(ready[0])
        placed.add(ready[0])
        pending.remove(ready[0])
    return [courses[slug] for slug in ordered]


@transaction.atomic
def demo_courses_load(*, directory: Path = CONTENT_DIR) -> LoadReport:
    """Create the pages of every course file in ``directory`` that are missing.

    Idempotent; one transaction (a bad file leaves nothing behind). Pages are
    published through revisions, so ``page_published`` fires for each new
    page. Raises ``DemoContentError`` when a file breaks the schema.
    """
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    context = _Context(
        report=LoadReport(),
        locales=locales,
        homes={ORIGINAL_LANGUAGE: home_page(locale=locales.get(ORIGINAL_LANGUAGE))},
    )
    courses: dict[str, Page] = {}
    for data in _read(directory):
        courses[data["slug"]] = _course_load(context, data, courses)
        context.report.courses.append(data["slug"])
    return context.report
