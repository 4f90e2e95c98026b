"""Quiz pages from plain data: the demo course files and tests.

Questions written as plain dicts (the demo YAML's shape: ``grading``'s
snapshot schema without ids) become ``QuizQuestionsBlock`` stream data. Ids
are derived from the quiz's slug and the question's and option's positions
(uuid5), so every language of a quiz gets the same question, option and item
ids and grades alike.
"""

import uuid
from decimal import Decimal

from wagtail.models import Page

from assessments.models import QuizPage

# A fixed namespace: the same slug and position always give the same id.
QUESTION_ID_NAMESPACE = uuid.UUID("8a0d6f2e-5b5c-4c1e-9d64-2f3c1f0b7a41")
FEEDBACK_POLICIES = {"immediately", "after_last_attempt", "never"}


class QuizContentError(ValueError):
    """Quiz data that does not follow the schema."""


def stable_id(slug: str, *parts: int) -> str:
    return str(uuid.uuid5(QUESTION_ID_NAMESPACE, ":".join([slug, *map(str, parts)])))


def _require(data: dict, key: str, where: str):
    try:
        return data[key]
    except (KeyError, TypeError):
        raise QuizContentError(f"{where}: {key!r} is missing.") from None


def _prompt(text: str) -> str:
    from assessments.blocks import PROMPT_FEATURES
    from courses.demo_loader import rich_text_from_plain

    return rich_text_from_plain(text, features=PROMPT_FEATURES, where="prompt")


def _items(values: list, *, slug: str, number: int) -> list[dict]:
    return [
        {"type": "item", "value": value, "id": stable_id(slug, number, n)}
        for n, value in enumerate(values)
    ]


def question_stream_data(questions: list[dict], *, slug: str) -> list[dict]:
    """Raw ``QuizQuestionsBlock`` data, with stable ids, for plain questions."""
    raw = []
    for number, question in enumerate(questions):
        where = f"quiz {slug}, question {number + 1}"
        qtype = _require(question, "type", where)
        value: dict = {"prompt": _prompt(_require(question, "prompt", where))}
        if qtype != "reflection":
            value["points"] = str(Decimal(str(question.get("points", 1))))
        if qtype in ("single_choice", "multiple_choice"):
            options = [
                {
                    "text": _require(option, "text", where),
                    "correct": bool(_require(option, "correct", where)),
                    "feedback": option.get("feedback", ""),
                }
                for option in _require(question, "options", where)
            ]
            value["options"] = _items(options, slug=slug, number=number)
            if qtype == "multiple_choice":
                value["scoring"] = question.get("scoring", "all_or_nothing")
        elif qtype == "true_false":
            value["correct"] = (
                "true" if _require(question, "correct", where) else "false"
            )
            value["feedback_true"] = question.get("feedback_true", "")
            value["feedback_false"] = question.get("feedback_false", "")
        elif qtype == "short_text":
            value["accepted_answers"] = _items(
                list(_require(question, "accepted_answers", where)),
                slug=slug,
                number=number,
            )
            value["case_sensitive"] = bool(question.get("case_sensitive", False))
            value["normalise_whitespace"] = bool(
                question.get("normalise_whitespace", True)
            )
        elif qtype == "ordering":
            value["items"] = _items(
                list(_require(question, "items", where)), slug=slug, number=number
            )
        elif qtype != "reflection":
            raise QuizContentError(f"{where}: unknown question type {qtype!r}.")
        raw.append({"type": qtype, "value": value, "id": stable_id(slug, number)})
    return raw


def questions_stream(questions: list[dict], *, slug: str):
    """A validated questions StreamValue for plain questions."""
    from django.core.exceptions import ValidationError

    block = QuizPage.questions.field.stream_block
    try:
        return block.clean(block.to_python(question_stream_data(questions, slug=slug)))
    except ValidationError as error:
        raise QuizContentError(f"quiz {slug}: {error}") from error


def quiz_fields(data: dict, *, language: str, slug: str) -> dict:
    """QuizPage field values from a demo YAML quiz step in ``language``."""
    from courses.demo_loader import rich_text_from_html
    from courses.models import INTRO_FEATURES

    where = f"quiz {slug} ({language})"
    content = _require(data, language, where)
    feedback = data.get("feedback", "immediately")
    if feedback not in FEEDBACK_POLICIES:
        raise QuizContentError(f"{where}: unknown feedback policy {feedback!r}.")
    shuffle = bool(data.get("shuffle", False))
    return {
        "title": _require(content, "title", where),
        "intro": rich_text_from_html(
            content.get("intro", ""), features=INTRO_FEATURES, where=where
        ),
        "questions": questions_stream(_require(content, "questions", where), slug=slug),
        "estimated_minutes": int(data.get("estimated_minutes", 10)),
        "pass_mark_percent": Decimal(str(data.get("pass_mark", 70))),
        "attempts_allowed": data.get("attempts_allowed"),
        "time_limit_minutes": data.get("time_limit_minutes"),
        "shuffle_questions": shuffle,
        "shuffle_options": shuffle,
        "feedback_policy": feedback,
    }


def quiz_load(
    *, module_page: Page, step_data: dict, language: str, original: Page | None
) -> QuizPage:
    """Demo loader for ``type: quiz`` steps (``courses.demo_loader``)."""
    from courses.demo_loader import DemoContentError
    from courses.factories import page_add, translation_add

    slug = _require(step_data, "slug", "quiz")
    try:
        fields = quiz_fields(step_data, language=language, slug=slug)
    except QuizContentError as error:
        raise DemoContentError(str(error)) from error
    if original is not None:
        original_ids = [q.id for q in original.specific.questions]
        if [q.id for q in fields["questions"]] != original_ids:
            raise DemoContentError(
                f"quiz {slug} ({language}): the questions differ from the original."
            )
        return translation_add(
            original=original, locale=module_page.locale, fields=fields
        )
    return page_add(parent=module_page, page=QuizPage(slug=slug, **fields))


def quiz_page_create(
    *, parent: Page, questions: list[dict], slug: str | None = None, **fields
) -> QuizPage:
    """A published quiz under the module ``parent`` (tests, the demo seed)."""
    from courses.factories import page_add

    fields.setdefault("title", "Quiz")
    slug = slug or f"quiz-{uuid.uuid4().hex[:8]}"
    page = QuizPage(
        slug=slug, questions=questions_stream(questions, slug=slug), **fields
    )
    return page_add(parent=parent, page=page)
