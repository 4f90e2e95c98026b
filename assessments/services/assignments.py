"""Writes for written assignments: drafts, files, hand-in, review and grading.

Grading itself is ``assessments.grading.grade_rubric`` (pure); these
functions lock, snapshot and record. Callers have checked access
(``assessments.access``); the services check the workflow (what state allows
what) and raise ``AssignmentError`` with a message for people.

Every function here runs in one transaction. The trainee's open version is
locked (``select_for_update``) before it changes, so autosave, upload and
hand-in from two tabs are applied one after another, never interleaved.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Page

from assessments import grading
from assessments.models import (
    AssignmentPage,
    Attachment,
    Review,
    Submission,
)
from assessments.selectors.assignments import (
    assignment_due_at,
    may_grade,
    submission_cohort,
)
from assessments.services.results import assessment_result_record
from assessments.uploads import validate_attachment
from config.sanitise import MAX_HTML_CHARS, sanitise_html
from courses.services import StepLocked

__all__ = [
    "AlreadyGraded",
    "AssignmentError",
    "attachment_add",
    "attachment_remove",
    "body_from_input",
    "submission_draft_save",
    "submission_grade",
    "submission_graded_notify",
    "submission_review_start",
    "submission_submit",
]

Status = Submission.Status
_MARKUP_RE = re.compile(r"<[A-Za-z/!]")
_BLANK_LINES_RE = re.compile(r"\n\s*\n")
_DIV_RE = re.compile(r"<(/?)div\b", re.IGNORECASE)


class AssignmentError(Exception):
    """An action the workflow does not allow now; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AlreadyGraded(AssignmentError):
    pass


# --- helpers -------------------------------------------------------------------


def body_from_input(text: str) -> str:
    """The trainee's text as sanitised HTML.

    The in-page editor sends HTML. Without JavaScript the same field is a
    plain text area, so text without any markup is turned into paragraphs
    (blank lines) and line breaks instead of running together. Raises
    ``AssignmentError`` for text too long to store.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_HTML_CHARS:
        raise AssignmentError(_("The text is too long to save."))
    if text.strip() and not _MARKUP_RE.search(text):
        paragraphs = [p.strip() for p in _BLANK_LINES_RE.split(text) if p.strip()]
        text = "".join(
            "<p>" + "<br>".join(escape(line) for line in p.split("\n")) + "</p>"
            for p in paragraphs
        )
    # Editors and pasted text use <div> for paragraphs; the allow-list has
    # no <div>, and stripping it would run the paragraphs together.
    text = _DIV_RE.sub(r"<\1p", text)
    try:
        return sanitise_html(text)
    except ValueError:
        # Too long once turned into HTML, nested too deep, or too many
        # attributes: none of it is anything a person typed.
        raise AssignmentError(_("The text could not be saved as it is.")) from None


def _original_id(page: Page) -> int:
    return (
        Page.objects.filter(translation_key=page.translation_key)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def _check_open(*, user, page: AssignmentPage) -> None:
    from courses.models import CoursePage
    from courses.selectors import course_outline
    from courses.steps import course_path

    course = CoursePage.objects.get(path=course_path(page.path))
    outline = course_outline(user=user, course=course, current_key=page.translation_key)
    state = next((s for s in outline.steps if s.row.id == page.pk), None)
    if state is not None and state.locked and not state.done:
        raise StepLocked(state.locked_reason)


def _versions(*, user, assignment_id: int):
    return Submission.objects.filter(user=user, assignment_id=assignment_id)


def _locked_open(*, user, assignment_id: int) -> Submission | None:
    return (
        _versions(user=user, assignment_id=assignment_id)
        .select_for_update()
        .filter(status__in=Submission.OPEN)
        .first()
    )


def _store(*, submission: Submission, name: str, data: bytes, **fields) -> Attachment:
    """Write ``data`` to private storage and record it as an attachment."""
    attachment = Attachment(
        submission=submission,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=timezone.now(),
        **fields,
    )
    attachment.file.save(name, ContentFile(data), save=False)
    try:
        attachment.full_clean(exclude=["submission"])
        attachment.save()
    except BaseException:
        # No row, no way to reach the file: do not leave it behind.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def _copy_attachments(*, source: Submission, target: Submission) -> None:
    """Give a new version its own copies of the previous version's files, so
    every version stays complete whatever happens to the next."""
    for old in source.attachments.all():
        with old.file.open("rb") as handle:
            data = handle.read()
        extension = "." + old.file.name.rsplit(".", 1)[-1]
        _store(
            submission=target,
            name=f"{uuid.uuid4().hex}{extension}",
            data=data,
            original_name=old.original_name,
            content_type=old.content_type,
            kind=old.kind,
        )


def _draft_ensure(
    *, user, page: AssignmentPage, assignment_id: int
) -> tuple[Submission, bool]:
    """The trainee's draft, locked; a new version is started when allowed.

    Raises ``AssignmentError`` when the work is waiting for review or the
    assignment is finished (passed or failed).
    """
    current = _locked_open(user=user, assignment_id=assignment_id)
    if current is not None:
        if current.status != Status.DRAFT:
            raise AssignmentError(
                _("Your work has been handed in and is waiting for a trainer.")
            )
        return current, False
    latest = (
        _versions(user=user, assignment_id=assignment_id).order_by("-version").first()
    )
    if latest is not None and latest.status in Submission.FINAL:
        raise AssignmentError(_("This assignment has been graded and is closed."))
    now = timezone.now()
    draft = Submission(
        user=user,
        assignment_id=assignment_id,
        cohort=submission_cohort(user=user, page=page),
        version=(latest.version + 1) if latest else 1,
        status=Status.DRAFT,
        body_html=latest.body_html if latest else "",
        created_at=now,
        updated_at=now,
    )
    draft.full_clean(
        exclude=["user", "assignment", "cohort"], validate_constraints=False
    )
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        # Another request started the same version first: use that one.
        draft = _locked_open(user=user, assignment_id=assignment_id)
        if draft is None or draft.status != Status.DRAFT:
            raise AssignmentError(
                _("Your work has been handed in and is waiting for a trainer.")
            ) from None
        return draft, False
    if latest is not None:
        _copy_attachments(source=latest, target=draft)
    return draft, True


# --- trainee -------------------------------------------------------------------


@transaction.atomic
def submission_draft_save(*, user, page: AssignmentPage, body: str) -> Submission:
    """Save the trainee's text as their draft (autosave and "Save draft").

    Starts the draft (a new version after work was returned) when there is
    none. Raises ``StepLocked`` for a step not open yet and
    ``AssignmentError`` when the work cannot be changed now.
    """
    _check_open(user=user, page=page)
    body_html = body_from_input(body)
    draft, _created = _draft_ensure(
        user=user, page=page, assignment_id=_original_id(page)
    )
    draft.body_html = body_html
    draft.updated_at = timezone.now()
    draft.save(update_fields=["body_html", "updated_at"])
    return draft


@transaction.atomic
def attachment_add(*, user, page: AssignmentPage, name: str, data) -> Attachment:
    """Validate one uploaded file by its content and attach it to the draft.

    ``data`` is a file-like object or bytes. Raises ``ValidationError`` (from
    ``validate_attachment``, with a message for the trainee) for a file that
    is refused, ``AssignmentError`` when files are not allowed or the draft
    has as many as it may.
    """
    _check_open(user=user, page=page)
    if not page.allow_files:
        raise AssignmentError(_("This assignment does not take attachments."))
    draft, _created = _draft_ensure(
        user=user, page=page, assignment_id=_original_id(page)
    )
    if draft.attachments.count() >= page.max_files:
        raise AssignmentError(
            _("You can attach at most %(count)s files. Remove one first.")
            % {"count": page.max_files}
        )
    clean = validate_attachment(
        name=name,
        data=data,
        allowed_kinds=page.allowed_file_kinds,
        max_bytes=page.max_file_bytes,
    )
    attachment = _store(
        submission=draft,
        name=clean.safe_name,
        data=clean.data,
        original_name=clean.original_name,
        content_type=clean.content_type,
        kind=clean.kind,
    )
    draft.updated_at = timezone.now()
    draft.save(update_fields=["updated_at"])
    return attachment


@transaction.atomic
def attachment_remove(*, user, attachment: Attachment) -> None:
    """Remove a file from the trainee's draft; the file is deleted after commit.

    Raises ``AssignmentError`` unless the attachment belongs to a draft.
    """
    submission = (
        Submission.objects.select_for_update()
        .filter(pk=attachment.submission_id, user=user)
        .first()
    )
    if submission is None or submission.status != Status.DRAFT:
        raise AssignmentError(_("Files can only be removed from a draft."))
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def submission_submit(
    *, user, page: AssignmentPage, body: str | None = None, now=None
) -> tuple[Submission, bool]:
    """Hand in the trainee's draft; returns (submission, handed_in_now).

    Idempotent: the open version is locked first, and when it is already
    handed in (a double click, a second tab) it is returned unchanged with
    ``False``. With ``body`` the text is saved first. Snapshots the rubric,
    threshold, due date and page revision, marks late work late (it is still
    accepted) and records "awaiting review" in the results ledger.

    Raises ``StepLocked``, or ``AssignmentError`` for empty work, work over the
    word limit or a closed assignment.
    """
    _check_open(user=user, page=page)
    now = now or timezone.now()
    assignment_id = _original_id(page)
    current = _locked_open(user=user, assignment_id=assignment_id)
    if current is not None and current.status in Submission.AWAITING_REVIEW:
        return current, False
    if body is not None:
        body_html = body_from_input(body)
    try:
        draft, _created = _draft_ensure(
            user=user, page=page, assignment_id=assignment_id
        )
    except AssignmentError:
        # Handed in by a simultaneous request while this one waited.
        current = _locked_open(user=user, assignment_id=assignment_id)
        if current is not None and current.status in Submission.AWAITING_REVIEW:
            return current, False
        raise
    if body is not None:
        draft.body_html = body_html
        draft.save(update_fields=["body_html"])
    has_files = draft.attachments.exists()
    if draft.word_count == 0 and not has_files:
        raise AssignmentError(
            _("Write your answer or attach a file before handing in.")
        )
    if page.word_limit and draft.word_count > page.word_limit:
        raise AssignmentError(
            _(
                "Your text has %(words)s words; the limit is %(limit)s. Shorten it "
                "before handing in."
            )
            % {"words": draft.word_count, "limit": page.word_limit}
        )
    due_at = assignment_due_at(page=page, cohort=draft.cohort)
    draft.status = Status.SUBMITTED
    draft.submitted_at = now
    draft.updated_at = now
    draft.due_at = due_at
    draft.late = grading.is_late(submitted_at=now, due_at=due_at)
    draft.rubric = page.rubric_snapshot()
    draft.pass_threshold_percent = page.pass_threshold_percent
    draft.revision_id = page.live_revision_id
    draft.full_clean(
        exclude=["user", "assignment", "cohort", "revision"], validate_constraints=False
    )
    draft.save()
    assessment_result_record(
        user=user,
        assessment=draft.assignment,
        score=None,
        max_score=None,
        percent=None,
        passed=None,
        late=draft.late,
        awaiting_review=True,
        by=user,
        reason=f"assignment handed in (version {draft.version})",
    )
    return draft, True


# --- trainers ------------------------------------------------------------------


def _locked_for_grading(*, reviewer, submission_id: int) -> Submission:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("cohort", "assignment", "user")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not may_grade(user=reviewer, submission=submission):
        raise PermissionDenied
    return submission


@transaction.atomic
def submission_review_start(*, reviewer, submission_id: int) -> Submission:
    """Mark handed-in work as being reviewed by ``reviewer``.

    Idempotent. Raises ``PermissionDenied`` unless ``reviewer`` may grade it,
    ``AssignmentError`` when it is not waiting for review.
    """
    submission = _locked_for_grading(reviewer=reviewer, submission_id=submission_id)
    if submission.status == Status.IN_REVIEW:
        return submission
    if submission.status != Status.SUBMITTED:
        raise AlreadyGraded(_("This work is not waiting for review."))
    submission.status = Status.IN_REVIEW
    submission.review_started_at = timezone.now()
    submission.review_started_by = reviewer
    submission.save(update_fields=["status", "review_started_at", "review_started_by"])
    return submission


def _rubric_scores(rubric: Mapping, raw: Mapping[str, str]) -> dict:
    """Form values as ``grade_rubric`` scores: level ids, or booleans."""
    scores: dict[str, str | bool | None] = {}
    for criterion in rubric.get("criteria", []):
        value = raw.get(criterion["id"]) or None
        if rubric.get("kind") == "pass_fail" and value is not None:
            value = {"pass": True, "fail": False}.get(value, value)
        scores[criterion["id"]] = value
    return scores


@transaction.atomic
def submission_grade(
    *,
    reviewer,
    submission_id: int,
    scores: Mapping[str, str],
    feedback: str,
    decision: str,
) -> Review:
    """Grade handed-in work with its rubric snapshot and record the result.

    ``scores`` maps criterion id to a level id ("levels") or "pass"/"fail".
    The decision must agree with the rubric: "passed" only when the rubric
    passes, "returned" (the trainee revises in a new version) or "failed"
    (final) only when it does not. Exactly once per version: a second grade
    raises ``AlreadyGraded``. The trainee is e-mailed after commit.

    Raises ``PermissionDenied`` unless ``reviewer`` may grade it, and
    ``ValidationError`` (keyed by criterion id, "decision" or "feedback") for
    scores, a decision or feedback that do not fit.
    """
    submission = _locked_for_grading(reviewer=reviewer, submission_id=submission_id)
    if submission.status not in Submission.AWAITING_REVIEW:
        raise AlreadyGraded(_("This work has already been graded."))
    rubric = submission.rubric or {}
    try:
        result = grading.grade_rubric(
            rubric=rubric,
            scores=_rubric_scores(rubric, scores),
            pass_threshold_percent=submission.pass_threshold_percent,
        )
    except grading.IncompleteRubric as missing:
        raise ValidationError(
            {cid: _("Choose a score for this criterion.") for cid in missing.missing}
        ) from None
    except grading.InvalidScore as invalid:
        raise ValidationError(
            {invalid.criterion_id: _("Choose one of the levels.")}
        ) from None
    allowed = (
        {Review.Decision.PASSED}
        if result.passed
        else {Review.Decision.RETURNED, Review.Decision.FAILED}
    )
    if decision not in allowed:
        raise ValidationError(
            {
                "decision": _(
                    "The rubric score reaches the pass threshold: choose “Passed”."
                )
                if result.passed
                else _(
                    "The rubric score is below the pass threshold: return the "
                    "work for revision or fail it."
                )
            }
        )
    try:
        feedback_html = body_from_input(feedback)
    except AssignmentError as error:
        raise ValidationError({"feedback": error.message}) from None
    now = timezone.now()
    review = Review(
        submission=submission,
        reviewer=reviewer,
        decision=decision,
        feedback_html=feedback_html,
        scores={
            c.criterion_id: (c.level_id if c.level_id is not None else c.passed)
            for c in result.criteria
        },
        total=result.total,
        max_total=result.max_total,
        percent=result.percent,
        passed=result.passed,
        created_at=now,
    )
    review.full_clean(exclude=["submission", "reviewer"], validate_constraints=False)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        raise AlreadyGraded(_("This work has already been graded.")) from None
    submission.status = decision
    if submission.review_started_by_id is None:
        submission.review_started_by = reviewer
        submission.review_started_at = now
    submission.save(update_fields=["status", "review_started_by", "review_started_at"])
    reasons = {
        Review.Decision.PASSED: "assignment passed",
        Review.Decision.RETURNED: "assignment returned for revision",
        Review.Decision.FAILED: "assignment failed",
    }
    assessment_result_record(
        user=submission.user,
        assessment=submission.assignment,
        score=result.total,
        max_score=result.max_total,
        percent=result.percent,
        passed=result.passed,
        late=submission.late,
        awaiting_review=False,
        by=reviewer,
        reason=f"{reasons[decision]} (version {submission.version})",
    )
    from assessments.tasks import submission_graded_send_email

    submission_graded_send_email.delay_on_commit(review.pk)
    return review


# --- notifications -------------------------------------------------------------


def _in_language(page: Page, language: str) -> Page:
    from wagtail.models import Locale

    locale = Locale.objects.filter(language_code=language).first()
    translated = page.get_translation_or_none(locale) if locale else None
    return translated or page


def submission_graded_notify(*, review_id: int) -> bool:
    """E-mail the trainee that their work was graded; True when it was sent.

    Exactly once: the review is claimed with a conditional update before
    sending and released again if sending fails (the task then retries). The
    e-mail is in the trainee's language and links to the feedback; the
    feedback itself stays on the site. Run it outside a transaction.
    """
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    now = timezone.now()
    claimed = Review.objects.filter(pk=review_id, email_sent_at__isnull=True).update(
        email_sent_at=now
    )
    if not claimed:
        return False
    review = Review.objects.select_related(
        "submission__user", "submission__assignment"
    ).get(pk=review_id)
    trainee = review.submission.user
    language = trainee.preferred_language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            path = reverse(
                "assignment_submission", kwargs={"submission_id": review.submission_id}
            )
            context = {
                "person": trainee,
                "review": review,
                "submission": review.submission,
                "assignment": _in_language(review.submission.assignment, language),
                "link": f"{settings.SITE_URL}{path}",
            }
            subject = render_to_string(
                "assessments/assignment_graded_email_subject.txt", context
            )
            message = EmailMultiAlternatives(
                subject=" ".join(subject.split()),
                body=render_to_string(
                    "assessments/assignment_graded_email_body.txt", context
                ),
                to=[trainee.email],
            )
            message.attach_alternative(
                render_to_string("assessments/assignment_graded_email.html", context),
                "text/html",
            )
        message.send()
    except BaseException:
        Review.objects.filter(pk=review_id).update(email_sent_at=None)
        raise
    return True
