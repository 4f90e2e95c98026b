"""The reports' place in the Wagtail admin menu, and outcomes as admin records."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from courses.models import Cohort, CohortMembership
from reports import views
from reports.access import may_view_reports
from reports.models import ParticipantOutcome
from reports.services import outcome_record


class ProgrammeReportsViewSet(ViewSet):
    name = views.NAMESPACE
    icon = "table"
    menu_label = gettext_lazy("Programme report")

    @property
    def menu_item_class(self):
        class ReportsMenuItem(MenuItem):
            def is_shown(self, request):
                return may_view_reports(request.user)

        return ReportsMenuItem

    def get_urlpatterns(self):
        return [
            path("", views.ProgrammeDashboardView.as_view(), name="dashboard"),
            path("csv/<slug:table_key>/", views.table_csv_view, name="table_csv"),
            path(
                "export/",
                views.participants_export_view,
                name="participants_export",
            ),
            path("exports/", views.ExportJobsView.as_view(), name="export_jobs"),
            path(
                "exports/<int:job_id>/download/",
                views.export_download_view,
                name="export_download",
            ),
        ]


class ParticipantOutcomeForm(WagtailAdminModelForm):
    """Parses the form; saving goes through ``outcome_record``."""

    class Meta:
        model = ParticipantOutcome
        fields = ["participant", "cohort", "stage", "kind", "date", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        participant = self.fields["participant"]
        participant.queryset = (
            get_user_model()
            .objects.filter(pk__in=CohortMembership.objects.values("user_id"))
            .order_by("legal_name", "email")
        )
        participant.label_from_instance = lambda u: f"{u.legal_name} <{u.email}>"

    def _post_clean(self):
        pass  # the service validates the record as it saves it


class OutcomeSaveMixin:
    def save_instance(self):
        data = self.form.cleaned_data
        return outcome_record(
            participant=data["participant"],
            cohort=data["cohort"],
            stage=data["stage"],
            kind=data["kind"],
            date=data["date"],
            note=data.get("note", ""),
            by=self.request.user,
        )

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.save_instance()
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            self.produced_error_message = " ".join(error.messages)
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class OutcomeCreateView(OutcomeSaveMixin, generic.CreateView):
    pass


class OutcomeEditView(OutcomeSaveMixin, generic.EditView):
    pass


class OutcomeFilterSet(WagtailFilterSet):
    cohort = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Cohort"), queryset=Cohort.objects.all()
    )
    stage = django_filters.ChoiceFilter(
        label=gettext_lazy("Recorded at"),
        choices=ParticipantOutcome.Stage.choices,
        empty_label=gettext_lazy("All"),
        widget=forms.RadioSelect,
    )
    kind = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Outcome"),
        choices=ParticipantOutcome.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ParticipantOutcome
        fields = ["cohort", "stage", "kind"]


class OutcomeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return ParticipantOutcome.objects.select_related("participant", "cohort")


class ParticipantOutcomeViewSet(ModelViewSet):
    model = ParticipantOutcome
    icon = "tick-inverse"
    menu_label = gettext_lazy("Participant outcomes")
    copy_view_enabled = False
    search_fields = ["participant__legal_name", "participant__email", "cohort__name"]
    search_backend_name = None
    list_display = ["participant", "cohort", "stage", "kind", "date"]
    filterset_class = OutcomeFilterSet
    index_view_class = OutcomeIndexView
    add_view_class = OutcomeCreateView
    edit_view_class = OutcomeEditView
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("participant"), FieldPanel("cohort")]),
            FieldRowPanel(
                [FieldPanel("stage"), FieldPanel("kind"), FieldPanel("date")]
            ),
            FieldPanel("note"),
        ],
        base_form_class=ParticipantOutcomeForm,
    )


class ProgrammeReportsViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Programme")
    menu_icon = "table"
    menu_order = 270
    items = (
        ProgrammeReportsViewSet(),
        ParticipantOutcomeViewSet("participant_outcomes"),
    )
