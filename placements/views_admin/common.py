"""What the placements admin pages share: URL names, labels, the permission check."""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy

ORGANISATIONS = "partner_organisations"
PLACEMENTS = "placements"

ACTION_LABELS = {
    "placements.propose": gettext_lazy("Proposed"),
    "placements.agree": gettext_lazy("Agreed"),
    "placements.activate": gettext_lazy("Started"),
    "placements.complete": gettext_lazy("Completed"),
    "placements.end_early": gettext_lazy("Ended early"),
    "placements.update": gettext_lazy("Details changed"),
    "placements.flag": gettext_lazy("Flagged: certificate revoked"),
    "placements.resolve": gettext_lazy("Flag resolved"),
}


def placement_url(name: str, *args) -> str:
    return reverse(f"{PLACEMENTS}:{name}", args=[quote(a) for a in args])


def organisation_url(name: str, *args) -> str:
    return reverse(f"{ORGANISATIONS}:{name}", args=[quote(a) for a in args])


def require(user, *codenames: str) -> None:
    if not user.has_perms([f"placements.{c}" for c in codenames]):
        raise PermissionDenied


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)
