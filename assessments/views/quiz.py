"""Taking a quiz: start, save as you go, submit, see the result.

The quiz page itself is the Wagtail page (``QuizPage``); these views take
the posts and show finished attempts. Each parses input, checks access and
calls a service. Every page also works without JavaScript: the whole form
posts to ``quiz_attempt_save`` or ``quiz_attempt_submit``.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.access import access_quiz_attempt_by_id, access_quiz_by_id
from assessments.models import QuizAttempt, QuizPage
from assessments.selectors.quiz import (
    attempt_clock,
    attempt_review,
    display_order,
    feedback_shown,
    field_name,
    quiz_state,
)
from assessments.services.quiz import (
    InvalidAnswer,
    NoAttemptsLeft,
    attempt_answers_save,
    attempt_start,
    attempt_submit,
)
from courses.selectors import study_context
from courses.services import StepLocked

# One autosave carries the answers changed since the last one: a long
# reflection is 5,000 characters, which JSON may escape to six bytes each.
MAX_AUTOSAVE_BYTES = 64 * 1024


def _attempt_page(attempt: QuizAttempt) -> QuizPage:
    """The live quiz page in the language the attempt was taken in."""
    page = (
        QuizPage.objects.live()
        .filter(
            translation_key=attempt.quiz.translation_key,
            locale__language_code=attempt.language,
        )
        .first()
    )
    return page or attempt.quiz


def _quiz_url(request, attempt: QuizAttempt) -> str:
    return _attempt_page(attempt).get_url(request) + "#quiz-attempt"


def _ordering_answer(request, question: dict, name: str, number: int):
    items = [item["id"] for item in question["items"]]
    chosen = {item_id: request.POST.get(f"{name}-{item_id}", "") for item_id in items}
    if not any(chosen.values()):
        return None
    try:
        positions = {item_id: int(value) for item_id, value in chosen.items()}
    except ValueError:
        positions = {}
    if sorted(positions.values()) != list(range(1, len(items) + 1)):
        raise InvalidAnswer(
            _("Question %(number)s: give each item a different position.")
            % {"number": number}
        )
    return sorted(items, key=positions.__getitem__)


def _form_answers(request, attempt: QuizAttempt) -> dict:
    """Every answer of the whole quiz form, as the services take them."""
    answers = {}
    for number, question in enumerate(display_order(attempt), start=1):
        name = field_name(question["id"])
        qtype = question["type"]
        if qtype == "multiple_choice":
            value = request.POST.getlist(name) or None
        elif qtype == "true_false":
            raw = request.POST.get(name)
            if raw not in (None, "true", "false"):
                raise InvalidAnswer(_("One of the answers could not be read."))
            value = None if raw is None else raw == "true"
        elif qtype == "ordering":
            value = _ordering_answer(request, question, name, number)
        else:
            value = request.POST.get(name)
        answers[question["id"]] = value
    return answers


def attempt_url(attempt: QuizAttempt) -> str:
    return reverse("quiz_attempt_detail", args=[attempt.pk])


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@login_required
@require_POST
def quiz_attempt_start(request, page_id: int):
    quiz = access_quiz_by_id(user=request.user, page_id=page_id)
    try:
        attempt_start(user=request.user, quiz=quiz)
    except NoAttemptsLeft as error:
        messages.error(request, error.message)
    except StepLocked as locked:
        messages.error(request, locked.reason)
    return redirect(quiz.get_url(request) + "#quiz-attempt")


def _autosave_json(request, attempt: QuizAttempt) -> JsonResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_AUTOSAVE_BYTES + 1
    if length > MAX_AUTOSAVE_BYTES:
        return _json_error(_("Too much to save at once."), 413)
    body = request.body
    if len(body) > MAX_AUTOSAVE_BYTES:
        return _json_error(_("Too much to save at once."), 413)
    try:
        data = json.loads(body)
        answers = data["answers"]
    except (ValueError, TypeError, KeyError):
        return _json_error(_("The answers could not be read."), 400)
    try:
        attempt = attempt_answers_save(attempt_id=attempt.pk, answers=answers)
    except InvalidAnswer as error:
        return _json_error(error.message, 400)
    if attempt.finished:
        return JsonResponse(
            {
                "finished": True,
                "message": _("Your time is up: the answers saved before are graded."),
                "result_url": attempt_url(attempt),
            },
            status=409,
        )
    clock = attempt_clock(attempt)
    return JsonResponse(
        {
            "saved": True,
            "saved_at": attempt.last_saved_at.isoformat(),
            "seconds_left": clock.seconds_left if clock else None,
        }
    )


@login_required
@require_POST
def quiz_attempt_save(request, attempt_id: int):
    """Save answers: JSON from quiz.js (a few answers), or the whole form."""
    attempt = access_quiz_attempt_by_id(user=request.user, attempt_id=attempt_id)
    if request.content_type == "application/json":
        return _autosave_json(request, attempt)
    try:
        attempt = attempt_answers_save(
            attempt_id=attempt.pk, answers=_form_answers(request, attempt)
        )
    except InvalidAnswer as error:
        messages.error(request, error.message)
        return redirect(_quiz_url(request, attempt))
    if attempt.finished:
        messages.warning(
            request, _("Your time is up: the answers saved before are graded.")
        )
        return redirect(attempt_url(attempt))
    messages.success(
        request, _("Your answers are saved. You can come back and finish later.")
    )
    return redirect(_quiz_url(request, attempt))


@login_required
@require_POST
def quiz_attempt_submit(request, attempt_id: int):
    """Submit (and grade) an attempt; the form's answers are saved first."""
    attempt = access_quiz_attempt_by_id(user=request.user, attempt_id=attempt_id)
    try:
        answers = (
            _form_answers(request, attempt)
            if request.POST.get("whole_form") and not attempt.finished
            else None
        )
        attempt = attempt_submit(attempt_id=attempt.pk, answers=answers)
    except InvalidAnswer as error:
        messages.error(request, error.message)
        return redirect(_quiz_url(request, attempt))
    return redirect(attempt_url(attempt))


@login_required
@require_GET
def quiz_attempt_detail(request, attempt_id: int):
    """A finished attempt: the score, and feedback as the quiz allows."""
    attempt = access_quiz_attempt_by_id(user=request.user, attempt_id=attempt_id)
    page = _attempt_page(attempt)
    if not attempt.finished:
        return redirect(page.get_url(request) + "#quiz-attempt")
    state = quiz_state(user=request.user, quiz=page)
    show_key = feedback_shown(attempt=attempt, state=state)
    context = {
        "page": page,
        "attempt": attempt,
        "quiz_state": state,
        "show_key": show_key,
        "review": attempt_review(attempt, show_key=show_key),
        **study_context(page=page, user=request.user),
    }
    return render(request, "assessments/quiz_attempt.html", context)
