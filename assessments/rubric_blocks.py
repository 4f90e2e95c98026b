"""StreamField blocks for an assignment's rubric, and the snapshot they make.

An editor writes criteria; for a "levels" rubric each criterion has levels
(title, description, points). Stream and list items carry stable ids that
Wagtail keeps across edits and translations, so they are the criterion and
level ids of ``assessments.grading.Rubric``: a trainer's scores stay attached
to the right criterion whatever language the page is read in.

``rubric_snapshot`` turns the page's blocks into exactly the dict
``grading.grade_rubric`` expects; a submission stores it when it is handed in.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from assessments.grading import Rubric

__all__ = [
    "RubricCriterionBlock",
    "RubricKind",
    "RubricLevelBlock",
    "RubricStreamBlock",
    "rubric_errors",
    "rubric_snapshot",
]

MAX_CRITERIA = 12
MAX_LEVELS = 6


class RubricKind(models.TextChoices):
    LEVELS = "levels", _("Levels with points")
    PASS_FAIL = "pass_fail", _("Pass or fail per criterion")


class RubricLevelBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Level"), max_length=80)
    description = blocks.TextBlock(
        label=_("What work at this level looks like"), max_length=600, required=False
    )
    points = blocks.DecimalBlock(
        label=_("Points"), min_value=0, max_value=1000, decimal_places=2
    )

    class Meta:
        icon = "list-ol"
        label = _("Level")


class RubricCriterionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Criterion"), max_length=120)
    description = blocks.TextBlock(
        label=_("What is assessed"), max_length=600, required=False
    )
    levels = blocks.ListBlock(
        RubricLevelBlock(),
        label=_("Levels"),
        min_num=0,
        max_num=MAX_LEVELS,
        help_text=_(
            "For a rubric with levels: from lowest to highest. Leave empty for "
            "a pass or fail rubric."
        ),
    )

    def clean(self, value):
        value = super().clean(value)
        titles = [str(level["title"]).strip().casefold() for level in value["levels"]]
        if len(titles) != len(set(titles)):
            raise StructBlockValidationError(
                block_errors={
                    "levels": ErrorList(
                        [ValidationError(_("Give each level a different title."))]
                    )
                }
            )
        return value

    class Meta:
        icon = "tick"
        label = _("Criterion")


class RubricStreamBlock(blocks.StreamBlock):
    criterion = RubricCriterionBlock()

    class Meta:
        min_num = 1
        max_num = MAX_CRITERIA


def _points(value) -> str:
    number = Decimal(value if value is not None else 0)
    return str(number.quantize(Decimal("0.01")))


def rubric_snapshot(*, kind: str, stream) -> Rubric:
    """The rubric in ``grading``'s schema, from a page's rubric StreamValue.

    ``pass_fail`` rubrics drop any levels an editor left in. Plain data only
    (strings, decimal strings), safe to store as JSON.
    """
    criteria = []
    for child in stream:
        if child.block_type != "criterion":
            continue
        value = child.value
        criterion = {
            "id": str(child.id),
            "title": str(value["title"]),
            "description": str(value.get("description") or ""),
        }
        if kind == RubricKind.LEVELS:
            criterion["levels"] = [
                {
                    "id": str(level.id),
                    "title": str(level.value["title"]),
                    "description": str(level.value.get("description") or ""),
                    "points": _points(level.value["points"]),
                }
                for level in value["levels"].bound_blocks
            ]
        criteria.append(criterion)
    return {"kind": str(kind), "criteria": criteria}


def rubric_errors(*, kind: str, stream) -> list[str]:
    """What makes the rubric unusable for grading, in words (empty when fine)."""
    criteria = [child for child in stream if child.block_type == "criterion"]
    errors: list[str] = []
    if not criteria:
        errors.append(_("Add at least one criterion to the rubric."))
    if kind == RubricKind.LEVELS:
        for child in criteria:
            levels = list(child.value["levels"])
            if len(levels) < 2:
                errors.append(
                    _("Criterion “%(title)s” needs at least two levels.")
                    % {"title": child.value["title"]}
                )
            elif max(Decimal(level["points"] or 0) for level in levels) <= 0:
                errors.append(
                    _("Criterion “%(title)s” needs a level worth more than 0 points.")
                    % {"title": child.value["title"]}
                )
    return errors
