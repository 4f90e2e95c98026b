from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

PROFILE_FIELDS = ("email", "legal_name", "preferred_name", "preferred_language")


class CoachUserCreationForm(UserCreationForm):
    # Our users have a legal name instead of first and last names.
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = (*PROFILE_FIELDS, "is_superuser", "groups")


class CoachUserEditForm(UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = (*PROFILE_FIELDS, "is_active", "is_superuser", "groups")


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm]:
        return CoachUserEditForm if for_update else CoachUserCreationForm


UserViewSet.icon = "user"
UserViewSet.menu_label = _("Users")
