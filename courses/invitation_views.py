"""The page an invitation link opens: choose a password (or sign in) and join."""

import hashlib
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from allauth.account.utils import perform_login
from django import forms
from django.contrib import messages
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from courses.invitations import (
    InvitationInvalid,
    SignInRequired,
    invitation_accept,
    invitation_open,
)

# Attempts to accept (POSTs) per client address per window. Tokens cannot be
# guessed; this keeps password attempts and floods of requests in check.
ACCEPT_LIMIT = 10
ACCEPT_WINDOW_SECONDS = 300


class InvitationPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                validate_password(first, user=self.person)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def _rate_limited(request) -> bool:
    address = get_adapter().get_client_ip(request)
    key = "invitation-accept:" + hashlib.sha256(address.encode()).hexdigest()
    cache.add(key, 0, timeout=ACCEPT_WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=ACCEPT_WINDOW_SECONDS)
        attempts = 1
    return attempts > ACCEPT_LIMIT


def _same_origin_referrer(response):
    # The token is in this page's address: never hand it to another site.
    # ("no-referrer" would also make browsers send "Origin: null" with the
    # form, which Django's CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def _invalid(request):
    return _same_origin_referrer(
        render(request, "courses/invitation_invalid.html", status=404)
    )


def _welcome(request, membership) -> None:
    # Said on the dashboard, which opens in the person's own language.
    with translation.override(membership.user.preferred_language):
        messages.success(
            request, _("Welcome to %(cohort)s.") % {"cohort": membership.cohort.name}
        )


def _dashboard_url(person) -> str:
    with translation.override(person.preferred_language):
        return reverse("dashboard")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token: str):
    """GET shows the cohort and the form; POST accepts (once)."""
    invitation = invitation_open(token=token)
    if invitation is None:
        return _invalid(request)
    membership = invitation.membership
    person = membership.user
    has_account = person.has_usable_password()
    signed_in_as_person = request.user.is_authenticated and request.user.pk == person.pk
    form = None if has_account else InvitationPasswordForm(person=person)

    if request.method == "POST":
        if _rate_limited(request):
            return _same_origin_referrer(
                render(request, "courses/invitation_rate_limited.html", status=429)
            )
        if has_account:
            try:
                invitation_accept(token=token, user=request.user)
            except InvitationInvalid:
                return _invalid(request)
            except SignInRequired:
                pass  # the page below asks them to sign in
            else:
                _welcome(request, membership)
                return redirect(_dashboard_url(person))
        else:
            form = InvitationPasswordForm(request.POST, person=person)
            if form.is_valid():
                try:
                    invitation_accept(
                        token=token, password=form.cleaned_data["password1"]
                    )
                except InvitationInvalid:
                    return _invalid(request)
                except ValidationError as error:
                    form.add_error("password1", error)
                else:
                    person.refresh_from_db()
                    _welcome(request, membership)
                    return perform_login(
                        request,
                        person,
                        email_verification="none",
                        redirect_url=_dashboard_url(person),
                    )

    return _same_origin_referrer(
        render(
            request,
            "courses/invitation_accept.html",
            {
                "cohort": membership.cohort,
                "person": person,
                "form": form,
                "has_account": has_account,
                "signed_in_as_person": signed_in_as_person,
                "expires_at": invitation.expires_at,
                "login_url": reverse("account_login")
                + "?"
                + urlencode({"next": request.path}),
            },
        )
    )
