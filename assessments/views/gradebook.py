"""The gradebook and result histories, in the Wagtail admin.

Trainers see the cohorts they teach, programme administrators every cohort;
anything else is a 404 (``courses.access.access_cohort_by_id``).
"""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from assessments.access import access_assessment_result_by_id
from assessments.selectors.gradebook import (
    GRADEBOOK_STATUSES,
    gradebook,
    gradebook_csv,
)
from assessments.selectors.results import result_changes
from courses.access import access_cohort_by_id, cohorts_visible_to

BASE_CRUMBS = WagtailAdminTemplateMixin.breadcrumbs_items
# Trainees per page: the whole cohort is sorted, then one page is drawn
# (1,000 trainees x 50 assessments would be 50,000 cells of HTML).
GRADEBOOK_PAGE_SIZE = 50


def _sort_params(request) -> tuple[str, bool]:
    return request.GET.get("sort", "name")[:20], request.GET.get("desc") == "1"


def _header(book, *, key: str, label: str, kind: str = "") -> dict:
    """A sortable column header: a second click on the sorted one reverses."""
    current = book.sort == key
    descending = current and not book.descending
    return {
        "label": label,
        "kind": kind,
        "url": f"?sort={key}" + ("&desc=1" if descending else ""),
        "aria_sort": (
            ("descending" if book.descending else "ascending") if current else None
        ),
    }


class GradebookIndexView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Gradebook")
    header_icon = "table"
    template_name = "assessments/gradebook_index.html"

    def get_breadcrumbs_items(self):
        return [*BASE_CRUMBS, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cohorts"] = cohorts_visible_to(self.request.user).annotate(
            trainees=Count(
                "memberships", filter=Q(memberships__status__in=GRADEBOOK_STATUSES)
            )
        )
        return context


class GradebookView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Gradebook")
    header_icon = "table"
    template_name = "assessments/gradebook.html"

    def dispatch(self, request, *args, **kwargs):
        self.cohort = access_cohort_by_id(
            user=request.user, cohort_id=kwargs["cohort_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.cohort.name

    def get_breadcrumbs_items(self):
        return [
            *BASE_CRUMBS,
            {"url": reverse("assessments_gradebook_index"), "label": _("Gradebook")},
            {"url": "", "label": self.cohort.name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sort, descending = _sort_params(self.request)
        book = gradebook(cohort=self.cohort, sort=sort, descending=descending)
        kinds = {"quiz": _("Quiz"), "assignment": _("Assignment")}
        paginator = Paginator(book.rows, GRADEBOOK_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("p"))
        context.update(
            book=book,
            rows=page.object_list,
            page_obj=page,
            elided_page_range=paginator.get_elided_page_range(page.number),
            name_header=_header(book, key="name", label=_("Trainee")),
            column_headers=[
                _header(
                    book,
                    key=column.sort_key,
                    label=column.title,
                    kind=kinds.get(column.kind, column.kind),
                )
                for column in book.columns
            ],
            hours_header=_header(book, key="hours", label=_("Signed practicum hours")),
            csv_url=reverse("assessments_gradebook_csv", args=[self.cohort.pk])
            + f"?sort={book.sort}{'&desc=1' if descending else ''}",
        )
        return context


def gradebook_csv_view(request, cohort_id: int):
    cohort = access_cohort_by_id(user=request.user, cohort_id=cohort_id)
    sort, descending = _sort_params(request)
    book = gradebook(cohort=cohort, sort=sort, descending=descending)
    response = HttpResponse(
        # A byte-order mark so spreadsheet programs read the file as UTF-8.
        "\ufeff" + gradebook_csv(book),
        content_type="text/csv; charset=utf-8",
    )
    name = f"gradebook-{slugify(cohort.name) or cohort.pk}-{timezone.localdate()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ResultHistoryView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Result history")
    header_icon = "history"
    template_name = "assessments/result_history.html"

    def dispatch(self, request, *args, **kwargs):
        self.result = access_assessment_result_by_id(
            user=request.user, result_id=kwargs["result_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        user = self.result.user
        return (
            f"{user.preferred_name or user.legal_name} · {self.result.assessment.title}"
        )

    def get_breadcrumbs_items(self):
        return [
            *BASE_CRUMBS,
            {"url": reverse("assessments_gradebook_index"), "label": _("Gradebook")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            result=self.result, changes=result_changes(result_id=self.result.pk)
        )
        return context
