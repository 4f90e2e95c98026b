"""Who may do what: the staff roles are Django groups made by a migration."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

TRAINERS = "Trainers"
PROGRAMME_ADMINISTRATORS = "Programme administrators"
STAFF_GROUPS = (TRAINERS, PROGRAMME_ADMINISTRATORS)


def user_group_names(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The user's group names, read once per user object (one query)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_coach_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._coach_group_names = cached
    return cached


def is_trainer(user) -> bool:
    return TRAINERS in user_group_names(user)


def is_programme_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or PROGRAMME_ADMINISTRATORS in user_group_names(user)
    )


def is_staff_member(user) -> bool:
    """Trainers, programme administrators and superusers: they must use MFA."""
    return user.is_authenticated and (
        user.is_superuser or bool(user_group_names(user) & set(STAFF_GROUPS))
    )
