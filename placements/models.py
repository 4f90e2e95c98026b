"""Partner organisations, the coaches placed with them, and the history of each.

A placement moves proposed → agreed → active → completed, or ends early (with
a reason) from any open state. Every change is written by ``placements.services``
and logged as a ``PlacementEvent``; nothing here is deleted.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_PLACES = 500


class PartnerOrganisation(models.Model):
    """An organisation that takes certified coaches: who, where, how many."""

    class Kind(models.TextChoices):
        EMPLOYMENT_SERVICE = "employment_service", _("Employment service")
        SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
        PRIMARY_CARE = "primary_care", _("Primary care")
        MUNICIPALITY = "municipality", _("Municipality")
        EDUCATION_PROVIDER = "education_provider", _("Education provider")
        COORDINATION_ASSOCIATION = (
            "coordination_association",
            _("Coordination association"),
        )
        NON_PROFIT = "non_profit", _("Non-profit organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    municipality = models.CharField(_("municipality"), max_length=100)
    address = models.TextField(_("address"), max_length=500, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    languages = models.ManyToManyField(
        "users.Language",
        verbose_name=_("languages the clients speak"),
        related_name="partner_organisations",
        blank=True,
        help_text=_("Used to suggest coaches who speak them."),
    )
    places = models.PositiveIntegerField(
        _("coach places"),
        default=1,
        validators=[MaxValueValidator(MAX_PLACES)],
        help_text=_("How many coaches the organisation can take at the same time."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Only active organisations are offered for new placements."),
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Placement(models.Model):
    """A certified coach working with a partner organisation for a while."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")

    # Still going somewhere: a revoked certificate flags these.
    OPEN = (Status.PROPOSED, Status.AGREED, Status.ACTIVE)
    # Hold one of the organisation's places.
    TAKES_A_PLACE = (Status.AGREED, Status.ACTIVE)

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    role_description = models.TextField(
        _("role"),
        max_length=2000,
        help_text=_("What the coach will do there, in a few sentences."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("0.5")),
            MaxValueValidator(Decimal(60)),
        ],
    )
    supervisor_name = models.CharField(
        _("on-site supervisor"), max_length=200, blank=True
    )
    supervisor_email = models.EmailField(_("supervisor's e-mail"), blank=True)
    supervisor_phone = models.CharField(
        _("supervisor's phone"), max_length=40, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    ended_reason = models.TextField(
        _("why it ended early"), max_length=2000, blank=True
    )
    outcome_notes = models.TextField(_("outcome notes"), max_length=4000, blank=True)
    needs_attention = models.BooleanField(_("needs attention"), default=False)
    attention_reason = models.TextField(
        _("why it needs attention"), max_length=1000, blank=True
    )

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    activated_at = models.DateTimeField(_("started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["coach", "organisation"],
                condition=Q(status__in=["proposed", "agreed", "active"]),
                name="one_open_placement_per_coach_and_organisation",
                violation_error_message=_(
                    "This coach already has an open placement with this organisation."
                ),
            ),
            models.UniqueConstraint(
                fields=["coach"],
                condition=Q(status__in=["agreed", "active"]),
                name="a_coach_holds_one_place_at_a_time",
                violation_error_message=_(
                    "This coach already has an agreed or active placement."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="ended_early") | ~Q(ended_reason=""),
                name="an_early_end_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(needs_attention=False) | ~Q(attention_reason=""),
                name="attention_has_a_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["coach", "status"]),
        ]

    def __str__(self) -> str:
        return _("%(coach)s at %(organisation)s") % {
            "coach": self.coach,
            "organisation": self.organisation,
        }

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date is before the start date.")}
            )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class PlacementEvent(models.Model):
    """One change to a placement: who, when, what (``placements.<verb>``), old → new."""

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=50)
    old = models.JSONField(
        _("before"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    new = models.JSONField(
        _("after"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("placement event")
        verbose_name_plural = _("placement events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.placement_id}"
