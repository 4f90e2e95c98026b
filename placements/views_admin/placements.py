"""Placements: the list, proposing, editing, and the viewset that joins the pages."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import (
    StatusFlagColumn,
    StatusTagColumn,
)
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton

from placements import services
from placements.forms import (
    CompleteForm,
    EndEarlyForm,
    PlacementEditForm,
    PlacementProposeForm,
    ResolveForm,
)
from placements.models import PartnerOrganisation, Placement
from placements.views_admin.common import (
    messages_of,
    placement_url,
)
from placements.views_admin.placement_pages import (
    TRANSITIONS,
    PlacementHistoryView,
    PlacementTransitionView,
    transition_links,
)
from placements.views_admin.suggestions import CoachSuggestionsView, SuggestionsHomeView


class PlacementFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Status"),
        choices=Placement.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_attention = django_filters.BooleanFilter(
        label=gettext_lazy("Needs attention")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Organisation"),
        queryset=PartnerOrganisation.objects.all(),
    )

    class Meta:
        model = Placement
        fields = ["status", "needs_attention", "organisation"]


class PlacementIndexView(generic.IndexView):
    def get_base_queryset(self):
        return Placement.objects.select_related("coach", "organisation")

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Suggestions"),
                url=placement_url("suggestions"),
                icon_name="user",
            ),
        ]

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            Button(
                _("History"),
                url=placement_url("history", instance.pk),
                icon_name="history",
                priority=40,
            ),
        ]


class PlacementCreateView(generic.CreateView):
    """Proposing a coach: the form's save is ``placement_propose``, so the rules
    cannot be side-stepped from here."""

    page_title = gettext_lazy("Propose a placement")
    submit_button_label = gettext_lazy("Propose")

    def get_page_subtitle(self):
        return self.page_title

    def get_initial(self):
        initial = super().get_initial()
        for name in ("coach", "organisation"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return initial

    def save_instance(self):
        data = {
            name: self.form.cleaned_data.get(name)
            for name in PlacementProposeForm.Meta.fields
        }
        return services.placement_propose(by=self.request.user, **data)

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.save_instance()
        except ValidationError as error:
            return self.refused(form, error)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response

    def refused(self, form, error: ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        self.produced_error_message = messages_of(error)
        return self.form_invalid(form)

    def get_success_message(self, instance):
        return _("%(coach)s was proposed to %(organisation)s.") % {
            "coach": instance.coach,
            "organisation": instance.organisation,
        }


class PlacementEditView(generic.EditView):
    template_name = "placements/admin/placement_edit.html"

    def save_instance(self):
        return services.placement_update(
            placement=self.object, data=self.form.cleaned_data, by=self.request.user
        )

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.save_instance()
        except ValidationError as error:
            return PlacementCreateView.refused(self, form, error)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response

    @cached_property
    def header_buttons(self):
        buttons = [
            HeaderButton(label, url=url, icon_name=icon, priority=n)
            for n, (label, url, icon) in enumerate(
                transition_links(self.request.user, self.object)
            )
        ]
        buttons.append(
            HeaderButton(
                _("History"),
                url=placement_url("history", self.object.pk),
                icon_name="history",
                priority=90,
            )
        )
        return buttons

    @cached_property
    def header_more_buttons(self):
        return []  # Placements are never copied or deleted: they are the record.

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["placement"] = self.object
        return context


class PlacementDeleteView(generic.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        messages.error(
            request,
            _("Placements are kept for the record. End it early instead."),
        )
        return redirect(placement_url("edit", kwargs["pk"]))


class PlacementViewSet(ModelViewSet):
    model = Placement
    icon = "clipboard-list"
    menu_label = gettext_lazy("Placements")
    copy_view_enabled = False
    search_fields = ["coach__legal_name", "coach__email", "organisation__name"]
    search_backend_name = None
    ordering = ["-created_at"]
    list_display = [
        "coach",
        "organisation",
        StatusTagColumn(
            "get_status_display",
            label=gettext_lazy("Status"),
            sort_key="status",
            primary=lambda p: p.status == Placement.Status.ACTIVE,
        ),
        "start_date",
        "end_date",
        StatusFlagColumn(
            "needs_attention",
            label=gettext_lazy("Attention"),
            sort_key="needs_attention",
            true_label=gettext_lazy("Needs attention"),
        ),
    ]
    filterset_class = PlacementFilterSet
    index_view_class = PlacementIndexView
    add_view_class = PlacementCreateView
    edit_view_class = PlacementEditView
    delete_view_class = PlacementDeleteView

    def get_form_class(self, for_update=False):
        return PlacementEditForm if for_update else PlacementProposeForm

    def get_edit_handler(self):
        return None

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(panel=propose_panel(), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(panel=edit_panel(), **kwargs)

    @property
    def history_view(self):
        return PlacementHistoryView.as_view()

    def get_urlpatterns(self):
        patterns = [
            *super().get_urlpatterns(),
            path("suggestions/", SuggestionsHomeView.as_view(), name="suggestions"),
            path(
                "suggestions/coach/<int:user_id>/",
                CoachSuggestionsView.as_view(),
                name="coach_suggestions",
            ),
            path(
                "<int:pk>/resolve/",
                PlacementTransitionView.as_view(
                    action="resolve", form_class=ResolveForm
                ),
                name="resolve",
            ),
        ]
        forms_for = {"complete": CompleteForm, "end_early": EndEarlyForm}
        for name in TRANSITIONS:
            patterns.append(
                path(
                    f"<int:pk>/{name.replace('_', '-')}/",
                    PlacementTransitionView.as_view(
                        action=name, form_class=forms_for.get(name)
                    ),
                    name=name,
                )
            )
        return patterns


def _details_panels():
    return [
        FieldPanel("role_description"),
        FieldRowPanel(
            [
                FieldPanel("start_date"),
                FieldPanel("end_date"),
                FieldPanel("hours_per_week"),
            ]
        ),
        MultiFieldPanel(
            [
                FieldPanel("supervisor_name"),
                FieldRowPanel(
                    [FieldPanel("supervisor_email"), FieldPanel("supervisor_phone")]
                ),
            ],
            heading=gettext_lazy("On-site supervisor"),
        ),
    ]


def propose_panel():
    return ObjectList(
        [
            FieldPanel("coach"),
            FieldPanel("organisation"),
            *_details_panels(),
        ],
        base_form_class=PlacementProposeForm,
    ).bind_to_model(Placement)


def edit_panel():
    return ObjectList(
        [*_details_panels(), FieldPanel("outcome_notes")],
        base_form_class=PlacementEditForm,
    ).bind_to_model(Placement)
