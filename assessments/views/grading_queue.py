"""The grading queue and the grading screen, in the Wagtail admin.

Only trainers with ``grade_submission`` see the queue, and only the work of
the cohorts they teach; a submission from any other cohort answers 404.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from assessments.access import access_submission_for_grading_by_id
from assessments.models import Attachment, Review, Submission
from assessments.selectors.assignments import (
    GRADE_PERMISSION,
    grading_queue,
    grading_queue_filters,
)
from assessments.services.assignments import (
    AlreadyGraded,
    AssignmentError,
    submission_grade,
    submission_review_start,
)
from assessments.views.assignments import rich_text_attrs

PAGE_SIZE = 50


class QueueFilterForm(forms.Form):
    cohort = forms.TypedChoiceField(
        label=gettext_lazy("Cohort"), required=False, coerce=int, empty_value=None
    )
    course = forms.TypedChoiceField(
        label=gettext_lazy("Course"), required=False, coerce=int, empty_value=None
    )
    assignment = forms.TypedChoiceField(
        label=gettext_lazy("Assignment"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        for name, key in (
            ("cohort", "cohorts"),
            ("course", "courses"),
            ("assignment", "assignments"),
        ):
            self.fields[name].choices = everything + [
                (str(item.pk), str(item.name if name == "cohort" else item.title))
                for item in choices[key]
            ]


def _level_label(level: dict) -> str:
    return format_html(
        '<span class="grading-level__title">{}</span> '
        '<span class="grading-level__points">{}</span>'
        '<span class="grading-level__description">{}</span>',
        level["title"],
        _("%(points)s points") % {"points": floatformat(level["points"], "-2")},
        level.get("description", ""),
    )


class GradeForm(forms.Form):
    """One choice per rubric criterion, feedback and the decision."""

    feedback = forms.CharField(
        label=gettext_lazy("Feedback for the trainee"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs=rich_text_attrs(rows=10)),
    )
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Passed only when the rubric reaches the pass threshold. Returned: "
            "the trainee revises and hands in a new version. Failed is final."
        ),
    )

    def __init__(self, *args, rubric: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = rubric.get("criteria", [])
        for criterion in self.criteria:
            if rubric.get("kind") == "pass_fail":
                choices = [("pass", _("Pass")), ("fail", _("Not yet"))]
            else:
                choices = [
                    (level["id"], _level_label(level))
                    for level in criterion.get("levels", [])
                ]
            self.fields[self.field_name(criterion["id"])] = forms.ChoiceField(
                label=criterion["title"],
                help_text=criterion.get("description", ""),
                choices=choices,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(criterion_id: str) -> str:
        return f"criterion_{criterion_id}"

    def criterion_fields(self):
        return [self[self.field_name(c["id"])] for c in self.criteria]

    def scores(self) -> dict[str, str]:
        return {
            c["id"]: self.cleaned_data.get(self.field_name(c["id"]))
            for c in self.criteria
        }


def _require_grader(request) -> None:
    if not request.user.has_perm(GRADE_PERMISSION):
        raise PermissionDenied


class GradingQueueView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "assessments/grading_queue.html"
    page_title = gettext_lazy("Grading")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        _require_grader(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        choices = grading_queue_filters(user=user)
        form = QueueFilterForm(self.request.GET or None, choices=choices)
        filters = form.cleaned_data if form.is_valid() else {}
        queryset = grading_queue(
            user=user,
            cohort_id=filters.get("cohort"),
            course_id=filters.get("course"),
            assignment_id=filters.get("assignment"),
        )
        paginator = Paginator(queryset, PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("p"))
        now = timezone.now()
        context.update(
            filter_form=form,
            page_obj=page,
            rows=[
                {"submission": submission, "age": now - submission.submitted_at}
                for submission in page.object_list
            ],
            total=paginator.count,
        )
        return context


class GradingView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "assessments/grading_submission.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        _require_grader(request)
        self.submission = access_submission_for_grading_by_id(
            user=request.user, submission_id=kwargs["submission_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Grade: %(title)s") % {"title": self.submission.assignment.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("assessments_grading_queue"), "label": _("Grading")},
            {"url": "", "label": self.get_page_title()},
        ]

    def _form(self, data=None) -> GradeForm:
        return GradeForm(data, rubric=self.submission.rubric or {})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = self.submission
        earlier = list(
            Submission.objects.filter(
                user_id=submission.user_id,
                assignment_id=submission.assignment_id,
                version__lt=submission.version,
            )
            .select_related("review", "review__reviewer")
            .order_by("-version")
        )
        review = Review.objects.filter(submission=submission).first()
        context.update(
            submission=submission,
            attachments=list(
                Attachment.objects.filter(submission=submission).order_by("id")
            ),
            earlier=earlier,
            review=review,
            form=kwargs.get("form") or self._form(),
            awaiting=submission.status in Submission.AWAITING_REVIEW,
            rubric=submission.rubric or {},
        )
        return context

    def post(self, request, *args, **kwargs):
        submission = self.submission
        queue = reverse("assessments_grading_queue")
        form = self._form(request.POST)
        if not form.is_valid():
            messages.validation_error(
                request, _("The grade could not be saved. Check the rubric."), form
            )
            return self.render_to_response(self.get_context_data(form=form))
        try:
            review = submission_grade(
                reviewer=request.user,
                submission_id=submission.pk,
                scores=form.scores(),
                feedback=form.cleaned_data["feedback"],
                decision=form.cleaned_data["decision"],
            )
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                field = key if key in ("decision", "feedback") else form.field_name(key)
                form.add_error(field if field in form.fields else None, errors)
            messages.error(
                request, _("The grade could not be saved. Check the rubric.")
            )
            return self.render_to_response(self.get_context_data(form=form))
        except AssignmentError as error:
            messages.error(request, error.message)
            return redirect(queue)
        messages.success(
            request,
            _("Graded: %(decision)s (%(percent)s %%). The trainee will be e-mailed.")
            % {
                "decision": review.get_decision_display(),
                "percent": floatformat(review.percent, "-2"),
            },
        )
        return redirect(queue)


class ReviewStartView(GradingView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            submission_review_start(
                reviewer=request.user, submission_id=self.submission.pk
            )
        except AlreadyGraded as error:
            messages.error(request, error.message)
            return redirect("assessments_grading_queue")
        messages.success(request, _("You are reviewing this work."))
        return redirect("assessments_grading_submission", self.submission.pk)
