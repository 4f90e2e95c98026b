from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

ADMIN_PREFIX = "/admin/"


class StaffMFAMiddleware:
    """Nobody reaches the Wagtail admin without two-factor sign-in set up.

    allauth already asks for the second factor at sign-in when one is set up;
    this closes the gap for staff who have not set one up yet.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not (request.path_info.startswith(ADMIN_PREFIX) and user.is_authenticated):
            return self.get_response(request)
        if not user.has_perm("wagtailadmin.access_admin"):
            # Wagtail would send a signed-in trainee back to the sign-in page,
            # which sends them back here: say no plainly instead.
            messages.error(request, _("You do not have access to the admin."))
            return redirect("dashboard")
        if not is_mfa_enabled(user):
            messages.warning(
                request,
                _(
                    "Staff accounts need two-factor authentication. Set it up "
                    "with an authenticator app to continue to the admin."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
