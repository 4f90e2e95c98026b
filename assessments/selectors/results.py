"""Reads of the results ledger."""

import uuid
from collections.abc import Iterable

from assessments.models import AssessmentResult, AssessmentResultChange


def passed_assessment_keys(*, user_ids: Iterable[int]) -> dict[int, set[uuid.UUID]]:
    """The translation keys of the assessment pages each user has passed.

    Every id in ``user_ids`` is a key of the answer (with an empty set when
    that user passed nothing). One query.
    """
    user_ids = list(user_ids)
    passed: dict[int, set[uuid.UUID]] = {user_id: set() for user_id in user_ids}
    rows = AssessmentResult.objects.filter(
        user_id__in=user_ids, passed=True
    ).values_list("user_id", "assessment__translation_key")
    for user_id, key in rows:
        passed[user_id].add(key)
    return passed


def result_changes(*, result_id: int) -> list[dict]:
    """A result's history, oldest first, with who made each change."""
    return list(
        AssessmentResultChange.objects.filter(result_id=result_id)
        .order_by("changed_at", "id")
        .values(
            "id",
            "action",
            "changed_at",
            "old",
            "new",
            "reason",
            "changed_by__legal_name",
            "changed_by__email",
        )
    )
