"""Where matching starts, and the organisations suggested for a coach."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certificates.selectors import valid_certificate_holders
from placements.forms import (
    coach_choices,
)
from placements.models import Placement
from placements.selectors import (
    organisations_with_places_taken,
    suggestions_for_coach,
    unplaced_coach_ids,
)
from placements.views_admin.common import (
    placement_url,
    require,
)


class SuggestionsHomeView(WagtailAdminTemplateMixin, TemplateView):
    """Where to start matching: certified coaches without a place, and
    organisations with free places."""

    template_name = "placements/admin/suggestions_home.html"
    page_title = gettext_lazy("Suggestions")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        require(request.user, "add_placement")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": placement_url("index"), "label": _("Placements")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coaches = coach_choices().filter(pk__in=unplaced_coach_ids())
        organisations = [
            o
            for o in organisations_with_places_taken()
            .filter(is_active=True)
            .order_by("name")
            if o.places > o.taken
        ]
        context.update(coaches=list(coaches), organisations=organisations)
        return context


class CoachSuggestionsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "placements/admin/coach_suggestions.html"
    page_title = gettext_lazy("Suggested organisations")
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        require(request.user, "add_placement")
        self.coach = coach_choices().filter(pk=kwargs["user_id"]).first()
        if self.coach is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.coach.legal_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": placement_url("index"), "label": _("Placements")},
            {"url": placement_url("suggestions"), "label": _("Suggestions")},
            {"url": "", "label": self.coach.legal_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            coach=self.coach,
            holds_a_place=Placement.objects.filter(
                coach=self.coach, status__in=Placement.TAKES_A_PLACE
            )
            .select_related("organisation")
            .first(),
            certified=self.coach.pk
            in valid_certificate_holders(user_ids=[self.coach.pk]),
            languages=list(self.coach.languages.all()),
            suggestions=suggestions_for_coach(coach=self.coach),
            propose_url=placement_url("add"),
        )
        return context
