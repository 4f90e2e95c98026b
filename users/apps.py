from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = _("People")
    default = True


class CoachWagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms that know our user model's fields."""

    user_viewset = "users.viewsets.UserViewSet"
