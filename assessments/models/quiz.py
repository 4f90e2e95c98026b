"""Quizzes: the page editors write and the attempts trainees make.

A ``QuizAttempt`` copies the questions and the answer key it was started with
(from the page in the language the trainee studies) and the rules it is graded
by, so editing or republishing the quiz never changes a started or finished
attempt.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from assessments.blocks import QuizQuestionsBlock, questions_snapshot
from courses.models import INTRO_FEATURES, StepPage


class FeedbackPolicy(models.TextChoices):
    IMMEDIATELY = "immediately", _("Right after each attempt")
    AFTER_LAST_ATTEMPT = (
        "after_last_attempt",
        _("After the last attempt, or once passed"),
    )
    NEVER = "never", _("Never")


class ResultPolicy(models.TextChoices):
    BEST = "best", _("The best attempt counts")
    LATEST = "latest", _("The latest attempt counts")


class QuizPage(StepPage):
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)
    questions = StreamField(QuizQuestionsBlock(), verbose_name=_("questions"))
    pass_mark_percent = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(70),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty for unlimited attempts."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Leave empty for no time limit."),
    )
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=False)
    shuffle_options = models.BooleanField(_("shuffle the answer options"), default=True)
    feedback_policy = models.CharField(
        _("show feedback and correct answers"),
        max_length=20,
        choices=FeedbackPolicy.choices,
        default=FeedbackPolicy.IMMEDIATELY,
    )
    result_policy = models.CharField(
        _("result"),
        max_length=10,
        choices=ResultPolicy.choices,
        default=ResultPolicy.BEST,
    )

    content_panels = [
        *StepPage.content_panels,
        FieldPanel("estimated_minutes"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark_percent"),
                FieldPanel("attempts_allowed"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("feedback_policy"),
                FieldPanel("result_policy"),
            ],
            heading=_("Quiz rules"),
        ),
        FieldPanel("questions"),
    ]
    search_fields = [*StepPage.search_fields, index.SearchField("intro")]

    completed_by_trainee = False
    step_kind = "quiz"
    template = "assessments/quiz_page.html"

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    @property
    def time_limit_seconds(self) -> int | None:
        return self.time_limit_minutes * 60 if self.time_limit_minutes else None

    def questions_snapshot(self) -> list[dict]:
        """The questions with their answer key, as grading reads them."""
        return questions_snapshot(self.questions)

    def get_context(self, request, *args, **kwargs):
        from assessments.selectors.quiz import quiz_page_context, quiz_state
        from assessments.services.quiz import quiz_visit

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        state = None
        if context.get("reviewing"):
            # Read again after the cohort: the attempts show, nothing changes.
            state = quiz_state(user=user, quiz=self)
            state.closed = True
        elif user.is_authenticated and not context.get("is_staff_member"):
            state = quiz_state(user=user, quiz=self)
            step_state = context.get("step_state")
            if quiz_visit(user=user, quiz=self, state=state, step_state=step_state):
                # Graded or completed just now: read everything again.
                context.update(super().get_context(request, *args, **kwargs))
                state = quiz_state(user=user, quiz=self)
        context.update(quiz_page_context(quiz=self, user=user, state=state))
        return context


class QuizAttempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        EXPIRED_GRADED = "expired_graded", _("Time ran out")

    FINISHED = (Status.SUBMITTED, Status.EXPIRED_GRADED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="quiz_attempts",
    )
    # The original page of the quiz's translation group: the same quiz for
    # every language.
    quiz = models.ForeignKey(
        QuizPage,
        verbose_name=_("quiz"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    # The revision of the page the trainee took, in their language.
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10)
    number = models.PositiveSmallIntegerField(_("attempt"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.IN_PROGRESS,
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    last_saved_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Snapshot: the questions with their key, and the rules, at the start.
    questions = models.JSONField(_("questions"))
    pass_mark_percent = models.DecimalField(max_digits=5, decimal_places=2)
    feedback_policy = models.CharField(max_length=20, choices=FeedbackPolicy.choices)
    shuffle_questions = models.BooleanField(default=False)
    shuffle_options = models.BooleanField(default=False)
    seed = models.CharField(max_length=32)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True
    )
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["quiz_id", "user_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"],
                name="attempts_are_numbered_once_per_person_and_quiz",
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="one_open_attempt_per_person_and_quiz",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress")
                | Q(
                    submitted_at__isnull=False,
                    score__isnull=False,
                    max_score__isnull=False,
                    percent__isnull=False,
                    passed__isnull=False,
                ),
                name="a_finished_attempt_is_graded",
            ),
        ]
        indexes = [
            models.Index(
                fields=["deadline_at"],
                condition=Q(status="in_progress", deadline_at__isnull=False),
                name="open_attempts_by_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.quiz_id} #{self.number}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def time_limit_seconds(self) -> int | None:
        if self.deadline_at is None:
            return None
        return max(int((self.deadline_at - self.started_at).total_seconds()), 1)
