"""Wagtail admin screens for certificates (registered in ``wagtail_hooks``).

Each view checks a permission (``issue_certificate``, ``revoke_certificate``,
``recommend_certificate``), parses the form, calls a service and redirects.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certificates.forms import RevokeForm
from certificates.messages import CHECK_LABELS, snapshot_requirement_texts
from certificates.models import Certificate, Certification, IssueJob, Recommendation
from certificates.selectors import (
    COUNTING_MEMBERS,
    certifications_for_cohort,
    cohort_eligibility,
)
from certificates.services import (
    CertificateError,
    NotEligible,
    certificate_issue,
    certificate_recommend,
    certificate_reissue,
    certificate_revoke,
    certificate_verify,
    certificates_issue_for_cohort,
    issue_job_resume,
    recommendation_approve,
    recommendation_decline,
)
from courses.access import access_cohort_by_id, cohorts_visible_to
from users.models import User

ISSUE = "certificates.issue_certificate"
REVOKE = "certificates.revoke_certificate"
RECOMMEND = "certificates.recommend_certificate"


def _require(user, *permissions: str) -> None:
    if not any(user.has_perm(permission) for permission in permissions):
        raise PermissionDenied


class CertificateAdminView(WagtailAdminTemplateMixin, TemplateView):
    """A plain admin page; ``permissions`` lists the ones that let a user in."""

    permissions: tuple[str, ...] = (ISSUE, REVOKE)
    header_icon = "tick-inverse"

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, *self.permissions)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("certificate:index"), "label": _("Certificates")},
            {"url": "", "label": self.get_page_title()},
        ]


# --- One certificate ----------------------------------------------------------------


class CertificateDetailView(CertificateAdminView):
    template_name = "certificates/admin/certificate_detail.html"
    permissions = (ISSUE, REVOKE, "certificates.view_certificate")

    def get_page_title(self):
        return _("Certificate %(code)s") % {"code": self.certificate.code}

    def dispatch(self, request, *args, **kwargs):
        self.certificate = get_object_or_404(
            Certificate.objects.select_related(
                "holder", "certification", "superseded_by", "signing_key"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.certificate
        user = self.request.user
        open_state = (
            certificate.revoked_at is None and certificate.superseded_at is None
        )
        report = certificate_verify(credential=certificate.credential)
        context.update(
            certificate=certificate,
            report=report,
            checks=[
                (CHECK_LABELS.get(check.name, check.name), check)
                for check in report.checks
            ],
            requirements=snapshot_requirement_texts(certificate.snapshot),
            events=certificate.events.select_related("actor")[:50],
            supersedes=certificate.supersedes.all(),
            revoke_form=RevokeForm(),
            can_revoke=open_state and user.has_perm(REVOKE),
        )
        return context


class CertificateRevokeView(CertificateDetailView):
    permissions = (REVOKE,)

    def post(self, request, *args, **kwargs):
        form = RevokeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a reason."))
            return redirect("certificate:detail", pk=self.certificate.pk)
        try:
            certificate_revoke(
                certificate=self.certificate,
                reason=form.cleaned_data["reason"],
                public_reason=form.cleaned_data["public_reason"],
                by=request.user,
            )
        except (CertificateError, ValidationError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The certificate is revoked."))
        return redirect("certificate:detail", pk=self.certificate.pk)

    def get(self, request, *args, **kwargs):
        return redirect("certificate:detail", pk=self.certificate.pk)


class CertificateReissueView(CertificateDetailView):
    permissions = (REVOKE,)

    def post(self, request, *args, **kwargs):
        try:
            new = certificate_reissue(certificate=self.certificate, by=request.user)
        except CertificateError as error:
            messages.error(request, str(error))
            return redirect("certificate:detail", pk=self.certificate.pk)
        messages.success(
            request,
            _("Re-issued as %(code)s; the old certificate is superseded.")
            % {"code": new.code},
        )
        return redirect("certificate:detail", pk=new.pk)

    def get(self, request, *args, **kwargs):
        return redirect("certificate:detail", pk=self.certificate.pk)


# --- Cohorts -----------------------------------------------------------------------


class CohortListView(CertificateAdminView):
    """Cohorts and the certifications that apply to them."""

    template_name = "certificates/admin/cohort_list.html"
    page_title = gettext_lazy("Certificates by cohort")
    permissions = (ISSUE, RECOMMEND)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cohorts = list(
            cohorts_visible_to(self.request.user)
            .prefetch_related("courses")
            .order_by("-start_date", "name")[:200]
        )
        keys = {
            course.translation_key
            for cohort in cohorts
            for course in cohort.courses.all()
        }
        certifications = list(
            Certification.objects.filter(required_courses__translation_key__in=keys)
            .prefetch_related("required_courses")
            .distinct()
        )
        rows = []
        for cohort in cohorts:
            cohort_keys = {course.translation_key for course in cohort.courses.all()}
            applicable = [
                certification
                for certification in certifications
                if cohort_keys
                & {
                    course.translation_key
                    for course in certification.required_courses.all()
                }
            ]
            rows.append({"cohort": cohort, "certifications": applicable})
        context["rows"] = rows
        return context


class CohortEligibilityView(CertificateAdminView):
    """Trainees by requirements for one cohort and certification, with the actions."""

    template_name = "certificates/admin/cohort_eligibility.html"
    permissions = (ISSUE, RECOMMEND)

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, *self.permissions)
        self.cohort = access_cohort_by_id(
            user=request.user, cohort_id=kwargs["cohort_id"]
        )
        applicable = certifications_for_cohort(cohort=self.cohort)
        self.certification = next(
            (c for c in applicable if c.pk == kwargs["certification_id"]), None
        )
        if self.certification is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.cohort.name} · {self.certification}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("certificate_cohorts:index"),
                "label": _("Certificates by cohort"),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = cohort_eligibility(cohort=self.cohort, certification=self.certification)
        user = self.request.user
        context.update(
            cohort=self.cohort,
            certification=self.certification,
            rows=rows,
            requirement_count=max((len(row.checklist) for row in rows), default=0),
            eligible_count=sum(
                1 for row in rows if row.eligibility.met and row.certificate is None
            ),
            can_issue=user.has_perm(ISSUE),
            can_recommend=user.has_perm(RECOMMEND),
            open_job=IssueJob.objects.filter(
                cohort=self.cohort,
                certification=self.certification,
                status__in=IssueJob.OPEN,
            ).first(),
        )
        return context

    def _member(self, raw_id):
        try:
            user_id = int(raw_id)
        except (TypeError, ValueError):
            raise Http404 from None
        member = User.objects.filter(
            pk=user_id,
            memberships__cohort=self.cohort,
            memberships__status__in=COUNTING_MEMBERS,
        ).first()
        if member is None:
            raise Http404
        return member

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        here = request.path
        try:
            if action == "issue_all":
                _require(request.user, ISSUE)
                job = certificates_issue_for_cohort(
                    cohort=self.cohort,
                    certification=self.certification,
                    by=request.user,
                )
                return redirect("certificate_cohorts:job", pk=job.pk)
            if action == "issue":
                _require(request.user, ISSUE)
                holder = self._member(request.POST.get("user"))
                certificate = certificate_issue(
                    certification=self.certification,
                    holder=holder,
                    issued_by=request.user,
                    recommendation=self._pending(holder),
                )
                messages.success(
                    request,
                    _("Issued %(code)s to %(name)s.")
                    % {"code": certificate.code, "name": holder.legal_name},
                )
            elif action == "recommend":
                _require(request.user, RECOMMEND)
                trainee = self._member(request.POST.get("user"))
                certificate_recommend(
                    certification=self.certification, trainee=trainee, by=request.user
                )
                messages.success(
                    request, _("Recommended %(name)s.") % {"name": trainee.legal_name}
                )
            elif action in ("approve", "decline"):
                _require(request.user, ISSUE)
                recommendation = get_object_or_404(
                    Recommendation,
                    pk=request.POST.get("recommendation"),
                    certification=self.certification,
                    trainee__memberships__cohort=self.cohort,
                )
                if action == "approve":
                    recommendation_approve(
                        recommendation=recommendation, by=request.user
                    )
                    messages.success(request, _("Approved and issued."))
                else:
                    recommendation_decline(
                        recommendation=recommendation, by=request.user
                    )
                    messages.success(request, _("Recommendation declined."))
            else:
                raise Http404
        except NotEligible as error:
            messages.error(request, str(error))
        except CertificateError as error:
            messages.error(request, str(error))
        return redirect(here)

    def _pending(self, holder):
        if not self.certification.requires_recommendation:
            return None
        return Recommendation.objects.filter(
            certification=self.certification,
            trainee=holder,
            status=Recommendation.Status.PENDING,
        ).first()


class IssueJobView(CertificateAdminView):
    template_name = "certificates/admin/issue_job.html"
    permissions = (ISSUE,)

    def dispatch(self, request, *args, **kwargs):
        self.job = get_object_or_404(
            IssueJob.objects.select_related("cohort", "certification", "requested_by"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Issuing to %(cohort)s") % {"cohort": self.job.cohort.name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            job=self.job,
            problems=self.job.items.exclude(outcome="issued").select_related("user")[
                :200
            ],
            back_url=reverse(
                "certificate_cohorts:eligibility",
                args=(self.job.cohort_id, self.job.certification_id),
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        count = issue_job_resume(job=self.job)
        messages.success(
            request, _("Queued %(count)s trainees again.") % {"count": count}
        )
        return redirect("certificate_cohorts:job", pk=self.job.pk)
