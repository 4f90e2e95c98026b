"""What became of each participant, and the export files made for the funder.

The programme's figures themselves are never stored: ``reports.selectors``
reads them from the records each time.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.storage import PrivateStorage


class ParticipantOutcome(models.Model):
    """Where a participant stood when they left a cohort, or at a later follow-up."""

    class Kind(models.TextChoices):
        IN_PLACEMENT = "in_placement", _("In placement")
        IN_WORK = "in_work", _("In work")
        IN_STUDIES = "in_studies", _("In studies")
        JOB_SEEKER = "job_seeker", _("Job seeker")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Unknown")

    class Stage(models.TextChoices):
        EXIT = "exit", _("At exit")
        FOLLOW_UP = "follow_up", _("At follow-up")

    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    stage = models.CharField(_("recorded at"), max_length=20, choices=Stage.choices)
    kind = models.CharField(_("outcome"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    note = models.TextField(
        _("note"),
        max_length=1000,
        blank=True,
        help_text=_("Facts only; no health details."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("participant outcome")
        verbose_name_plural = _("participant outcomes")
        ordering = ["cohort", "participant", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "cohort", "stage"],
                name="one_outcome_per_participant_cohort_and_stage",
                violation_error_message=_(
                    "An outcome is already recorded for this participant, cohort "
                    "and stage."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.cohort} · {self.get_stage_display()}"

    def clean(self) -> None:
        from courses.models import CohortMembership

        if (
            self.participant_id
            and self.cohort_id
            and not CohortMembership.objects.filter(
                user_id=self.participant_id, cohort_id=self.cohort_id
            ).exists()
        ):
            raise ValidationError(
                {"participant": _("This person is not a member of the cohort.")}
            )


def _export_path(instance: "ExportJob", filename: str) -> str:
    return f"exports/{instance.token}.csv"


class ExportJob(models.Model):
    """A large export made in the background, downloaded when it is ready."""

    class Kind(models.TextChoices):
        PARTICIPANTS = "participants", _("Participant-level data")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Ready")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty means every cohort."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(
        _("file"),
        storage=PrivateStorage(subdirectory="reports"),
        upload_to=_export_path,
        blank=True,
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_programme_reports", _("Can view the programme reports")),
            ("export_participant_data", _("Can export participant-level data")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"
