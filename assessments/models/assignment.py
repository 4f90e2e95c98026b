"""Written assignments: the page editors write and the work trainees hand in.

A ``Submission`` is one version of a trainee's work. Handing it in copies the
rubric, the pass threshold and the due date it is graded by, so editing the
page later never changes how past work is graded. Returned work is revised in
a new version; every version is kept.

Files live in a private storage that has no URL at all: they are only ever
streamed through ``assessments.views.assignments.attachment_download``, which
checks access first.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from assessments.rubric_blocks import (
    RubricKind,
    RubricStreamBlock,
    rubric_errors,
    rubric_snapshot,
)
from config.sanitise import sanitise_html, word_count
from config.storage import PrivateStorage
from courses.blocks import RICH_TEXT_FEATURES
from courses.models import StepPage

__all__ = [
    "AssignmentDueOverride",
    "AssignmentPage",
    "Attachment",
    "Review",
    "Submission",
]

INSTRUCTION_FEATURES = [f for f in RICH_TEXT_FEATURES if f != "document-link"]
MAX_FILE_MEGABYTES = 20


class AssignmentPage(StepPage):
    instructions = RichTextField(_("instructions"), features=INSTRUCTION_FEATURES)
    rubric_kind = models.CharField(
        _("kind of rubric"),
        max_length=20,
        choices=RubricKind.choices,
        default=RubricKind.LEVELS,
    )
    rubric = StreamField(RubricStreamBlock(), verbose_name=_("rubric"))
    pass_threshold_percent = models.DecimalField(
        _("pass threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "For a rubric with levels: the share of the rubric's points needed to "
            "pass. A pass or fail rubric passes when every criterion passes."
        ),
    )
    due_at = models.DateTimeField(
        _("due date"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no fixed date. Cohorts can have their own."),
    )
    due_days_after_start = models.PositiveSmallIntegerField(
        _("due days after the cohort starts"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_(
            "Instead of a fixed date: due at the end of this day, counted from "
            "each cohort's start date."
        ),
    )
    word_limit = models.PositiveIntegerField(
        _("word limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(20_000)],
        help_text=_("Leave empty for no limit."),
    )
    allow_files = models.BooleanField(_("trainees may attach files"), default=False)
    accept_pdf = models.BooleanField(_("PDF"), default=True)
    accept_docx = models.BooleanField(_("Word (.docx)"), default=True)
    accept_images = models.BooleanField(
        _("images (JPEG, PNG, WEBP, GIF)"), default=True
    )
    max_file_megabytes = models.PositiveSmallIntegerField(
        _("largest file (MB)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FILE_MEGABYTES)],
    )
    max_files = models.PositiveSmallIntegerField(
        _("most files"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    content_panels = [
        *StepPage.content_panels,
        FieldPanel("estimated_minutes"),
        FieldPanel("instructions"),
        MultiFieldPanel(
            [
                FieldPanel("rubric_kind"),
                FieldPanel("pass_threshold_percent"),
                FieldPanel("rubric"),
            ],
            heading=_("Rubric"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("due_at"),
                FieldPanel("due_days_after_start"),
                FieldPanel("word_limit"),
            ],
            heading=_("Due date and length"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("allow_files"),
                FieldPanel("accept_pdf"),
                FieldPanel("accept_docx"),
                FieldPanel("accept_images"),
                FieldPanel("max_file_megabytes"),
                FieldPanel("max_files"),
            ],
            heading=_("Attachments"),
        ),
    ]
    search_fields = [*StepPage.search_fields, index.SearchField("instructions")]

    completed_by_trainee = False
    step_kind = "assignment"
    template = "assessments/assignment_page.html"

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def clean(self):
        super().clean()
        errors = {}
        problems = rubric_errors(kind=self.rubric_kind, stream=self.rubric)
        if problems:
            errors["rubric"] = problems
        if self.due_at and self.due_days_after_start:
            errors["due_days_after_start"] = _(
                "Choose either a fixed due date or a number of days after the "
                "cohort starts, not both."
            )
        if self.allow_files and not self.allowed_file_kinds:
            errors["allow_files"] = _("Choose at least one kind of file to accept.")
        if errors:
            raise ValidationError(errors)

    @property
    def allowed_file_kinds(self) -> frozenset[str]:
        kinds = {
            "pdf": self.accept_pdf,
            "docx": self.accept_docx,
            "image": self.accept_images,
        }
        return frozenset(kind for kind, on in kinds.items() if on)

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_megabytes * 1024 * 1024

    def rubric_snapshot(self) -> dict:
        return rubric_snapshot(kind=self.rubric_kind, stream=self.rubric)

    def get_context(self, request, *args, **kwargs):
        from assessments.views.assignments import assignment_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(assignment_page_context(page=self, request=request))
        return context


class Submission(models.Model):
    """One version of a trainee's work on an assignment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        PASSED = "passed", _("Passed")
        RETURNED = "returned", _("Returned for revision")
        FAILED = "failed", pgettext_lazy("assignment result", "Failed")

    # A version that is being written or waiting for a trainer.
    OPEN = (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW)
    AWAITING_REVIEW = (Status.SUBMITTED, Status.IN_REVIEW)
    # No later version can follow these.
    FINAL = (Status.PASSED, Status.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    # The original page of the assignment's translation group.
    assignment = models.ForeignKey(
        AssignmentPage,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The cohort the trainee hands it in with: its trainers grade it and its
    # due date override applies.
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    body_html = models.TextField(_("text"), blank=True)
    word_count = models.PositiveIntegerField(_("words"), default=0)
    # What it was handed in against (snapshots, set on submission).
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rubric = models.JSONField(_("rubric"), null=True, blank=True)
    pass_threshold_percent = models.DecimalField(
        _("pass threshold (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    review_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["assignment_id", "user_id", "version"]
        permissions = [
            ("grade_submission", _("Can grade submissions of the cohorts they teach"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assignment", "version"],
                name="one_submission_per_version",
            ),
            models.UniqueConstraint(
                fields=["user", "assignment"],
                condition=Q(status__in=["draft", "submitted", "in_review"]),
                name="one_open_version_per_person_and_assignment",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="versions_count_from_one"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="handed_in_work_has_a_submission_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["user", "assignment"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.assignment_id} · v{self.version}"

    def save(self, *args, **kwargs):
        # Whatever path the text took, only sanitised HTML is ever stored.
        self.body_html = sanitise_html(self.body_html or "")
        self.word_count = word_count(self.body_html)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body_html" in update_fields:
            kwargs["update_fields"] = {*update_fields, "word_count"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def awaiting_review(self) -> bool:
        return self.status in self.AWAITING_REVIEW


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        DOCX = "docx", _("Word document")
        IMAGE = "image", _("Image")

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"), storage=PrivateStorage(), upload_to="submissions/%Y/%m/"
    )
    original_name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("content type"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["submission_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Review(models.Model):
    """A trainer's decision on one submitted version, with rubric scores."""

    class Decision(models.TextChoices):
        PASSED = "passed", _("Passed")
        RETURNED = "returned", _("Returned for revision")
        FAILED = "failed", pgettext_lazy("assignment result", "Failed")

    # One review per version: a second trainer grading at the same moment
    # hits this constraint instead of overwriting the first grade.
    submission = models.OneToOneField(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.PROTECT,
        related_name="review",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    feedback_html = models.TextField(_("feedback"), blank=True)
    # {criterion id: level id} for a levels rubric, {criterion id: bool} else.
    scores = models.JSONField(_("rubric scores"), default=dict)
    total = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    max_total = models.DecimalField(_("out of"), max_digits=8, decimal_places=2)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("rubric passed"))
    created_at = models.DateTimeField(_("graded"), default=timezone.now)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(total__lte=F("max_total")),
                name="review_points_never_exceed_the_maximum",
            ),
            models.CheckConstraint(
                condition=Q(decision="passed", passed=True)
                | (Q(decision__in=["returned", "failed"]) & Q(passed=False)),
                name="review_decision_follows_the_rubric",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.decision}"

    def save(self, *args, **kwargs):
        self.feedback_html = sanitise_html(self.feedback_html or "")
        super().save(*args, **kwargs)


class AssignmentDueOverride(models.Model):
    """A cohort's own due date for an assignment."""

    assignment = models.ForeignKey(
        AssignmentPage,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="due_overrides",
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="assignment_due_overrides",
    )
    due_at = models.DateTimeField(_("due date"))

    class Meta:
        verbose_name = _("due date for a cohort")
        verbose_name_plural = _("due dates for cohorts")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "cohort"],
                name="one_due_date_per_assignment_and_cohort",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.cohort}"
