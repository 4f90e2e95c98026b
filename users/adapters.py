from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from users.roles import is_staff_member


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join through an invitation unless sign-up is switched on.
        return settings.ACCOUNT_ALLOW_SIGNUP

    def get_login_redirect_url(self, request) -> str:
        user = request.user
        if is_staff_member(user):
            return "/admin/"
        with translation.override(user.preferred_language):
            return reverse("dashboard")

    def login(self, request, user) -> None:
        super().login(request, user)
        translation.activate(user.preferred_language)
        request.LANGUAGE_CODE = user.preferred_language
