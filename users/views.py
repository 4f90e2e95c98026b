from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from users.forms import ProfileForm
from users.services import user_update_profile


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user = user_update_profile(user=request.user, data=form.cleaned_data)
            # Answer in the language the person just chose.
            with translation.override(user.preferred_language):
                messages.success(request, _("Your details have been saved."))
                return redirect(reverse("profile"))
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "users/profile.html", {"form": form})
