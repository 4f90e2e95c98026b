"""Admin forms. They parse input; the rules are checked by the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import CohortMembership
from placements.models import PartnerOrganisation, Placement
from placements.selectors import places_taken
from placements.services import EDITABLE_FIELDS

PROPOSE_FIELDS = ("coach", "organisation", *EDITABLE_FIELDS[:-1])


def coach_choices():
    """Everyone who has been in a cohort. Deliberately not only the certified:
    whether someone may be placed is the service's decision, so the form
    never hides a refusal behind "not one of the choices"."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=CohortMembership.objects.values("user_id"),
        )
        .order_by("legal_name", "email")
    )


def _coach_label(user) -> str:
    return f"{user.legal_name} <{user.email}>"


class PartnerOrganisationForm(WagtailAdminModelForm):
    def clean_places(self):
        places = self.cleaned_data["places"]
        if self.instance.pk and places is not None:
            taken = places_taken(organisation_ids=[self.instance.pk]).get(
                self.instance.pk, 0
            )
            if places < taken:
                raise ValidationError(
                    _(
                        "%(taken)s coaches have agreed or active placements here, "
                        "so there cannot be fewer places than that."
                    )
                    % {"taken": taken}
                )
        return places


ROLE_WIDGETS = {
    "role_description": forms.Textarea(attrs={"rows": 4}),
    "outcome_notes": forms.Textarea(attrs={"rows": 4}),
}


class PlacementProposeForm(WagtailAdminModelForm):
    """The fields of a proposal; saving calls ``placement_propose``."""

    class Meta:
        model = Placement
        fields = PROPOSE_FIELDS
        widgets = ROLE_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        coach = self.fields["coach"]
        coach.queryset = coach_choices()
        coach.label_from_instance = _coach_label
        self.fields["organisation"].queryset = PartnerOrganisation.objects.filter(
            is_active=True
        )

    def _post_clean(self):
        # The service validates the whole placement (and the rules around it)
        # when it saves; the model is not half-built and checked here first.
        pass


class PlacementEditForm(WagtailAdminModelForm):
    """The details an administrator may change; saving calls ``placement_update``."""

    class Meta:
        model = Placement
        fields = EDITABLE_FIELDS
        widgets = ROLE_WIDGETS

    def _post_clean(self):
        pass


class EndEarlyForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why does it end early?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Kept with the placement's history. Facts only; no health details."
        ),
    )


class CompleteForm(forms.Form):
    outcome_notes = forms.CharField(
        label=gettext_lazy("Outcome notes"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What was decided?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
