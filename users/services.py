from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from users.models import User
from users.roles import PROGRAMME_ADMINISTRATORS, TRAINERS

ROLE_GROUPS = {
    "trainee": (),
    "trainer": (TRAINERS,),
    "admin": (PROGRAMME_ADMINISTRATORS,),
}
PROFILE_FIELDS = (
    "legal_name",
    "preferred_name",
    "preferred_language",
    "municipality",
    "gender",
    "birth_year",
)


@transaction.atomic
def user_create(
    *,
    email: str,
    legal_name: str,
    password: str | None = None,
    role: str = "trainee",
    preferred_language: str = "sv",
    email_verified: bool = False,
    **profile: Any,
) -> User:
    """Create a person with a role. Raises ValidationError on bad data.

    With ``email_verified`` the address counts as confirmed (for people an
    administrator vouches for); otherwise allauth asks them to confirm it.
    """
    user = User.objects.create_user(
        email=email,
        password=password,
        legal_name=legal_name,
        preferred_language=preferred_language,
        **profile,
    )
    for name in ROLE_GROUPS[role]:
        user.groups.add(Group.objects.get(name=name))
    _admin_language_sync(user)
    EmailAddress.objects.create(
        user=user, email=user.email, primary=True, verified=email_verified
    )
    return user


def _admin_language_sync(user: User) -> None:
    """The Wagtail admin speaks the person's preferred language too (it reads
    its own profile, not ours)."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != user.preferred_language:
        profile.preferred_language = user.preferred_language
        profile.save(update_fields=["preferred_language"])


@transaction.atomic
def user_update_profile(*, user: User, data: dict[str, Any]) -> User:
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save()
    _admin_language_sync(user)
    if "languages" in data:
        user.languages.set(data["languages"])
    return user
