from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from users.roles import is_staff_member


class StaffMenuItem(MenuItem):
    """Shown to trainers and programme administrators only."""

    def is_shown(self, request):
        return is_staff_member(request.user)


@hooks.register("register_admin_urls")
def register_gradebook_urls():
    from assessments.views import gradebook

    urls = [
        path(
            "",
            gradebook.GradebookIndexView.as_view(),
            name="assessments_gradebook_index",
        ),
        path(
            "<int:cohort_id>/",
            gradebook.GradebookView.as_view(),
            name="assessments_gradebook",
        ),
        path(
            "<int:cohort_id>/export.csv",
            gradebook.gradebook_csv_view,
            name="assessments_gradebook_csv",
        ),
        path(
            "results/<int:result_id>/",
            gradebook.ResultHistoryView.as_view(),
            name="assessments_result_history",
        ),
    ]
    return [path("gradebook/", include(urls))]


@hooks.register("register_admin_menu_item")
def register_gradebook_menu_item():
    return StaffMenuItem(
        _("Gradebook"),
        reverse("assessments_gradebook_index"),
        name="gradebook",
        icon_name="table",
        order=250,
    )


# --- Written assignments: the grading queue, due dates, practicum supervisors ---
# (maintained with the assignments; append-only like the rest of this file)

from wagtail.admin.viewsets.model import ModelViewSet  # noqa: E402

from assessments.models import (  # noqa: E402
    AssignmentDueOverride,
    PracticumSupervision,
)


class GradingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("assessments.grade_submission")


@hooks.register("register_admin_urls")
def register_grading_urls():
    from assessments.views.grading_queue import (
        GradingQueueView,
        GradingView,
        ReviewStartView,
    )

    return [
        path("grading/", GradingQueueView.as_view(), name="assessments_grading_queue"),
        path(
            "grading/<int:submission_id>/",
            GradingView.as_view(),
            name="assessments_grading_submission",
        ),
        path(
            "grading/<int:submission_id>/start/",
            ReviewStartView.as_view(),
            name="assessments_grading_start",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_grading_menu_item():
    return GradingMenuItem(
        _("Grading"),
        reverse("assessments_grading_queue"),
        name="grading",
        icon_name="tasks",
        order=251,
    )


class AssignmentDueOverrideViewSet(ModelViewSet):
    model = AssignmentDueOverride
    form_fields = ["assignment", "cohort", "due_at"]
    list_display = ["assignment", "cohort", "due_at"]
    icon = "date"
    add_to_admin_menu = True
    menu_label = _("Due dates for cohorts")
    menu_order = 260
    name = "assignment_due_dates"


class PracticumSupervisionViewSet(ModelViewSet):
    model = PracticumSupervision
    form_fields = ["trainee", "supervisor"]
    list_display = ["trainee", "supervisor", "created_at"]
    icon = "group"
    add_to_admin_menu = True
    menu_label = _("Practicum supervisors")
    menu_order = 270
    name = "practicum_supervisors"


@hooks.register("register_admin_viewset")
def register_assignment_viewsets():
    return [AssignmentDueOverrideViewSet(), PracticumSupervisionViewSet()]
