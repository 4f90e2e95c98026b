"""Demo data for written assignments and the practicum log.

``assignment_load`` is the demo loader's step loader for ``type: assignment``
(registered in ``AssessmentsConfig.ready``). Rubric ids are derived from the
assignment's slug and the positions of criteria and levels (uuid5), so every
language of an assignment has the same criterion and level ids and a grade
given in one language reads correctly in the others.

``demo_practicum_ensure`` gives the demo trainee a few practicum sessions,
some signed off by the demo trainer, through the real services.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from assessments.models import AssignmentPage, PracticumSession
from assessments.models.assignment import INSTRUCTION_FEATURES
from assessments.rubric_blocks import RubricKind

__all__ = [
    "RUBRIC_ID_NAMESPACE",
    "assignment_fields",
    "assignment_load",
    "demo_practicum_ensure",
    "rubric_stream_data",
]

RUBRIC_ID_NAMESPACE = uuid.UUID("3f9b7c1e-2a4d-4e8b-b6f0-7d1c5e9a2b34")
DEFAULT_MINUTES = 180


def _stable_id(slug: str, *parts: int) -> str:
    return str(uuid.uuid5(RUBRIC_ID_NAMESPACE, ":".join([slug, *map(str, parts)])))


def _error(message: str):
    from courses.demo_loader import DemoContentError

    return DemoContentError(message)


def _require(data, key: str, where: str):
    try:
        return data[key]
    except (KeyError, TypeError):
        raise _error(f"{where}: {key!r} is missing.") from None


def rubric_stream_data(rubric: dict, *, slug: str, where: str = "rubric") -> list:
    """Raw ``RubricStreamBlock`` data with stable ids from plain rubric data
    (``{kind, criteria: [{title, description, levels: [...]}]}``)."""
    raw = []
    for number, criterion in enumerate(_require(rubric, "criteria", where)):
        here = f"{where}, criterion {number + 1}"
        levels = [
            {
                "type": "item",
                "id": _stable_id(slug, number, position),
                "value": {
                    "title": _require(level, "title", here),
                    "description": level.get("description", ""),
                    "points": str(Decimal(str(_require(level, "points", here)))),
                },
            }
            for position, level in enumerate(criterion.get("levels") or [])
        ]
        raw.append(
            {
                "type": "criterion",
                "id": _stable_id(slug, number),
                "value": {
                    "title": _require(criterion, "title", here),
                    "description": criterion.get("description", ""),
                    "levels": levels,
                },
            }
        )
    return raw


def assignment_fields(data: dict, *, language: str, slug: str) -> dict:
    """``AssignmentPage`` field values from one YAML assignment step."""
    from courses.demo_loader import rich_text_from_html

    where = f"assignment {slug} ({language})"
    content = _require(data, language, where)
    rubric = _require(content, "rubric", where)
    kind = rubric.get("kind", RubricKind.LEVELS)
    if kind not in RubricKind.values:
        raise _error(f"{where}: unknown rubric kind {kind!r}.")
    stream_block = AssignmentPage.rubric.field.stream_block
    try:
        stream = stream_block.clean(
            stream_block.to_python(rubric_stream_data(rubric, slug=slug, where=where))
        )
    except ValidationError as error:
        raise _error(f"{where}: {error}") from error
    return {
        "title": _require(content, "title", where),
        "estimated_minutes": int(data.get("estimated_minutes") or DEFAULT_MINUTES),
        "instructions": rich_text_from_html(
            _require(content, "instructions", where),
            features=INSTRUCTION_FEATURES,
            where=where,
        ),
        "rubric_kind": kind,
        "rubric": stream,
        "pass_threshold_percent": Decimal(str(data.get("pass_threshold", 60))),
        "due_days_after_start": data.get("due_days_after_start"),
        "word_limit": data.get("word_limit"),
        "allow_files": bool(data.get("allow_files", False)),
    }


def assignment_load(
    *,
    module_page: Page,
    step_data: dict,
    language: str,
    original: Page | None,
) -> AssignmentPage:
    """Create and publish one assignment (or its translation) from its YAML step."""
    from courses.factories import page_add, translation_add

    slug = _require(step_data, "slug", "assignment")
    fields = assignment_fields(step_data, language=language, slug=slug)
    if original is not None:
        translated = len(fields["rubric"])
        if translated != len(original.specific.rubric):
            raise _error(
                f"assignment {slug} ({language}): the rubric differs from the "
                "original's."
            )
        return translation_add(
            original=original, locale=module_page.locale, fields=fields
        )
    return page_add(parent=module_page, page=AssignmentPage(slug=slug, **fields))


# --- practicum ------------------------------------------------------------------

# (days ago, minutes, setting, client code, competencies, reflection, outcome)
DEMO_SESSIONS = (
    (
        34,
        60,
        "Arbetsförmedlingen Karlskrona",
        "K-01",
        ["active_listening", "open_questions"],
        "Första samtalet. Jag pratade för mycket i början; när jag lät "
        "tystnaderna vara började deltagaren beskriva sina egna mål.",
        "signed",
    ),
    (
        27,
        75,
        "Arbetsförmedlingen Karlskrona",
        "K-01",
        ["solution_focused", "goal_setting"],
        "Vi använde en skalfråga om energi (3 av 10) och hittade ett undantag: "
        "morgnarna när hon promenerar med en granne.",
        "signed",
    ),
    (
        20,
        90,
        "Region Blekinge, vårdcentral",
        "K-02",
        ["biopsychosocial", "cultural_humility"],
        "Första gången med tolk. Jag talade till deltagaren, inte till tolken, "
        "och vi kom överens om ord för stress.",
        "signed",
    ),
    (
        12,
        60,
        "Ronneby kommun",
        "K-03",
        ["ethics", "documentation"],
        "Vi pratade om vad jag skriver ner och vem som får läsa det. Deltagaren "
        "valde själv vad som skulle delas med handläggaren.",
        "returned",
    ),
    (
        5,
        45,
        "",
        "K-02",
        ["boundaries", "motivational"],
        "En kort uppföljning. Jag märkte att jag ville lösa saker åt honom och "
        "tog upp det i handledningen.",
        "logged",
    ),
)


@transaction.atomic
def demo_practicum_ensure(*, today: datetime.date | None = None) -> int:
    """Log the demo trainee's practicum sessions; returns how many were made.

    Needs the demo accounts and cohort (``courses.demo``). Idempotent: a
    trainee who has any session already gets none. Three sessions are signed
    off by the demo trainer, one is sent back with a comment, one waits.
    """
    from assessments.services.practicum import (
        practicum_session_log,
        practicum_session_return,
        practicum_session_sign,
    )
    from courses.demo import DEMO_ACCOUNTS
    from users.models import User

    emails = {account.role: account.email for account in DEMO_ACCOUNTS}
    trainee = User.objects.get(email=emails["trainee"])
    trainer = User.objects.get(email=emails["trainer"])
    if PracticumSession.objects.filter(trainee=trainee).exists():
        return 0
    today = today or timezone.localdate()
    for days_ago, minutes, setting, code, skills, reflection, outcome in DEMO_SESSIONS:
        session = practicum_session_log(
            trainee=trainee,
            date=today - datetime.timedelta(days=days_ago),
            minutes=minutes,
            setting_name=setting,
            client_code=code,
            competencies=skills,
            reflection=reflection,
        )
        if outcome == "signed":
            practicum_session_sign(supervisor=trainer, session_id=session.pk)
        elif outcome == "returned":
            practicum_session_return(
                supervisor=trainer,
                session_id=session.pk,
                comment=(
                    "Bra reflektion. Lägg till vad du skulle göra annorlunda "
                    "nästa gång och vilken kompetens du övade mest."
                ),
            )
    return len(DEMO_SESSIONS)
