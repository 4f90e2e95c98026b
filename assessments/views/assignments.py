"""The trainee's side of written assignments: write, attach, hand in, read feedback.

Each view takes an id from the URL through ``assessments.access`` (404 for
missing and not yours alike), parses the request and calls a service.
Autosave posts the same form with ``Accept: application/json`` and gets JSON
back; without JavaScript the buttons post it and are redirected.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assessments.access import (
    access_assignment_by_id,
    access_attachment_by_id,
    access_submission_by_id,
)
from assessments.models import AssignmentPage, Review, Submission
from assessments.selectors.assignments import (
    may_grade,
    rubric_labels,
    trainee_work,
)
from assessments.services.assignments import (
    AssignmentError,
    attachment_add,
    attachment_remove,
    submission_draft_save,
    submission_submit,
)
from courses.services import StepLocked
from users.roles import is_staff_member

MAX_BODY_CHARS = 200_000


def rich_text_attrs(*, rows: int) -> dict:
    """Attributes that let ``autosave.js`` turn a text area into an editor,
    with its button labels translated."""
    return {
        "rows": rows,
        "data-rich-text": "true",
        "data-label-toolbar": gettext_lazy("Formatting"),
        "data-label-bold": gettext_lazy("Bold"),
        "data-label-italic": gettext_lazy("Italic"),
        "data-label-heading": gettext_lazy("Heading"),
        "data-label-paragraph": gettext_lazy("Paragraph"),
        "data-label-bullets": gettext_lazy("Bulleted list"),
        "data-label-numbers": gettext_lazy("Numbered list"),
        "data-label-link": gettext_lazy("Link"),
        "data-label-link-prompt": gettext_lazy("Link address (https://...)"),
    }


def words_text(count: int, limit: int | None) -> str:
    if limit:
        return ngettext(
            "%(count)s word of at most %(limit)s",
            "%(count)s words of at most %(limit)s",
            count,
        ) % {"count": count, "limit": limit}
    return ngettext("%(count)s word", "%(count)s words", count) % {"count": count}


class AssignmentWorkForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your answer"),
        required=False,
        max_length=MAX_BODY_CHARS,
        strip=False,
        help_text=gettext_lazy(
            "Your draft is saved as you write. Handing in sends it to your "
            "trainer; you cannot change it after that unless it is returned."
        ),
        widget=forms.Textarea(attrs=rich_text_attrs(rows=18)),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Attach a file"))


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error(request, page, message: str, *, status: int = 400):
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    messages.error(request, message)
    return HttpResponseRedirect(page.get_url(request) + "#work")


def _form_error(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _file_help(page: AssignmentPage) -> str:
    names = {"pdf": "PDF", "docx": "Word (.docx)", "image": "JPEG, PNG, WEBP, GIF"}
    allowed = page.allowed_file_kinds
    kinds = ", ".join(names[k] for k in ("pdf", "docx", "image") if k in allowed)
    return _(
        "Allowed: %(kinds)s. At most %(size)s MB each and %(count)s files. "
        "Files are checked by their content, not their name."
    ) % {"kinds": kinds, "size": page.max_file_megabytes, "count": page.max_files}


def assignment_page_context(*, page: AssignmentPage, request) -> dict:
    """What the assignment page shows besides the page and the outline."""
    user = request.user
    context = {"rubric": page.rubric_snapshot(), "now": timezone.now()}
    if not user.is_authenticated or is_staff_member(user):
        return context
    work = trainee_work(user=user, page=page)
    work.closed = getattr(request, "course_review_only", False)
    upload_form = AttachmentForm()
    upload_form.fields["file"].help_text = _file_help(page)
    form = AssignmentWorkForm(initial={"body": work.body})
    # Shown without "(optional)": a draft may be empty, handed-in work not.
    form.fields["body"].required = True
    form.use_required_attribute = False
    context.update(
        work=work,
        form=form,
        upload_form=upload_form,
        past_due=work.is_late_now(),
        words=words_text(
            work.latest.word_count if work.latest and work.can_write else 0,
            page.word_limit,
        ),
        over_limit=bool(
            page.word_limit
            and work.latest
            and work.can_write
            and work.latest.word_count > page.word_limit
        ),
    )
    return context


# --- writing and handing in ----------------------------------------------------


@login_required
@require_POST
def assignment_draft_save(request, page_id: int):
    page = access_assignment_by_id(user=request.user, page_id=page_id)
    form = AssignmentWorkForm(request.POST)
    if not form.is_valid():
        return _error(request, page, _form_error(form))
    try:
        draft = submission_draft_save(
            user=request.user, page=page, body=form.cleaned_data["body"]
        )
    except StepLocked as locked:
        return _error(request, page, locked.reason, status=409)
    except AssignmentError as error:
        return _error(request, page, error.message, status=409)
    saved_at = timezone.localtime(draft.updated_at)
    if _wants_json(request):
        over = bool(page.word_limit and draft.word_count > page.word_limit)
        return JsonResponse(
            {
                "ok": True,
                "version": draft.version,
                "word_count": draft.word_count,
                "words_text": words_text(draft.word_count, page.word_limit),
                "over_limit": over,
                "message": _("Draft saved at %(time)s.")
                % {"time": formats.time_format(saved_at, "H:i")},
            }
        )
    messages.success(request, _("Your draft has been saved."))
    return HttpResponseRedirect(page.get_url(request) + "#work")


@login_required
@require_POST
def assignment_submit(request, page_id: int):
    page = access_assignment_by_id(user=request.user, page_id=page_id)
    form = AssignmentWorkForm(request.POST)
    if not form.is_valid():
        return _error(request, page, _form_error(form))
    body = form.cleaned_data["body"] if "body" in request.POST else None
    try:
        submission, handed_in = submission_submit(
            user=request.user, page=page, body=body
        )
    except StepLocked as locked:
        return _error(request, page, locked.reason, status=409)
    except AssignmentError as error:
        return _error(request, page, error.message, status=409)
    if handed_in and submission.late:
        messages.warning(
            request,
            _(
                "Your work has been handed in after the due date and is marked "
                "late. A trainer will review it."
            ),
        )
    elif handed_in:
        messages.success(
            request, _("Your work has been handed in. A trainer will review it.")
        )
    else:
        messages.info(request, _("Your work had already been handed in."))
    return HttpResponseRedirect(page.get_url(request) + "#status")


@login_required
@require_POST
def assignment_attachment_upload(request, page_id: int):
    page = access_assignment_by_id(user=request.user, page_id=page_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _error(request, page, _("Choose a file to attach."))
    upload = form.cleaned_data["file"]
    try:
        attachment = attachment_add(
            user=request.user, page=page, name=upload.name, data=upload
        )
    except ValidationError as error:
        return _error(request, page, " ".join(error.messages))
    except StepLocked as locked:
        return _error(request, page, locked.reason, status=409)
    except AssignmentError as error:
        return _error(request, page, error.message, status=409)
    messages.success(
        request, _("“%(name)s” is attached.") % {"name": attachment.original_name}
    )
    return HttpResponseRedirect(page.get_url(request) + "#attachments")


@login_required
@require_POST
def assignment_attachment_delete(request, attachment_id: int):
    attachment = access_attachment_by_id(user=request.user, attachment_id=attachment_id)
    submission = attachment.submission
    if submission.user_id != request.user.pk:
        # Trainers may read a file, never remove one.
        raise Http404
    page = submission.assignment.localized.specific
    try:
        attachment_remove(user=request.user, attachment=attachment)
    except AssignmentError as error:
        return _error(request, page, error.message, status=409)
    messages.success(
        request, _("“%(name)s” was removed.") % {"name": attachment.original_name}
    )
    return HttpResponseRedirect(page.get_url(request) + "#attachments")


# --- reading -------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def attachment_download(request, attachment_id: int):
    """Stream a file to someone who may read its submission.

    Always a download (never shown inline), with the type that was detected
    from its content, ``nosniff`` and a sandboxing policy, so even a file that
    fooled every check cannot run in the site's origin.
    """
    attachment = access_attachment_by_id(user=request.user, attachment_id=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_GET
def submission_detail(request, submission_id: int):
    """One version of the work, with the trainer's feedback once graded."""
    submission = access_submission_by_id(user=request.user, submission_id=submission_id)
    page = submission.assignment.localized.specific
    review = (
        Review.objects.filter(submission=submission).select_related("reviewer").first()
    )
    rows = _rubric_rows(
        rubric=submission.rubric or page.rubric_snapshot(),
        labels=rubric_labels(page),
        scores=review.scores if review else {},
    )
    return render(
        request,
        "assessments/assignment_submission.html",
        {
            "submission": submission,
            "assignment": page,
            "attachments": list(submission.attachments.order_by("id")),
            "review": review,
            "rubric_rows": rows,
            "rubric_kind": (submission.rubric or {}).get("kind", page.rubric_kind),
            "is_owner": submission.user_id == request.user.pk,
            "may_grade": may_grade(user=request.user, submission=submission),
            "statuses": Submission.Status,
        },
    )


def _rubric_rows(*, rubric: dict, labels: dict, scores: dict) -> list[dict]:
    """Criteria with their levels in the reader's language and what was chosen."""
    rows = []
    for criterion in rubric.get("criteria", []):
        label = labels.get(criterion["id"], criterion)
        score = scores.get(criterion["id"])
        levels = [
            {
                "id": level["id"],
                "title": labels.get(level["id"], level)["title"],
                "description": labels.get(level["id"], level)["description"],
                "points": level["points"],
                "chosen": score == level["id"],
            }
            for level in criterion.get("levels", [])
        ]
        rows.append(
            {
                "id": criterion["id"],
                "title": label["title"],
                "description": label["description"],
                "levels": levels,
                "passed": score if isinstance(score, bool) else None,
                "max_points": max(
                    (Decimal(level["points"]) for level in levels), default=Decimal(1)
                ),
            }
        )
    return rows
