"""Certificates in the Wagtail admin: certifications, certificates, cohorts."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Min, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from certificates import admin_views
from certificates.models import Certificate, Certification
from certificates.selectors import assessment_content_type_ids
from courses.models import CoursePage


class RecordPermissionPolicy(ModelPermissionPolicy):
    """Certificates are made and changed by the services only; the admin reads them."""

    WRITE_ACTIONS = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        if action in self.WRITE_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in self.WRITE_ACTIONS]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


register_permission_policy(Certificate, RecordPermissionPolicy(Certificate))


def _original_page_ids():
    # Records point at the first page of each translation group.
    return (
        Page.objects.values("translation_key").annotate(first=Min("id")).values("first")
    )


class CertificationForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_courses"].queryset = CoursePage.objects.filter(
            pk__in=_original_page_ids()
        ).order_by("path")
        self.fields["required_assessments"].queryset = Page.objects.filter(
            pk__in=_original_page_ids(),
            content_type_id__in=assessment_content_type_ids(),
        ).order_by("path")

    def clean_required_courses(self):
        courses = self.cleaned_data["required_courses"]
        if not courses:
            raise forms.ValidationError(_("Choose at least one course."))
        return courses


def _texts(field: str, heading) -> MultiFieldPanel:
    return MultiFieldPanel(
        [FieldPanel(f"{field}_{code}") for code in ("sv", "en", "ar")], heading=heading
    )


class CertificationViewSet(ModelViewSet):
    model = Certification
    icon = "tick-inverse"
    menu_label = _("Certifications")
    list_display = [
        "__str__",
        "workload_hours",
        "validity_months",
        "min_practicum_hours",
    ]
    search_fields = ["name_sv", "name_en", "name_ar"]
    copy_view_enabled = False
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    _texts("name", _("Name")),
                    _texts("description", _("Description")),
                    _texts("criteria", _("Criteria")),
                ],
                heading=_("Texts"),
            ),
            ObjectList(
                [
                    FieldPanel("required_courses", widget=forms.CheckboxSelectMultiple),
                    FieldPanel(
                        "required_assessments", widget=forms.CheckboxSelectMultiple
                    ),
                    FieldPanel("min_practicum_hours"),
                    FieldPanel("validity_months"),
                    FieldPanel("requires_recommendation"),
                ],
                heading=_("Requirements"),
            ),
            ObjectList(
                [
                    _texts("learning_outcomes", _("Learning outcomes")),
                    FieldPanel("workload_hours"),
                    FieldPanel("eqf_level"),
                    FieldPanel("assessment_type"),
                    FieldPanel("participation_form"),
                    FieldPanel("quality_assurance"),
                ],
                heading=_("EU micro-credential"),
            ),
        ],
        base_form_class=CertificationForm,
    )


class CertificateFilterSet(WagtailFilterSet):
    STATES = [
        ("valid", _("Valid")),
        ("revoked", _("Revoked")),
        ("superseded", _("Superseded")),
        ("expired", _("Expired")),
    ]
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATES, method="filter_state", empty_label=_("All")
    )

    class Meta:
        model = Certificate
        fields = ["certification"]

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        current = Q(revoked_at__isnull=True, superseded_at__isnull=True)
        if value == "valid":
            return queryset.filter(current).exclude(valid_until__lte=now)
        if value == "revoked":
            return queryset.filter(revoked_at__isnull=False, superseded_at__isnull=True)
        if value == "superseded":
            return queryset.filter(superseded_at__isnull=False)
        if value == "expired":
            return queryset.filter(current, valid_until__lte=now)
        return queryset


class StateColumn(Column):
    LABELS = {
        "valid": _("Valid"),
        "revoked": _("Revoked"),
        "superseded": _("Superseded"),
        "expired": _("Expired"),
    }

    def get_value(self, instance):
        return self.LABELS[instance.record_state]


class CertificateIndexView(ModelViewSet.index_view_class):
    def get_header_buttons(self):
        buttons = list(super().get_header_buttons())
        if self.request.user.has_perm(admin_views.ISSUE):
            buttons.append(
                HeaderButton(
                    _("Issue to a cohort"),
                    url=reverse("certificate_cohorts:index"),
                    icon_name="plus",
                )
            )
        return buttons

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("holder", "certification")


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "tick-inverse"
    menu_label = _("Certificates")
    index_view_class = CertificateIndexView
    list_display = [
        TitleColumn("code", label=_("Code"), url_name="certificate:detail"),
        Column("holder", label=_("Holder"), accessor="holder.legal_name"),
        Column("certification", label=_("Certification")),
        DateColumn("issued_at", label=_("Issued"), sort_key="issued_at"),
        StateColumn("state", label=_("Status")),
    ]
    filterset_class = CertificateFilterSet
    search_fields = ["code", "holder__legal_name", "holder__email"]
    copy_view_enabled = False
    ordering = ["-issued_at"]

    def get_urlpatterns(self):
        # No add, edit, copy or delete views: certificates change through the
        # services only (issue, revoke, re-issue), each with its own screen.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(
                "<int:pk>/", admin_views.CertificateDetailView.as_view(), name="detail"
            ),
            path(
                "<int:pk>/revoke/",
                admin_views.CertificateRevokeView.as_view(),
                name="revoke",
            ),
            path(
                "<int:pk>/reissue/",
                admin_views.CertificateReissueView.as_view(),
                name="reissue",
            ),
        ]


class CohortMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.has_perm(admin_views.ISSUE) or user.has_perm(admin_views.RECOMMEND)


class CohortCertificatesViewSet(ViewSet):
    name = "certificate_cohorts"
    url_prefix = "certificate-cohorts"
    icon = "group"
    menu_label = _("By cohort")
    menu_item_class = CohortMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.CohortListView.as_view(), name="index"),
            path(
                "<int:cohort_id>/<int:certification_id>/",
                admin_views.CohortEligibilityView.as_view(),
                name="eligibility",
            ),
            path("jobs/<int:pk>/", admin_views.IssueJobView.as_view(), name="job"),
        ]


class CertificatesGroup(ViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "tick-inverse"
    menu_order = 300
    items = (CertificationViewSet, CertificateViewSet, CohortCertificatesViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return CertificatesGroup()
