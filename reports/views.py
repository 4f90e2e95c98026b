"""The programme dashboard and its exports, in the Wagtail admin.

Programme administrators only: ``reports.view_programme_reports`` for the
figures, ``reports.export_participant_data`` for the participant-level file
(both given to their group by ``reports/migrations/0002``). Anyone else gets
403; an export job that is not yours is 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from courses.models import Cohort, CohortMembership
from reports.access import (
    access_export_job_by_id,
    may_export_participants,
    may_view_reports,
)
from reports.aggregate import GENDER_COLUMNS, GENDERS, Table
from reports.charts import Bar, Series, bar_chart, grouped_bar_chart
from reports.exports import (
    column_labels,
    csv_response,
    participant_rows,
    table_csv_rows,
    table_header,
)
from reports.models import ExportJob
from reports.selectors import (
    ProgrammeReport,
    Scope,
    programme_facts,
    programme_report,
)
from reports.services import export_job_create, export_stream_limit

NAMESPACE = "programme_reports"
TABLE_KEYS = ("overview", "funnel", "hours", "outcomes_exit", "outcomes_follow_up")


def reports_url(name: str, *args) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def _require_reports(user) -> None:
    if not may_view_reports(user):
        raise PermissionDenied


def _scope_key(request) -> str:
    value = request.GET.get("cohort", "total")
    return value if value == "total" or value.isdigit() else "total"


def _find_table(report: ProgrammeReport, scope: Scope, key: str) -> Table:
    if key == "overview":
        return report.overview
    for table in scope.tables:
        if table.key == key:
            return table
    raise Http404


def table_context(table: Table, *, scope_key: str) -> dict:
    """A table as the template shows it (the same strings as its CSV)."""
    return {
        "key": table.key,
        "title": table.title,
        "header": table_header(table)[1:],
        "rows": [
            {
                "label": row.label,
                "total_row": table.total_row and n == len(table.rows) - 1,
                "cells": [{"text": c.shown, "hidden": c.hidden} for c in row.cells],
            }
            for n, row in enumerate(table.rows)
        ],
        "csv_url": f"{reports_url('table_csv', table.key)}?cohort={scope_key}",
    }


def funnel_chart(scope: Scope) -> str:
    funnel = next(t for t in scope.tables if t.key == "funnel")
    bars = [
        Bar(
            label=row.label,
            value=row.cells[0].value,
            shown=row.cells[0].shown,
            hidden=row.cells[0].hidden,
        )
        for row in funnel.rows
    ]
    return bar_chart(
        chart_id=f"funnel-{scope.key}",
        title=_("From invitation to placement: %(scope)s") % {"scope": scope.label},
        bars=bars,
    )


def hours_chart(scope: Scope) -> str:
    hours = next(t for t in scope.tables if t.key == "hours")
    labels = column_labels()
    groups = [labels[f"gender:{g}"] for g in GENDERS]
    series = [
        Series(
            name=row.label,
            bars=[
                Bar(
                    label=groups[n],
                    value=row.cells[c].value,
                    shown=row.cells[c].shown,
                    hidden=row.cells[c].hidden,
                )
                for n, c in enumerate(GENDER_COLUMNS)
            ],
        )
        for row in hours.rows
    ]
    return grouped_bar_chart(
        chart_id=f"hours-{scope.key}",
        title=_("Hours by gender: %(scope)s") % {"scope": scope.label},
        groups=groups,
        series=series,
        unit=" " + _("h"),
    )


def hours_by_gender(scope: Scope) -> list[tuple[str, list[str]]]:
    """The hours chart's numbers, a row per gender, as the table beside it."""
    hours = next(t for t in scope.tables if t.key == "hours")
    labels = column_labels()
    return [
        (labels[f"gender:{g}"], [row.cells[c].shown for row in hours.rows])
        for g, c in zip(GENDERS, GENDER_COLUMNS, strict=True)
    ]


class ProgrammeDashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/dashboard.html"
    page_title = gettext_lazy("Programme report")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        _require_reports(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    @cached_property
    def header_buttons(self):
        if not may_export_participants(self.request.user):
            return []
        return [
            HeaderButton(
                _("Export jobs"), url=reports_url("export_jobs"), icon_name="download"
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = programme_report()
        key = _scope_key(self.request)
        scope = report.scope(key) or report.scope("total")
        percent = None
        if scope.planned:
            percent = round(100 * scope.participants / scope.planned)
        participants_cell = scope.tables[0].row("participants").cells[0]
        context.update(
            report=report,
            scope=scope,
            scopes=[(s.key, s.label) for s in report.scopes],
            participants_shown=participants_cell.shown,
            percent=None if participants_cell.hidden else percent,
            overview=table_context(report.overview, scope_key=scope.key),
            tables=[table_context(t, scope_key=scope.key) for t in scope.tables],
            funnel_chart=mark_safe(funnel_chart(scope)),  # noqa: S308 - escaped in charts
            hours_chart=mark_safe(hours_chart(scope)),  # noqa: S308 - escaped in charts
            hours_by_gender=hours_by_gender(scope),
            may_export=may_export_participants(self.request.user),
            export_url=reports_url("participants_export"),
        )
        return context


def table_csv_view(request, table_key: str):
    """One dashboard table as CSV: exactly the strings the dashboard shows."""
    _require_reports(request.user)
    if table_key not in TABLE_KEYS:
        raise Http404
    report = programme_report()
    scope = report.scope(_scope_key(request))
    if scope is None:
        raise Http404
    table = _find_table(report, scope, table_key)
    name = "programme" if scope.key == "total" else slugify(scope.label) or "cohort"
    filename = f"{name}-{table_key}-{timezone.localdate().isoformat()}.csv"
    return csv_response(table_csv_rows(table), filename=filename)


@require_POST
def participants_export_view(request):
    """Stream the participant-level file, or queue it when it is large."""
    if not may_export_participants(request.user):
        raise PermissionDenied
    value = request.POST.get("cohort", "total")
    cohort = None
    if value != "total":
        cohort = Cohort.objects.filter(pk=value if value.isdigit() else None).first()
        if cohort is None:
            raise Http404
    facts_filter = [cohort.pk] if cohort else None
    memberships = CohortMembership.objects.all()
    if cohort:
        memberships = memberships.filter(cohort=cohort)
    size = memberships.count()
    if size > export_stream_limit():
        export_job_create(by=request.user, cohort=cohort)
        messages.success(
            request,
            _(
                "The export is being made. It appears here when it is ready; "
                "this page does not refresh by itself."
            ),
        )
        return redirect(reports_url("export_jobs"))
    facts = programme_facts(cohort_ids=facts_filter, with_dates=True)
    name = slugify(cohort.name) if cohort else "programme"
    filename = f"{name}-participants-{timezone.localdate().isoformat()}.csv"
    return csv_response(participant_rows(facts), filename=filename)


class ExportJobsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/export_jobs.html"
    page_title = gettext_lazy("Export jobs")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not may_export_participants(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reports_url("dashboard"), "label": _("Programme report")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = list(
            ExportJob.objects.filter(requested_by=self.request.user)
            .select_related("cohort")
            .order_by("-created_at")[:50]
        )
        return context


def export_download_view(request, job_id: int):
    job = access_export_job_by_id(user=request.user, job_id=job_id)
    if job.status != ExportJob.Status.FINISHED or not job.file:
        raise Http404
    name = slugify(job.cohort.name) if job.cohort_id else "programme"
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"{name}-participants-{job.created_at:%Y-%m-%d}.csv",
        content_type="text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response
