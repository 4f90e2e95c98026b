"""Writes to the results ledger: one row per trainee and assessment."""

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from assessments.models import AssessmentResult, AssessmentResultChange
from courses.services import StepLocked, original_page, step_complete

logger = logging.getLogger(__name__)

_CENT = Decimal("0.01")
TRACKED_FIELDS = ("score", "max_score", "percent", "passed", "late", "awaiting_review")


def _decimal(value: Decimal | int | str | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(_CENT)


def _as_json(values: dict) -> dict:
    return {
        name: str(value) if isinstance(value, Decimal) else value
        for name, value in values.items()
    }


def _values(result: AssessmentResult) -> dict:
    return {name: getattr(result, name) for name in TRACKED_FIELDS}


def _locked_result(*, user, assessment: Page) -> tuple[AssessmentResult, bool]:
    """The result row, locked for this transaction; created empty if missing."""
    result = (
        AssessmentResult.objects.select_for_update()
        .filter(user=user, assessment=assessment)
        .first()
    )
    if result is not None:
        return result, False
    try:
        with transaction.atomic():
            return AssessmentResult.objects.create(
                user=user, assessment=assessment
            ), True
    except IntegrityError:
        # Another transaction created it between our read and our insert.
        return (
            AssessmentResult.objects.select_for_update().get(
                user=user, assessment=assessment
            ),
            False,
        )


@transaction.atomic
def assessment_result_record(
    *,
    user,
    assessment: Page,
    score: Decimal | None,
    max_score: Decimal | None,
    percent: Decimal | None,
    passed: bool | None,
    late: bool = False,
    awaiting_review: bool = False,
    by=None,
    reason: str = "",
) -> AssessmentResult:
    """Set ``user``'s result for ``assessment`` (any translation of it).

    Upserts the one row per person and original assessment page, locking it
    for the rest of the caller's transaction, and logs an
    ``AssessmentResultChange`` (who, when, old and new values) when anything
    changed; recording the same values again changes nothing and logs
    nothing. When ``passed`` becomes True the step is completed
    (``courses.services.step_complete``) in the same transaction. Decimal
    values are rounded to cents. Raises ``ValidationError`` for values the
    model refuses (a percent outside 0-100).
    """
    original = original_page(assessment)
    now = timezone.now()
    result, created = _locked_result(user=user, assessment=original)
    old = None if created else _values(result)
    new = {
        "score": _decimal(score),
        "max_score": _decimal(max_score),
        "percent": _decimal(percent),
        "passed": passed,
        "late": bool(late),
        "awaiting_review": bool(awaiting_review),
    }
    if old == new:
        return result
    was_passed = result.passed is True
    for name, value in new.items():
        setattr(result, name, value)
    result.updated_at = now
    if passed and result.first_passed_at is None:
        result.first_passed_at = now
    result.full_clean(validate_unique=False, validate_constraints=False)
    result.save()
    change = AssessmentResultChange(
        result=result,
        action="assessments.result_create"
        if old is None
        else "assessments.result_update",
        changed_by=by,
        changed_at=now,
        old=None if old is None else _as_json(old),
        new=_as_json(new),
        reason=reason[:300],
    )
    change.full_clean()
    change.save()
    if passed and not was_passed:
        try:
            step_complete(user=user, step=original.specific)
        except StepLocked:
            # The result stands; the step is completed when the trainee
            # reaches it (see quiz_page_context) rather than losing a grade.
            logger.warning(
                "Result %s passed on a locked step; completion deferred", result.pk
            )
    return result
