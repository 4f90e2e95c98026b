"""Certification rules and the certificates issued under them.

A ``Certification`` is the rule administrators edit. A ``Certificate`` is a
record: it snapshots what was certified, holds the signed Open Badges 3.0
credential and points at its bit in a ``StatusList``. Nothing here is ever
deleted: revoking flips a bit, re-issuing supersedes.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certificates.vc import MIN_BITS
from config.storage import PrivateStorage

LANGUAGES = ("sv", "en", "ar")
# The order a missing translation falls back in.
FALLBACK_LANGUAGES = ("en", "sv")


class Certification(models.Model):
    """What it takes to be certified, and the EU micro-credential facts about it."""

    class AssessmentType(models.TextChoices):
        TESTS_AND_ASSIGNMENTS = (
            "tests_assignments",
            _("Online tests and assessed written assignments"),
        )
        TESTS_ASSIGNMENTS_PRACTICE = (
            "tests_assignments_practice",
            _("Online tests, assessed written assignments and supervised practice"),
        )
        PORTFOLIO = "portfolio", _("Portfolio assessment")
        PRACTICAL = "practical", _("Practical assessment")
        EXAMINATION = "examination", _("Written examination")

    class Participation(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        BLENDED = "blended", _("Blended (online and in person)")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), max_length=2000)
    description_en = models.TextField(_("description (English)"), max_length=2000)
    description_ar = models.TextField(
        _("description (Arabic)"), max_length=2000, blank=True
    )
    criteria_sv = models.TextField(
        _("criteria (Swedish)"),
        max_length=4000,
        help_text=_("In words: what a holder has done to earn the certificate."),
    )
    criteria_en = models.TextField(_("criteria (English)"), max_length=4000)
    criteria_ar = models.TextField(_("criteria (Arabic)"), max_length=4000, blank=True)
    learning_outcomes_sv = models.TextField(
        _("learning outcomes (Swedish)"),
        max_length=4000,
        help_text=_("One learning outcome per line."),
    )
    learning_outcomes_en = models.TextField(
        _("learning outcomes (English)"),
        max_length=4000,
        help_text=_("One learning outcome per line."),
    )
    learning_outcomes_ar = models.TextField(
        _("learning outcomes (Arabic)"),
        max_length=4000,
        blank=True,
        help_text=_("One learning outcome per line."),
    )

    required_courses = models.ManyToManyField(
        "courses.CoursePage",
        verbose_name=_("required courses"),
        related_name="certifications",
        help_text=_("Every step of each of these courses must be done."),
    )
    required_assessments = models.ManyToManyField(
        "wagtailcore.Page",
        verbose_name=_("required assessments"),
        related_name="+",
        blank=True,
        help_text=_(
            "Quizzes and assignments that must be passed. Leave empty to require "
            "every quiz and assignment in the required courses."
        ),
    )
    min_practicum_hours = models.DecimalField(
        _("minimum practicum hours"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Hours of supervised practice signed off by a supervisor."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity in months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Leave empty if certificates do not expire."),
    )

    # EU micro-credential elements (Council Recommendation of 16 June 2022).
    workload_hours = models.PositiveIntegerField(
        _("workload in hours"),
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text=_("The notional learning time a learner needs."),
    )
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"),
        null=True,
        blank=True,
        choices=[(level, str(level)) for level in range(1, 9)],
        help_text=_("Level on the European Qualifications Framework, if any."),
    )
    assessment_type = models.CharField(
        _("type of assessment"),
        max_length=40,
        choices=AssessmentType.choices,
        default=AssessmentType.TESTS_ASSIGNMENTS_PRACTICE,
    )
    participation_form = models.CharField(
        _("form of participation"),
        max_length=20,
        choices=Participation.choices,
        default=Participation.BLENDED,
    )
    quality_assurance = models.TextField(
        _("quality assurance"),
        max_length=1000,
        help_text=_("Who assures the quality of this certification, and how."),
    )

    requires_recommendation = models.BooleanField(
        _("needs a trainer's recommendation"),
        default=False,
        help_text=_(
            "A trainer recommends each trainee and a programme administrator "
            "approves: two people decide."
        ),
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["name_en"]
        permissions = [
            ("issue_certificate", _("Can issue certificates")),
            ("revoke_certificate", _("Can revoke and re-issue certificates")),
            ("recommend_certificate", _("Can recommend trainees for certificates")),
        ]

    def __str__(self) -> str:
        return self.text("name")

    def text(self, field: str, language: str | None = None) -> str:
        """A translated field in ``language`` (default: the active one).

        Falls back to English, then Swedish, when that translation is empty.
        """
        language = (language or translation.get_language() or "sv")[:2]
        for code in (language, *FALLBACK_LANGUAGES):
            value = getattr(self, f"{field}_{code}", "") if code in LANGUAGES else ""
            if value:
                return value
        return ""

    def texts(self, field: str) -> dict[str, str]:
        """Every language's version of a translated field (missing ones left out)."""
        return {
            code: getattr(self, f"{field}_{code}")
            for code in LANGUAGES
            if getattr(self, f"{field}_{code}")
        }


class SigningKey(models.Model):
    """A public Ed25519 key of the issuer. The private key is never stored here.

    Keys are retired, never deleted: the DID document keeps listing them so
    certificates signed with them still verify.
    """

    key_id = models.CharField(
        _("key id"),
        max_length=64,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")],
    )
    public_key_multibase = models.CharField(
        _("public key (Multikey)"), max_length=100, unique=True
    )
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="one_active_signing_key",
            ),
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(retired_at__isnull=True),
                name="an_active_key_is_not_retired",
            ),
        ]

    def __str__(self) -> str:
        return self.key_id


class StatusList(models.Model):
    """A W3C Bitstring Status List: bit ``i`` set means certificate ``i`` is revoked.

    ``credential`` caches the signed list credential served at
    ``/status/<number>``; ``dirty`` says the bits changed since it was signed.
    """

    number = models.PositiveIntegerField(_("number"), unique=True)
    size_bits = models.PositiveIntegerField(_("size in bits"), default=MIN_BITS)
    bitstring = models.BinaryField(_("bits"))
    dirty = models.BooleanField(_("needs re-signing"), default=True)
    credential = models.JSONField(_("signed list credential"), null=True, blank=True)
    published_at = models.DateTimeField(_("signed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.CheckConstraint(
                condition=Q(size_bits__gte=MIN_BITS), name="status_list_is_large_enough"
            )
        ]

    def __str__(self) -> str:
        return f"status list {self.number}"


def _pdf_path(instance: "Certificate", filename: str) -> str:
    return f"certificates/{instance.uuid}.pdf"


class Certificate(models.Model):
    class RevocationReason(models.TextChoices):
        ERROR = "error", _("Issued in error")
        MISCONDUCT = "misconduct", _("Misconduct")
        WITHDRAWN = "withdrawn", pgettext_lazy("revocation reason", "Withdrawn")
        SUPERSEDED = "superseded", _("Superseded by a corrected certificate")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=19, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What was certified, as it was: names, criteria, hours, dates, language.
    snapshot = models.JSONField(_("snapshot"))
    credential = models.JSONField(_("signed credential"))
    signing_key = models.ForeignKey(
        SigningKey, on_delete=models.PROTECT, related_name="certificates"
    )
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="certificates"
    )
    status_index = models.PositiveIntegerField(_("status list index"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)

    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revocation_reason = models.CharField(
        _("reason"), max_length=20, choices=RevocationReason.choices, blank=True
    )
    public_reason = models.CharField(
        _("public reason"),
        max_length=300,
        blank=True,
        help_text=_("Shown to anyone who checks the certificate."),
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )

    pdf = models.FileField(
        _("PDF"), storage=PrivateStorage(), upload_to=_pdf_path, blank=True
    )
    pdf_rendered_at = models.DateTimeField(_("PDF rendered"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("holder e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # A re-issue marks the old certificate superseded (superseded_at)
            # before inserting the new one, in one transaction, so the pair
            # never both hold the place.
            models.UniqueConstraint(
                fields=["holder", "certification"],
                condition=Q(superseded_at__isnull=True),
                name="one_certificate_per_certification",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"],
                name="one_certificate_per_status_bit",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="a_revocation_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True)
                | Q(superseded_at__isnull=False),
                name="a_superseded_certificate_says_when",
            ),
            models.CheckConstraint(
                condition=~Q(superseded_by=F("id")),
                name="a_certificate_does_not_supersede_itself",
            ),
        ]
        indexes = [models.Index(fields=["certification", "holder"])]

    def __str__(self) -> str:
        return self.code

    @property
    def holder_name(self) -> str:
        return self.snapshot.get("holder", {}).get("legal_name", "")

    @property
    def title(self) -> str:
        """The certification's name as certified, in the holder's language."""
        return self.snapshot.get("certification", {}).get("title", "")

    @property
    def record_state(self) -> str:
        """What the records say (for staff lists); the public page verifies instead."""
        if self.superseded_at:
            return "superseded"
        if self.revoked_at:
            return "revoked"
        if self.valid_until and self.valid_until <= timezone.now():
            return "expired"
        return "valid"


class IssueJob(models.Model):
    """Issuing to every eligible trainee of a cohort: the progress row."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    OPEN = (Status.QUEUED, Status.RUNNING)

    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.PROTECT,
        related_name="issue_jobs",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The trainees found eligible when the job was made; each gets one item.
    user_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("issued"), default=0)
    skipped = models.PositiveIntegerField(_("no longer eligible"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("issue job")
        verbose_name_plural = _("issue jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "certification"],
                condition=Q(status__in=["queued", "running"]),
                name="one_open_issue_job_per_cohort_and_certification",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} · {self.certification_id} · {self.status}"

    @property
    def processed(self) -> int:
        return self.done + self.skipped + self.failed

    @property
    def percent(self) -> int:
        if not self.total:
            return 100
        return min(100, self.processed * 100 // self.total)


class IssueJobItem(models.Model):
    """What happened to one trainee in a job. A retried chunk rewrites, never adds."""

    class Outcome(models.TextChoices):
        ISSUED = "issued", pgettext_lazy("job status", "Issued")
        NOT_ELIGIBLE = "not_eligible", _("No longer eligible")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    job = models.ForeignKey(IssueJob, on_delete=models.PROTECT, related_name="items")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    message = models.TextField(blank=True)
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("issue job item")
        verbose_name_plural = _("issue job items")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "user"], name="one_outcome_per_trainee_and_job"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_id} · {self.user_id}: {self.outcome}"


class Recommendation(models.Model):
    """A trainer recommends a trainee; another person approves by issuing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recommended by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("recommended"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "trainee"],
                condition=Q(status="pending"),
                name="one_pending_recommendation_per_trainee",
            ),
            # Two people: whoever recommends cannot also approve.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | ~Q(decided_by=F("recommended_by")),
                name="recommender_does_not_decide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id} · {self.certification_id}: {self.status}"


class CertificateEvent(models.Model):
    """The audit log: who issued, revoked or re-issued what, and when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=50)
    certificate = models.ForeignKey(
        Certificate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.certificate_id}"
