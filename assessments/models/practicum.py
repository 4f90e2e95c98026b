"""The practicum log: supervised coaching practice, signed off by a supervisor.

Clients appear only as an anonymised code that the trainee makes up. The
code is checked so that a Swedish personal identity number (personnummer) or
co-ordination number (samordningsnummer) cannot be stored by mistake, and
the reflection is checked for one too.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Competency",
    "PracticumSession",
    "PracticumSupervision",
    "looks_like_personal_number",
    "validate_client_code",
]

MIN_MINUTES = 15
MAX_MINUTES = 600
MAX_REFLECTION_CHARS = 4000
MAX_COMMENT_CHARS = 2000

# Six (YYMMDD) or eight (YYYYMMDD) digits, an optional separator (-, + or a
# space), then four digits; not part of a longer run of digits. Samordnings-
# nummer have the same shape (day + 60), so this catches both.
_PERSONAL_NUMBER_RE = re.compile(r"(?<!\d)(?:\d{6}|\d{8})[-+\s]?\d{4}(?!\d)")
_CLIENT_CODE_RE = re.compile(r"^[A-Za-z0-9-]{2,20}$")


def looks_like_personal_number(text: str) -> bool:
    """Does ``text`` contain something shaped like a Swedish personal number?"""
    return bool(_PERSONAL_NUMBER_RE.search(text or ""))


def validate_client_code(value: str) -> None:
    if looks_like_personal_number(value):
        raise ValidationError(
            _(
                "This looks like a personal identity number. Never enter a "
                "client's personal number or name: make up a code instead, "
                "such as K-07."
            ),
            code="personal_number",
        )
    if not _CLIENT_CODE_RE.match(value or ""):
        raise ValidationError(
            _(
                "Use 2 to 20 characters: letters A to Z, digits and dashes only, "
                "such as K-07."
            ),
            code="invalid",
        )


class Competency(models.TextChoices):
    ACTIVE_LISTENING = "active_listening", _("Active listening")
    OPEN_QUESTIONS = "open_questions", _("Open and powerful questions")
    GOAL_SETTING = "goal_setting", _("Goals in the person's own words")
    SOLUTION_FOCUSED = (
        "solution_focused",
        _("Solution-focused tools (scaling, exceptions, the miracle question)"),
    )
    MOTIVATIONAL = "motivational", _("Motivational interviewing")
    BIOPSYCHOSOCIAL = "biopsychosocial", _("Biopsychosocial perspective")
    CULTURAL_HUMILITY = "cultural_humility", _("Cultural humility and interpreters")
    ETHICS = "ethics", _("Ethics, consent and confidentiality")
    DOCUMENTATION = "documentation", _("Documentation")
    BOUNDARIES = "boundaries", _("Boundaries and self-care")


class PracticumSession(models.Model):
    class Status(models.TextChoices):
        LOGGED = "logged", _("Waiting for sign-off")
        SIGNED = "signed", _("Signed off")
        RETURNED = "returned", _("Sent back")

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="practicum_sessions",
    )
    date = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)],
    )
    # The partner organisation, as free text until placements has its
    # organisations; it will become a link to one then.
    setting_name = models.CharField(
        _("setting (partner organisation)"), max_length=150, blank=True
    )
    client_code = models.CharField(
        _("client code"), max_length=20, validators=[validate_client_code]
    )
    competencies = models.JSONField(_("competencies practised"), default=list)
    reflection = models.TextField(
        _("reflection"),
        max_length=MAX_REFLECTION_CHARS,
        validators=[MaxLengthValidator(MAX_REFLECTION_CHARS)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LOGGED
    )
    # Who signed it off or sent it back last.
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    comment = models.TextField(
        _("supervisor's comment"),
        max_length=MAX_COMMENT_CHARS,
        blank=True,
        validators=[MaxLengthValidator(MAX_COMMENT_CHARS)],
    )
    created_at = models.DateTimeField(_("logged"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("practicum session")
        verbose_name_plural = _("practicum sessions")
        ordering = ["-date", "-id"]
        permissions = [("sign_off_practicum", _("Can sign off practicum sessions"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_MINUTES, minutes__lte=MAX_MINUTES),
                name="practicum_session_lasts_15_to_600_minutes",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed")
                | Q(supervisor__isnull=False, signed_at__isnull=False),
                name="signed_session_names_its_supervisor",
            ),
        ]
        indexes = [models.Index(fields=["trainee", "status"])]

    def __str__(self) -> str:
        return f"{self.trainee_id} · {self.date} · {self.minutes} min"

    def clean(self) -> None:
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("The date cannot be in the future.")
        codes = self.competencies
        if not isinstance(codes, list) or not codes:
            errors["competencies"] = _("Choose at least one competency.")
        elif not set(codes) <= set(Competency.values) or len(set(codes)) != len(codes):
            errors["competencies"] = _("Choose competencies from the list.")
        if looks_like_personal_number(self.reflection):
            errors["reflection"] = _(
                "The reflection seems to contain a personal identity number. "
                "Remove it: refer to the client only by their code."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def competency_labels(self) -> list[str]:
        labels = dict(Competency.choices)
        return [str(labels[c]) for c in self.competencies if c in labels]


class PracticumSupervision(models.Model):
    """``supervisor`` may sign off ``trainee``'s practicum sessions."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="practicum_supervisors",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.CASCADE,
        related_name="practicum_supervisees",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("practicum supervisor")
        verbose_name_plural = _("practicum supervisors")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "supervisor"], name="one_supervision_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(trainee=F("supervisor")),
                name="nobody_supervises_themselves",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.trainee}"
