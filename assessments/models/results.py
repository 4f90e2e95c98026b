"""The results ledger: one row per trainee and assessment, and its history.

The gradebook and the certification rules read ``AssessmentResult``; it is
written only through ``assessments.services.results.assessment_result_record``,
which logs every change as an ``AssessmentResultChange``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AssessmentResult(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="assessment_results",
    )
    # The original page of the assessment's translation group (a quiz or an
    # assignment).
    assessment = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField(
        _("score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(
        _("out of"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    percent = models.DecimalField(
        _("percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # None: not decided yet (for example, waiting for a trainer's review).
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    awaiting_review = models.BooleanField(_("awaiting review"), default=False)
    first_passed_at = models.DateTimeField(_("first passed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assessment"],
                name="one_result_per_person_and_assessment",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="result_percent_is_between_0_and_100",
            ),
        ]
        indexes = [models.Index(fields=["assessment", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.assessment_id}"


class AssessmentResultChange(models.Model):
    """One change to a result: who made it, when, and the values before and after."""

    result = models.ForeignKey(
        AssessmentResult,
        verbose_name=_("result"),
        on_delete=models.PROTECT,
        related_name="changes",
    )
    action = models.CharField(_("action"), max_length=40)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    old = models.JSONField(_("before"), null=True, blank=True)
    new = models.JSONField(_("after"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assessment result change")
        verbose_name_plural = _("assessment result changes")
        ordering = ["result_id", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.result_id} · {self.action} · {self.changed_at:%Y-%m-%d %H:%M}"
