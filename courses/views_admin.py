"""Cohorts in the Wagtail admin: the list, the form and the viewset.

Programme administrators manage every cohort. Trainers (who may only view
cohorts) see the cohorts they teach, read-only: the list, and from it each
cohort's members and progress report (``courses.views_admin_cohort``).
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.models import Page

from courses.access import cohorts_visible_to
from courses.models import Cohort, CohortMembership, CoursePage
from courses.views_admin_cohort import (
    NAMESPACE,
    CohortInviteView,
    CohortMembersView,
    CohortProgressView,
    MembershipResendView,
    MembershipWithdrawView,
    can_manage_members,
    cohort_header_buttons,
    cohort_url,
)
from users.models import User
from users.roles import TRAINERS

__all__ = ["NAMESPACE", "CohortViewSet"]


def original_courses():
    """Live course pages that are the original of their translation group."""
    earlier = Page.objects.filter(
        translation_key=OuterRef("translation_key"), pk__lt=OuterRef("pk")
    )
    return CoursePage.objects.live().filter(~Exists(earlier))


def trainer_users():
    return User.objects.filter(groups__name=TRAINERS)


# --- The cohort form ------------------------------------------------------------


class CohortForm(WagtailAdminModelForm):
    """Courses are live originals; trainers are members of the Trainers group.

    What the cohort already has stays selectable, so saving never silently
    drops a course that was unpublished or a trainer who left the group.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current_courses = current_trainers = []
        if self.instance.pk:
            current_courses = list(self.instance.courses.values_list("pk", flat=True))
            current_trainers = list(self.instance.trainers.values_list("pk", flat=True))
        self.fields["courses"].queryset = CoursePage.objects.filter(
            Q(pk__in=original_courses().values("pk")) | Q(pk__in=current_courses)
        ).order_by("path")
        trainers = self.fields["trainers"]
        trainers.queryset = (
            User.objects.filter(
                Q(pk__in=trainer_users().values("pk")) | Q(pk__in=current_trainers)
            )
            .order_by("legal_name", "email")
            .distinct()
        )
        trainers.label_from_instance = lambda user: f"{user.legal_name} <{user.email}>"

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity is not None:
            taken = self.instance.memberships.filter(
                status__in=CohortMembership.HOLDS_A_PLACE
            ).count()
            if capacity < taken:
                raise ValidationError(
                    _(
                        "%(taken)s trainees are invited or active, so the capacity "
                        "cannot be lower than that."
                    )
                    % {"taken": taken}
                )
        return capacity


# --- The list -------------------------------------------------------------------


class CohortFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=Cohort.Status.choices,
        empty_label=gettext_lazy("All"),
        widget=forms.RadioSelect,
    )
    start_date = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Start date"), widget=DateRangePickerWidget
    )
    courses = django_filters.ModelMultipleChoiceFilter(
        label=gettext_lazy("Courses"),
        queryset=lambda request: original_courses().order_by("path"),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    trainers = django_filters.ModelMultipleChoiceFilter(
        label=gettext_lazy("Trainers"),
        queryset=lambda request: trainer_users().order_by("legal_name"),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )

    class Meta:
        model = Cohort
        fields = ["status", "start_date", "courses", "trainers"]


class LinkColumn(Column):
    cell_template_name = "courses/admin/link_cell.html"

    def __init__(self, name, *, get_url, **kwargs):
        super().__init__(name, **kwargs)
        self.get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = self.get_url(instance)
        return context


class CohortIndexView(generic.IndexView):
    def get_base_queryset(self):
        places = (
            CohortMembership.objects.filter(
                cohort=OuterRef("pk"), status__in=CohortMembership.HOLDS_A_PLACE
            )
            .order_by()
            .values("cohort")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return cohorts_visible_to(self.request.user).annotate(
            members_count=Coalesce(Subquery(places, output_field=IntegerField()), 0)
        )

    def get_edit_url(self, instance):
        # Trainers cannot edit a cohort: its name leads to its progress report.
        return super().get_edit_url(instance) or cohort_url("progress", instance.pk)

    def get_list_more_buttons(self, instance):
        buttons = []
        if edit_url := super().get_edit_url(instance):
            buttons.append(
                Button(_("Edit"), url=edit_url, icon_name="edit", priority=10)
            )
        buttons.append(
            Button(
                _("Members"),
                url=cohort_url("members", instance.pk),
                icon_name="group",
                priority=20,
            )
        )
        if can_manage_members(self.request.user):
            buttons.append(
                Button(
                    _("Invite trainees"),
                    url=cohort_url("invite", instance.pk),
                    icon_name="mail",
                    priority=30,
                )
            )
        buttons.append(
            Button(
                _("Progress report"),
                url=cohort_url("progress", instance.pk),
                icon_name="table",
                priority=40,
            )
        )
        if delete_url := self.get_delete_url(instance):
            buttons.append(
                Button(_("Delete"), url=delete_url, icon_name="bin", priority=50)
            )
        return buttons


class CohortEditView(generic.EditView):
    @cached_property
    def header_buttons(self):
        return cohort_header_buttons(self.request.user, self.object, here="edit")


class CohortDeleteView(generic.DeleteView):
    """A cohort that has ever had members keeps its records: archive it instead."""

    def form_valid(self, form):
        if self.object.memberships.exists():
            messages.error(
                self.request,
                _(
                    "“%(cohort)s” has members, so it cannot be deleted. Set its "
                    "status to Archived instead."
                )
                % {"cohort": self.object},
            )
            return redirect(cohort_url("edit", self.object.pk))
        return super().form_valid(form)


# --- The viewset ----------------------------------------------------------------


class CohortViewSet(ModelViewSet):
    model = Cohort
    icon = "group"
    menu_label = gettext_lazy("Cohorts")
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["-start_date", "name"]
    list_display = [
        "name",
        "start_date",
        "end_date",
        "status",
        LinkColumn(
            "members_count",
            label=gettext_lazy("Members"),
            sort_key="members_count",
            get_url=lambda cohort: cohort_url("members", cohort.pk),
        ),
        "capacity",
    ]
    filterset_class = CohortFilterSet
    index_view_class = CohortIndexView
    edit_view_class = CohortEditView
    delete_view_class = CohortDeleteView
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("status"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldRowPanel([FieldPanel("capacity"), FieldPanel("planned_participants")]),
            FieldPanel("courses", widget=forms.CheckboxSelectMultiple),
            FieldPanel("trainers", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=CohortForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/members/", CohortMembersView.as_view(), name="members"),
            path("<int:pk>/invite/", CohortInviteView.as_view(), name="invite"),
            path("<int:pk>/progress/", CohortProgressView.as_view(), name="progress"),
            path(
                "<int:pk>/members/<int:membership_id>/resend/",
                MembershipResendView.as_view(),
                name="resend",
            ),
            path(
                "<int:pk>/members/<int:membership_id>/withdraw/",
                MembershipWithdrawView.as_view(),
                name="withdraw",
            ),
        ]
