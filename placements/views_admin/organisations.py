"""Partner organisations: the list, the form, and the coaches suggested for one."""

import django_filters
from django import forms
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import (
    BooleanColumn,
    Column,
)
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton

from placements.access import access_organisation_by_id
from placements.forms import (
    PartnerOrganisationForm,
)
from placements.models import PartnerOrganisation, Placement
from placements.selectors import (
    organisations_with_places_taken,
    suggestions_for_organisation,
)
from placements.views_admin.common import (
    organisation_url,
    placement_url,
    require,
)
from users.models import Language


class PartnerOrganisationFilterSet(WagtailFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Kind"),
        choices=PartnerOrganisation.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    municipality = django_filters.CharFilter(
        label=gettext_lazy("Municipality"), lookup_expr="icontains"
    )
    is_active = django_filters.BooleanFilter(label=gettext_lazy("Active"))
    languages = django_filters.ModelMultipleChoiceFilter(
        label=gettext_lazy("Clients speak"),
        queryset=Language.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )

    class Meta:
        model = PartnerOrganisation
        fields = ["kind", "municipality", "is_active", "languages"]


class FreePlacesColumn(Column):
    def get_value(self, instance):
        return max(instance.places - instance.taken, 0)


class PartnerOrganisationIndexView(generic.IndexView):
    def get_base_queryset(self):
        return organisations_with_places_taken()

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            Button(
                _("Suggested coaches"),
                url=organisation_url("suggestions", instance.pk),
                icon_name="user",
                priority=5,
            ),
        ]


class PartnerOrganisationEditView(generic.EditView):
    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Suggested coaches"),
                url=organisation_url("suggestions", self.object.pk),
                icon_name="user",
            )
        ]


class PartnerOrganisationDeleteView(generic.DeleteView):
    """An organisation that ever had a placement stays: make it inactive instead."""

    def form_valid(self, form):
        if self.object.placements.exists():
            messages.error(
                self.request,
                _(
                    "“%(name)s” has placements, so it cannot be deleted. Untick "
                    "Active instead."
                )
                % {"name": self.object},
            )
            return redirect(organisation_url("edit", self.object.pk))
        return super().form_valid(form)


class OrganisationSuggestionsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "placements/admin/organisation_suggestions.html"
    page_title = gettext_lazy("Suggested coaches")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        require(request.user, "add_placement")
        self.organisation = access_organisation_by_id(
            user=request.user, organisation_id=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.organisation.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": organisation_url("index"), "label": _("Partner organisations")},
            {
                "url": organisation_url("edit", self.organisation.pk),
                "label": self.organisation.name,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        taken = self.organisation.placements.filter(
            status__in=Placement.TAKES_A_PLACE
        ).count()
        context.update(
            organisation=self.organisation,
            languages=list(self.organisation.languages.all()),
            free_places=max(self.organisation.places - taken, 0),
            suggestions=suggestions_for_organisation(organisation=self.organisation),
            propose_url=placement_url("add"),
        )
        return context


class PartnerOrganisationViewSet(ModelViewSet):
    model = PartnerOrganisation
    icon = "site"
    menu_label = gettext_lazy("Partner organisations")
    copy_view_enabled = False
    search_fields = ["name", "municipality", "contact_name", "contact_email", "notes"]
    search_backend_name = None
    ordering = ["name"]
    list_display = [
        "name",
        "kind",
        "municipality",
        "places",
        FreePlacesColumn("free", label=gettext_lazy("Free places")),
        BooleanColumn("is_active", label=gettext_lazy("Active")),
    ]
    filterset_class = PartnerOrganisationFilterSet
    index_view_class = PartnerOrganisationIndexView
    edit_view_class = PartnerOrganisationEditView
    delete_view_class = PartnerOrganisationDeleteView
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("municipality")]),
            FieldPanel("address"),
            MultiFieldPanel(
                [
                    FieldPanel("contact_name"),
                    FieldRowPanel(
                        [FieldPanel("contact_email"), FieldPanel("contact_phone")]
                    ),
                ],
                heading=gettext_lazy("Contact person"),
            ),
            FieldPanel("languages", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel([FieldPanel("places"), FieldPanel("is_active")]),
            FieldPanel("notes"),
        ],
        base_form_class=PartnerOrganisationForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "<int:pk>/suggestions/",
                OrganisationSuggestionsView.as_view(),
                name="suggestions",
            ),
        ]
