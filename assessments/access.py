"""Who may open which assessment record.

One function per entity; each answers 404 alike for "missing" and "not
yours" (see ``courses.access``).
"""

from django.http import Http404

from assessments.models import AssessmentResult, QuizAttempt, QuizPage
from courses.access import access_step_by_id, cohorts_visible_to
from courses.models import CohortMembership
from users.roles import is_programme_admin


def access_quiz_by_id(*, user, page_id: int) -> QuizPage:
    """The live quiz page ``page_id`` (any translation), if ``user`` is
    enrolled in its course; else 404."""
    page = access_step_by_id(user=user, page_id=page_id)
    if not isinstance(page, QuizPage):
        raise Http404
    return page


def access_quiz_attempt_by_id(*, user, attempt_id: int) -> QuizAttempt:
    """``user``'s own quiz attempt; else 404 (staff included: an attempt is
    the trainee's own work until it is graded)."""
    if not user.is_authenticated:
        raise Http404
    try:
        return QuizAttempt.objects.select_related("quiz").get(pk=attempt_id, user=user)
    except (QuizAttempt.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_assessment_result_by_id(*, user, result_id: int) -> AssessmentResult:
    """A result, for programme administrators, or for trainers of a cohort
    the trainee is in; else 404."""
    results = AssessmentResult.objects.select_related("user", "assessment")
    if not is_programme_admin(user):
        trainees = CohortMembership.objects.filter(
            cohort__in=cohorts_visible_to(user)
        ).values("user_id")
        results = results.filter(user_id__in=trainees)
    try:
        return results.get(pk=result_id)
    except (AssessmentResult.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Written assignments and the practicum log ----------------------------------
# (maintained with the assignments; same rule: 404 for missing and not yours)

from django.db.models import Q  # noqa: E402

from assessments.models import (  # noqa: E402
    AssignmentPage,
    Attachment,
    PracticumSession,
    Submission,
)
from assessments.selectors.assignments import may_grade  # noqa: E402
from assessments.selectors.practicum import (  # noqa: E402
    readable_sessions,
    supervised_trainee_ids,
)


def access_assignment_by_id(*, user, page_id: int) -> AssignmentPage:
    """The live assignment page ``page_id`` (any translation), if ``user`` is
    enrolled in its course; else 404."""
    page = access_step_by_id(user=user, page_id=page_id)
    if not isinstance(page, AssignmentPage):
        raise Http404
    return page


def _readable_submissions(user):
    submissions = Submission.objects.select_related("assignment", "cohort", "user")
    if not user.is_authenticated:
        return submissions.none()
    if is_programme_admin(user):
        return submissions
    return submissions.filter(
        Q(user_id=user.pk) | Q(cohort__in=user.cohorts_taught.values("pk"))
    )


def access_submission_by_id(*, user, submission_id: int) -> Submission:
    """A submission, for its owner, the trainers of its cohort and programme
    administrators; else 404."""
    try:
        return _readable_submissions(user).get(pk=submission_id)
    except (Submission.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_submission_for_grading_by_id(*, user, submission_id: int) -> Submission:
    """A submission ``user`` may grade (``grade_submission`` and a trainer of
    its cohort); else 404."""
    submission = access_submission_by_id(user=user, submission_id=submission_id)
    if not may_grade(user=user, submission=submission):
        raise Http404
    return submission


def access_attachment_by_id(*, user, attachment_id: int) -> Attachment:
    """A file, for whoever may read its submission; else 404."""
    try:
        return Attachment.objects.select_related("submission").get(
            pk=attachment_id,
            submission__in=_readable_submissions(user).values("pk"),
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_practicum_session_by_id(*, user, session_id: int) -> PracticumSession:
    """A practicum session, for its trainee, those who may sign it off and
    programme administrators; else 404."""
    try:
        return readable_sessions(user=user).select_related("trainee").get(pk=session_id)
    except (PracticumSession.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_practicum_session_for_review_by_id(
    *, user, session_id: int
) -> PracticumSession:
    """A session ``user`` may sign off or send back; else 404."""
    if not user.is_authenticated:
        raise Http404
    try:
        return (
            PracticumSession.objects.filter(supervised_trainee_ids(supervisor=user))
            .select_related("trainee", "supervisor")
            .get(pk=session_id)
        )
    except (PracticumSession.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
