from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from assessments.quiz_content import quiz_load
        from courses.demo_loader import register_step_loader

        register_step_loader("quiz", quiz_load)
        # Written assignments (assessments/demo.py).
        from assessments.demo import assignment_load

        register_step_loader("assignment", assignment_load)
