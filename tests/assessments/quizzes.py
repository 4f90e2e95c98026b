"""Quiz set-up shared by the quiz, results and gradebook tests (not a test module)."""

from decimal import Decimal

from wagtail.models import Locale

from assessments.models import QuizAttempt, QuizPage
from assessments.quiz_content import quiz_page_create
from courses.factories import translation_add
from courses.models import ModulePage
from tests.courses.conftest import build_course

# One question of every type; 9 gradable points.
QUESTIONS = [
    {
        "type": "single_choice",
        "points": 1,
        "prompt": "Where does person-centred work start?",
        "options": [
            {"text": "With the programmes", "correct": False, "feedback": "FB-A"},
            {"text": "With the person", "correct": True, "feedback": "FB-B"},
            {"text": "With the file", "correct": False, "feedback": "FB-C"},
        ],
    },
    {
        "type": "multiple_choice",
        "points": 2,
        "scoring": "partial",
        "prompt": "Which are building blocks?",
        "options": [
            {"text": "Narrative", "correct": True, "feedback": "FB-N"},
            {"text": "Partnership", "correct": True, "feedback": "FB-P"},
            {"text": "Diagnosis", "correct": False, "feedback": "FB-D"},
        ],
    },
    {
        "type": "true_false",
        "points": 1,
        "prompt": "Coaches decide on benefits.",
        "correct": False,
        "feedback_true": "FB-TRUE",
        "feedback_false": "FB-FALSE",
    },
    {
        "type": "short_text",
        "points": 2,
        "prompt": "Bandura's term?",
        "accepted_answers": ["self-efficacy", "SECRET-ANSWER"],
        "case_sensitive": False,
        "normalise_whitespace": True,
    },
    {
        "type": "ordering",
        "points": 3,
        "prompt": "Put in order.",
        "items": ["First step", "Second step", "Third step", "Fourth step"],
    },
    {"type": "reflection", "prompt": "Reflect on a resource you have seen."},
]


def question(attempt: QuizAttempt, qtype: str) -> dict:
    return next(q for q in attempt.questions if q["type"] == qtype)


def correct_answers(attempt: QuizAttempt) -> dict:
    """Full marks for every gradable question of ``attempt``."""
    answers = {}
    for q in attempt.questions:
        if q["type"] == "single_choice":
            answers[q["id"]] = next(o["id"] for o in q["options"] if o["correct"])
        elif q["type"] == "multiple_choice":
            answers[q["id"]] = [o["id"] for o in q["options"] if o["correct"]]
        elif q["type"] == "true_false":
            answers[q["id"]] = q["correct"]
        elif q["type"] == "short_text":
            answers[q["id"]] = q["accepted_answers"][0]
        elif q["type"] == "ordering":
            answers[q["id"]] = [i["id"] for i in q["items"]]
    return answers


def wrong_answers(attempt: QuizAttempt) -> dict:
    answers = {}
    for q in attempt.questions:
        if q["type"] == "single_choice":
            answers[q["id"]] = next(o["id"] for o in q["options"] if not o["correct"])
        elif q["type"] == "true_false":
            answers[q["id"]] = not q["correct"]
    return answers


def build_quiz(
    *,
    title: str = "Quiz course",
    questions: list[dict] | None = None,
    lessons: int = 0,
    **fields,
) -> QuizPage:
    """A course with one module: ``lessons`` lessons, then a published quiz."""
    fields.setdefault("pass_mark_percent", Decimal(70))
    course = build_course(title=title, modules=1, lessons=lessons)
    module = ModulePage.objects.child_of(course).get()
    return quiz_page_create(
        parent=module,
        questions=questions or QUESTIONS,
        title="Knowledge check",
        **fields,
    )


def translate_quiz(quiz: QuizPage, *, language: str = "en", title: str) -> QuizPage:
    """The ``language`` translation of ``quiz``; its prompts read
    "<LANGUAGE> q<n>" (the ids stay the original's)."""
    locale = Locale.objects.get(language_code=language)
    questions = [
        {**raw, "value": {**raw["value"], "prompt": f"<p>{language.upper()} q{n}</p>"}}
        for n, raw in enumerate(quiz.questions.get_prep_value(), start=1)
    ]
    return translation_add(
        original=quiz, locale=locale, fields={"title": title, "questions": questions}
    )
