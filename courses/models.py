"""Course content (Wagtail pages) and the records of who studies what.

Pages hold what editors write. Records (cohorts, memberships, completions,
progress) are plain models pointing at the *original* page of a translation
group, so studying a translation counts the same as studying the original.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonBodyBlock

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class HomePage(Page):
    """The catalogue: one per locale, at the root of the page tree."""

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1
    template = "courses/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import catalogue_courses

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = catalogue_courses(home=self, user=request.user)
        return context


class CourseContentPage(Page):
    """A page only enrolled trainees and staff may see (course, module, step)."""

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        from courses.access import access_course_content

        denied = access_course_content(request=request, page=self)
        if denied is not None:
            return denied
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import study_context

        context = super().get_context(request, *args, **kwargs)
        context.update(study_context(page=self, user=request.user))
        context["reviewing"] = getattr(request, "course_review_only", False)
        return context


class CoursePage(CourseContentPage):
    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    summary = models.TextField(_("summary"), max_length=600)
    learning_outcomes = StreamField(
        [("outcome", blocks.CharBlock(label=_("Learning outcome"), max_length=300))],
        verbose_name=_("learning outcomes"),
        blank=True,
    )
    estimated_hours = models.PositiveSmallIntegerField(
        _("estimated hours"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.INTRODUCTORY
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage",
        verbose_name=_("prerequisite courses"),
        blank=True,
        related_name="required_by",
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("estimated_hours"),
                FieldPanel("level"),
                FieldPanel("prerequisites"),
                FieldPanel("cover_image"),
            ],
            heading=_("Details"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.ModulePage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")


class ModulePage(CourseContentPage):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)
    unlock_in_order = models.BooleanField(
        _("steps unlock in order"),
        default=True,
        help_text=_("Each step opens when the one before it is done."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("unlock_in_order"),
    ]

    parent_page_types = ["courses.CoursePage"]
    # The module's steps, in the order editors arrange them in the page tree.
    subpage_types = [
        "courses.LessonPage",
        "assessments.QuizPage",
        "assessments.AssignmentPage",
    ]
    template = "courses/module_page.html"

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")


class StepPage(CourseContentPage):
    """One step of a module: a lesson, a quiz or an assignment."""

    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )

    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    # How this kind of step is completed; lessons are marked done by the
    # trainee, assessments complete themselves when passed.
    completed_by_trainee = False
    step_kind = "step"

    class Meta:
        abstract = True


class LessonPage(StepPage):
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    completed_by_trainee = True
    step_kind = "lesson"
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")


# --- Records ------------------------------------------------------------------


class Cohort(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=150, unique=True)
    courses = models.ManyToManyField(
        CoursePage, verbose_name=_("courses"), related_name="cohorts"
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        related_name="cohorts_taught",
        blank=True,
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text=_("The most trainees (invited or active) the cohort can take."),
    )
    planned_participants = models.PositiveIntegerField(
        _("planned participants"),
        null=True,
        blank=True,
        help_text=_("The number promised to the funder, for reports."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="cohort_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date is before the start date.")}
            )


class CohortMembership(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    # Members who take up a place in the cohort.
    HOLDS_A_PLACE = (Status.INVITED, Status.ACTIVE)

    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort membership")
        verbose_name_plural = _("cohort memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"], name="one_membership_per_person_and_cohort"
            )
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.cohort}"


class Invitation(models.Model):
    """A single-use, expiring link that lets an invited person join.

    Only a hash of the token is stored, so a database leak cannot be used to
    accept invitations.
    """

    membership = models.ForeignKey(
        CohortMembership, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.membership} ({self.created_at:%Y-%m-%d})"


class StepCompletion(models.Model):
    """A trainee finished a step. One row per person and step, ever."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="step_completions",
    )
    step = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="+")
    module = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="+")
    # The revision of the page the trainee saw when they finished it.
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("step completion")
        verbose_name_plural = _("step completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "step"], name="one_completion_per_person_and_step"
            )
        ]
        indexes = [models.Index(fields=["course", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.step_id}"


class CourseProgress(models.Model):
    """How far a trainee is in a course; written with every completion, read often."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="course_progress",
    )
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="+")
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("course progress")
        verbose_name_plural = _("course progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="one_progress_row_per_person_and_course"
            ),
            models.CheckConstraint(
                condition=Q(steps_done__lte=F("steps_total")),
                name="progress_never_exceeds_the_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_id}: {self.percent} %"
