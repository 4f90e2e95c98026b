"""The practicum log on the front end: trainees log sessions, supervisors sign.

Supervisors can be people without any staff role, so sign-off lives here
rather than in the Wagtail admin. Staff who use it must still have set up
two-factor authentication, as they must for the admin.
"""

from __future__ import annotations

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from assessments.access import (
    access_practicum_session_by_id,
    access_practicum_session_for_review_by_id,
)
from assessments.models import PracticumSession
from assessments.models.practicum import (
    MAX_COMMENT_CHARS,
    MAX_MINUTES,
    MAX_REFLECTION_CHARS,
    MIN_MINUTES,
    Competency,
    validate_client_code,
)
from assessments.selectors.practicum import (
    practicum_review_queue,
    practicum_sessions_of,
    practicum_totals,
    supervised_trainees_hours,
)
from assessments.services.practicum import (
    PracticumError,
    practicum_session_log,
    practicum_session_return,
    practicum_session_sign,
    practicum_session_update,
)
from users.roles import is_staff_member


class PracticumSessionForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Duration in minutes"),
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        help_text=gettext_lazy("Between 15 and 600 minutes."),
    )
    setting_name = forms.CharField(
        label=gettext_lazy("Setting (partner organisation)"),
        required=False,
        max_length=150,
        help_text=gettext_lazy("For example: Arbetsförmedlingen Karlskrona."),
    )
    client_code = forms.CharField(
        label=gettext_lazy("Client code"),
        max_length=20,
        validators=[validate_client_code],
        help_text=gettext_lazy(
            "A code you make up for this client, such as K-07. Never write a "
            "name or a personal identity number (personnummer)."
        ),
    )
    competencies = forms.MultipleChoiceField(
        label=gettext_lazy("Competencies practised"),
        choices=Competency.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reflection = forms.CharField(
        label=gettext_lazy("Reflection"),
        max_length=MAX_REFLECTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "What you did, what worked, what you would do differently. Leave out "
            "anything that could identify the client."
        ),
    )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment for the trainee"),
        required=False,
        max_length=MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Required when you send the session back."),
    )


def staff_need_mfa(view):
    """Staff may use these pages only with two-factor authentication set up."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if is_staff_member(user) and not is_mfa_enabled(user):
            messages.warning(
                request,
                _(
                    "Staff accounts need two-factor authentication. Set it up "
                    "with an authenticator app to sign off practicum sessions."
                ),
            )
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapped


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- trainees ------------------------------------------------------------------


@login_required
@require_GET
def practicum_list(request):
    return render(
        request,
        "assessments/practicum_list.html",
        {
            "sessions": list(practicum_sessions_of(trainee=request.user)),
            "totals": practicum_totals(trainee_id=request.user.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def practicum_create(request):
    form = PracticumSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            practicum_session_log(trainee=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The session is logged and waits for sign-off.")
            )
            return redirect("practicum_list")
    return render(
        request, "assessments/practicum_form.html", {"form": form, "session": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def practicum_edit(request, session_id: int):
    session = access_practicum_session_by_id(user=request.user, session_id=session_id)
    if session.trainee_id != request.user.pk:
        raise Http404
    if session.status == PracticumSession.Status.SIGNED:
        messages.info(request, _("A signed-off session can no longer be changed."))
        return redirect("practicum_list")
    initial = {
        name: getattr(session, name)
        for name in PracticumSessionForm.base_fields
        if hasattr(session, name)
    }
    form = PracticumSessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            practicum_session_update(
                trainee=request.user, session_id=session.pk, data=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        except PracticumError as error:
            messages.error(request, error.message)
            return redirect("practicum_list")
        else:
            messages.success(
                request, _("The session is updated and waits for sign-off.")
            )
            return redirect("practicum_list")
    return render(
        request, "assessments/practicum_form.html", {"form": form, "session": session}
    )


# --- supervisors ---------------------------------------------------------------


@login_required
@staff_need_mfa
@require_GET
def practicum_review_list(request):
    return render(
        request,
        "assessments/practicum_review_list.html",
        {
            "sessions": list(practicum_review_queue(supervisor=request.user)),
            "trainees": supervised_trainees_hours(supervisor=request.user),
        },
    )


@login_required
@staff_need_mfa
@require_http_methods(["GET", "POST"])
def practicum_review(request, session_id: int):
    session = access_practicum_session_for_review_by_id(
        user=request.user, session_id=session_id
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "sign":
                practicum_session_sign(supervisor=request.user, session_id=session.pk)
                messages.success(request, _("The session is signed off."))
            elif action == "return":
                practicum_session_return(
                    supervisor=request.user,
                    session_id=session.pk,
                    comment=form.cleaned_data["comment"],
                )
                messages.success(
                    request, _("The session was sent back to the trainee.")
                )
            else:
                raise PracticumError(_("Choose to sign off or to send back."))
        except PracticumError as error:
            form.add_error("comment" if action == "return" else None, error.message)
        else:
            return redirect("practicum_review_list")
    return render(
        request,
        "assessments/practicum_review.html",
        {
            "session": session,
            "form": form,
            "totals": practicum_totals(trainee_id=session.trainee_id),
        },
    )
