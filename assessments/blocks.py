"""Quiz questions as StreamField blocks, and their snapshots for grading.

Each question block turns its value into the snapshot dict that
``assessments.grading`` grades (``Question``). Question ids are the stream
blocks' ids and option or item ids are the list items' ids: Wagtail keeps both
when a page is copied for translation, so every language of a quiz grades
with the same ids.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.rich_text import expand_db_html

from config.sanitise import sanitise_html

PROMPT_FEATURES = ["bold", "italic", "ol", "ul"]
MAX_POINTS = Decimal(100)


def _prompt_block():
    return blocks.RichTextBlock(label=_("Question"), features=PROMPT_FEATURES)


def _points_block():
    return blocks.DecimalBlock(
        label=_("Points"),
        default=Decimal(1),
        min_value=Decimal(0),
        max_value=MAX_POINTS,
        decimal_places=2,
    )


def _prompt_html(value) -> str:
    source = getattr(value, "source", value) or ""
    return sanitise_html(expand_db_html(source))


def _points(value) -> str:
    return str(Decimal(value if value is not None else 0).quantize(Decimal("0.01")))


def _error(field: str, message: str) -> StructBlockValidationError:
    return StructBlockValidationError(
        block_errors={field: ErrorList([ValidationError(message)])}
    )


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer option"), max_length=500)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("Feedback"),
        required=False,
        help_text=_("Shown when this option was chosen, if feedback is shown."),
    )

    class Meta:
        icon = "radio-full"


def _options_block():
    return blocks.ListBlock(OptionBlock(), label=_("Options"), min_num=2, max_num=12)


def _options_snapshot(options) -> list[dict]:
    return [
        {
            "id": str(child.id),
            "text": child.value["text"],
            "correct": bool(child.value["correct"]),
            "feedback": child.value["feedback"] or "",
        }
        for child in options.bound_blocks
    ]


class QuestionBlock(blocks.StructBlock):
    """Base class: every question turns its value into a grading snapshot."""

    question_type = ""

    def snapshot(self, value, *, question_id: str) -> dict:
        return {
            "id": question_id,
            "type": self.question_type,
            "prompt": _prompt_html(value["prompt"]),
            "points": _points(value.get("points")),
        }


class SingleChoiceQuestionBlock(QuestionBlock):
    question_type = "single_choice"
    prompt = _prompt_block()
    points = _points_block()
    options = _options_block()

    def clean(self, value):
        value = super().clean(value)
        correct = [o for o in value["options"] if o["correct"]]
        if len(correct) != 1:
            raise _error("options", _("Mark exactly one option as correct."))
        return value

    def snapshot(self, value, *, question_id: str) -> dict:
        return {
            **super().snapshot(value, question_id=question_id),
            "options": _options_snapshot(value["options"]),
        }

    class Meta:
        icon = "radio-full"
        label = _("Single choice")


class MultipleChoiceQuestionBlock(QuestionBlock):
    question_type = "multiple_choice"
    prompt = _prompt_block()
    points = _points_block()
    scoring = blocks.ChoiceBlock(
        label=_("Scoring"),
        choices=[
            ("all_or_nothing", _("All or nothing")),
            ("partial", _("Partial credit")),
        ],
        default="all_or_nothing",
        help_text=_(
            "Partial credit: each correct option chosen earns a share of the "
            "points and each wrong one costs a share, never below zero."
        ),
    )
    options = _options_block()

    def clean(self, value):
        value = super().clean(value)
        if not any(o["correct"] for o in value["options"]):
            raise _error("options", _("Mark at least one option as correct."))
        return value

    def snapshot(self, value, *, question_id: str) -> dict:
        return {
            **super().snapshot(value, question_id=question_id),
            "scoring": value["scoring"],
            "options": _options_snapshot(value["options"]),
        }

    class Meta:
        icon = "tasks"
        label = _("Multiple choice")


class TrueFalseQuestionBlock(QuestionBlock):
    question_type = "true_false"
    prompt = _prompt_block()
    points = _points_block()
    correct = blocks.ChoiceBlock(
        label=_("The statement is"),
        choices=[("true", _("True")), ("false", _("False"))],
        default="true",
    )
    feedback_true = blocks.TextBlock(label=_("Feedback for “true”"), required=False)
    feedback_false = blocks.TextBlock(label=_("Feedback for “false”"), required=False)

    def snapshot(self, value, *, question_id: str) -> dict:
        return {
            **super().snapshot(value, question_id=question_id),
            "correct": value["correct"] == "true",
            "feedback_true": value["feedback_true"] or "",
            "feedback_false": value["feedback_false"] or "",
        }

    class Meta:
        icon = "tick"
        label = _("True or false")


class ShortTextQuestionBlock(QuestionBlock):
    question_type = "short_text"
    prompt = _prompt_block()
    points = _points_block()
    accepted_answers = blocks.ListBlock(
        blocks.CharBlock(label=_("Accepted answer"), max_length=200),
        label=_("Accepted answers"),
        min_num=1,
        max_num=30,
    )
    case_sensitive = blocks.BooleanBlock(
        label=_("Upper and lower case must match"), required=False
    )
    normalise_whitespace = blocks.BooleanBlock(
        label=_("Ignore extra spaces"), required=False, default=True
    )

    def snapshot(self, value, *, question_id: str) -> dict:
        return {
            **super().snapshot(value, question_id=question_id),
            "accepted_answers": list(value["accepted_answers"]),
            "case_sensitive": bool(value["case_sensitive"]),
            "normalise_whitespace": bool(value["normalise_whitespace"]),
        }

    class Meta:
        icon = "pilcrow"
        label = _("Short answer")


class OrderingQuestionBlock(QuestionBlock):
    question_type = "ordering"
    prompt = _prompt_block()
    points = _points_block()
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("Item"), max_length=300),
        label=_("Items, in the correct order"),
        min_num=2,
        max_num=12,
        help_text=_("Trainees see them shuffled and put them in this order."),
    )

    def snapshot(self, value, *, question_id: str) -> dict:
        return {
            **super().snapshot(value, question_id=question_id),
            "items": [
                {"id": str(child.id), "text": child.value}
                for child in value["items"].bound_blocks
            ],
        }

    class Meta:
        icon = "list-ol"
        label = _("Put in order")


class ReflectionQuestionBlock(QuestionBlock):
    question_type = "reflection"
    prompt = _prompt_block()

    def snapshot(self, value, *, question_id: str) -> dict:
        return {**super().snapshot(value, question_id=question_id), "points": "0"}

    class Meta:
        icon = "openquote"
        label = _("Reflection (not graded)")


class QuizQuestionsBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    short_text = ShortTextQuestionBlock()
    ordering = OrderingQuestionBlock()
    reflection = ReflectionQuestionBlock()

    class Meta:
        min_num = 1
        max_num = 100


def questions_snapshot(stream) -> list[dict]:
    """The grading snapshot (with the answer key) of a saved questions stream."""
    questions = []
    for child in stream:
        if not child.id:
            raise ValueError("Questions need ids: snapshot a saved page.")
        questions.append(child.block.snapshot(child.value, question_id=str(child.id)))
    return questions
