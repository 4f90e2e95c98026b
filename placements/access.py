"""Who may open which placement or partner organisation.

Each function answers 404 alike for "missing" and "not yours", so nobody can
probe what exists.
"""

from django.http import Http404

from placements.models import PartnerOrganisation, Placement
from users.roles import is_programme_admin


def placements_visible_to(user):
    """Programme administrators see every placement; a coach only their own."""
    if not user.is_authenticated:
        return Placement.objects.none()
    if is_programme_admin(user):
        return Placement.objects.all()
    return Placement.objects.filter(coach=user)


def access_placement_by_id(*, user, placement_id) -> Placement:
    try:
        return (
            placements_visible_to(user)
            .select_related("coach", "organisation")
            .get(pk=placement_id)
        )
    except (Placement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_organisation_by_id(*, user, organisation_id) -> PartnerOrganisation:
    """Partner organisations are managed by programme administrators only."""
    if not is_programme_admin(user):
        raise Http404
    try:
        return PartnerOrganisation.objects.get(pk=organisation_id)
    except (PartnerOrganisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
