"""Each cohort's own pages in the admin: members, invitations, progress report.

Every page goes through ``courses.access.access_cohort_by_id``, which answers
404 for a cohort that is missing or not the user's. Trainers may read the
members and the progress report of the cohorts they teach; changing
memberships (inviting, re-sending, withdrawing) takes the membership
permissions that programme administrators have.
"""

import csv

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from courses.access import access_cohort_by_id
from courses.cohort_report import (
    cohort_progress_report,
    report_csv_rows,
    report_sort,
    report_table_rows,
)
from courses.invitation_csv import MAX_BYTES, MAX_ROWS, invitation_rows_parse
from courses.invitations import (
    PreviewOutdated,
    cohort_invite,
    invitation_resend,
    invitation_rows_check,
    invite_fingerprint,
    membership_withdraw,
)
from courses.models import Cohort, CohortMembership

NAMESPACE = "cohorts"


def cohort_url(view_name: str, cohort_id: int, *args) -> str:
    return reverse(f"{NAMESPACE}:{view_name}", args=(quote(cohort_id), *args))


def can_manage_members(user) -> bool:
    return user.has_perms(
        ["courses.add_cohortmembership", "courses.change_cohortmembership"]
    )


def cohort_header_buttons(user, cohort: Cohort, *, here: str) -> list:
    """Links between a cohort's pages, shown in each page's header."""
    links = [
        ("members", _("Members"), "group"),
        ("invite", _("Invite trainees"), "mail"),
        ("progress", _("Progress report"), "table"),
    ]
    buttons = []
    for priority, (name, label, icon) in enumerate(links):
        if name == here or (name == "invite" and not can_manage_members(user)):
            continue
        buttons.append(
            HeaderButton(
                label,
                url=cohort_url(name, cohort.pk),
                icon_name=icon,
                priority=priority,
            )
        )
    return buttons


class CohortPageView(WagtailAdminTemplateMixin, TemplateView):
    """A page about one cohort: 404 unless the user runs programmes or teaches it."""

    header_icon = "group"
    page_name = ""
    manages_members = False  # True: only those who may manage members

    def dispatch(self, request, *args, **kwargs):
        self.cohort = access_cohort_by_id(user=request.user, cohort_id=kwargs["pk"])
        self.can_manage = can_manage_members(request.user)
        if self.manages_members and not self.can_manage:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.cohort.name

    def get_breadcrumbs_items(self):
        cohort_link = ""
        if self.request.user.has_perm("courses.change_cohort"):
            cohort_link = cohort_url("edit", self.cohort.pk)
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:index"), "label": _("Cohorts")},
            {"url": cohort_link, "label": self.cohort.name},
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.cohort.name,
            },
        ]

    @cached_property
    def header_buttons(self):
        return cohort_header_buttons(
            self.request.user, self.cohort, here=self.page_name
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cohort=self.cohort, can_manage=self.can_manage)
        return context


class CohortMembersView(CohortPageView):
    template_name = "courses/admin/cohort_members.html"
    page_title = gettext_lazy("Members")
    page_name = "members"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = list(
            self.cohort.memberships.select_related("user")
            .annotate(
                last_sent=Max("invitations__sent_at"),
                expires=Max("invitations__expires_at"),
            )
            .order_by("user__legal_name", "user__email")
        )
        counts = dict.fromkeys(CohortMembership.Status.values, 0)
        for membership in memberships:
            counts[membership.status] += 1
        context.update(
            memberships=memberships,
            counts=[
                (label, counts[value])
                for value, label in CohortMembership.Status.choices
            ],
            places_taken=counts["invited"] + counts["active"],
            now=timezone.now(),
        )
        return context


class InviteForm(forms.Form):
    csv_text = forms.CharField(
        label=gettext_lazy("Paste the list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One person a line: e-mail address, then legal name, separated by a "
            "comma, a semicolon or a tab (cells copied from a spreadsheet). A "
            "header row (email, name) is optional."
        ),
    )
    csv_file = forms.FileField(
        label=gettext_lazy("Or upload a CSV file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
        help_text=gettext_lazy("At most 1 MB and 1000 rows."),
    )

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("csv_text"), cleaned.get("csv_file")
        if text and upload:
            raise ValidationError(_("Paste the list or upload a file, not both."))
        if not text and not upload:
            raise ValidationError(_("Paste the list or choose a file to upload."))
        if upload is not None:
            # Decided from the size, before a byte of a large file is read.
            if upload.size > MAX_BYTES:
                raise ValidationError(
                    _(
                        "The file is larger than 1 MB. Split it into smaller files "
                        "of at most %(rows)s rows."
                    )
                    % {"rows": MAX_ROWS}
                )
            cleaned["data"] = upload.read(MAX_BYTES + 1)
        else:
            cleaned["data"] = text.encode("utf-8")
        return cleaned


class CohortInviteView(CohortPageView):
    """Paste or upload, preview every row's verdict, then confirm.

    Stateless: the preview carries the decoded text and a fingerprint of the
    rows it promised to invite; the confirmation parses and checks again
    under a lock and refuses if the rows to invite are no longer the same.
    """

    template_name = "courses/admin/cohort_invite.html"
    page_title = gettext_lazy("Invite trainees")
    page_name = "invite"
    manages_members = True

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=InviteForm()))

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "confirm":
            return self._confirm(request)
        form = InviteForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        return self._preview(form.cleaned_data["data"], form=form)

    def _preview(self, data: bytes, *, form, outdated=False):
        parsed = invitation_rows_parse(data=data)
        if not parsed.ok:
            form.add_error(None, parsed.error)
            return self.render_to_response(self.get_context_data(form=form))
        valid, rejected = invitation_rows_check(cohort=self.cohort, rows=parsed.rows)
        rejected = sorted([*parsed.rejected, *rejected], key=lambda r: r.line)
        return self.render_to_response(
            self.get_context_data(
                stage="preview",
                form=form,
                parsed=parsed,
                valid=valid,
                rejected=rejected,
                fingerprint=invite_fingerprint(valid),
                outdated=outdated,
            )
        )

    def _confirm(self, request):
        text = request.POST.get("csv_text", "")
        form = InviteForm(initial={"csv_text": text})
        parsed = invitation_rows_parse(data=text.encode("utf-8"))
        if not parsed.ok:
            form.add_error(None, parsed.error)
            return self.render_to_response(self.get_context_data(form=form))
        try:
            result = cohort_invite(
                cohort=self.cohort,
                rows=parsed.rows,
                invited_by=request.user,
                expected_fingerprint=request.POST.get("fingerprint", ""),
            )
        except PreviewOutdated:
            return self._preview(text.encode("utf-8"), form=form, outdated=True)
        rejected = sorted([*parsed.rejected, *result.rejected], key=lambda r: r.line)
        if result.invited_count:
            messages.success(
                request,
                _("%(count)s people were invited. The e-mails are on their way.")
                % {"count": result.invited_count},
            )
        return self.render_to_response(
            self.get_context_data(
                stage="done", form=None, valid=result.invited, rejected=rejected
            )
        )


class CohortProgressView(CohortPageView):
    template_name = "courses/admin/cohort_progress.html"
    page_title = gettext_lazy("Progress report")
    page_name = "progress"

    def get(self, request, *args, **kwargs):
        report = cohort_progress_report(cohort=self.cohort)
        sort = request.GET.get("sort", "name")
        report.rows = report_sort(report, sort)
        if request.GET.get("format") == "csv":
            return self._csv(report)
        return self.render_to_response(
            self.get_context_data(
                report=report, sort=sort, table_rows=report_table_rows(report)
            )
        )

    def _csv(self, report):
        filename = "{}-progress-{}.csv".format(
            slugify(self.cohort.name) or "cohort", timezone.localdate().isoformat()
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        # A byte-order mark, so that Excel reads the file as UTF-8.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerows(report_csv_rows(report))
        return response


class MembershipActionView(CohortPageView):
    manages_members = True

    def membership(self) -> CohortMembership:
        return get_object_or_404(
            CohortMembership.objects.select_related("user"),
            pk=self.kwargs["membership_id"],
            cohort=self.cohort,
        )

    def back(self):
        return redirect(cohort_url("members", self.cohort.pk))


class MembershipResendView(MembershipActionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = self.membership()
        try:
            invitation_resend(membership=membership, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "A new invitation is on its way to %(email)s. Earlier links no "
                    "longer work."
                )
                % {"email": membership.user.email},
            )
        return self.back()


class MembershipWithdrawView(MembershipActionView):
    template_name = "courses/admin/membership_withdraw.html"
    page_title = gettext_lazy("Withdraw")
    page_name = "withdraw"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(membership=self.membership())
        )

    def post(self, request, *args, **kwargs):
        membership = self.membership()
        try:
            membership_withdraw(membership=membership, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s was withdrawn from %(cohort)s.")
                % {"name": membership.user.legal_name, "cohort": self.cohort.name},
            )
        return self.back()
