"""Partner organisations and placements in the Wagtail admin.

Programme administrators only (model permissions given to their group by
``placements/migrations/0002``). Every write goes through
``placements.services``: the create form proposes, the edit form updates, and
each status change is its own confirmation page.
"""

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.base import ViewSetGroup

from placements.views_admin.common import ORGANISATIONS, PLACEMENTS
from placements.views_admin.organisations import PartnerOrganisationViewSet
from placements.views_admin.placements import PlacementViewSet


class PlacementsViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Placements")
    menu_icon = "clipboard-list"
    menu_order = 260
    items = (
        PartnerOrganisationViewSet(ORGANISATIONS),
        PlacementViewSet(PLACEMENTS),
    )
