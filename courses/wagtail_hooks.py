from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from courses.views_admin import NAMESPACE, CohortViewSet


@hooks.register("register_admin_viewset")
def register_cohort_viewset():
    return CohortViewSet(NAMESPACE)


@hooks.register("register_log_actions")
def register_cohort_log_actions(actions):
    actions.register_action(
        "courses.invite", _("Invite trainees"), _("Trainees invited")
    )
    actions.register_action(
        "courses.invitation_resend", _("Re-send invitation"), _("Invitation re-sent")
    )
    actions.register_action(
        "courses.withdraw", _("Withdraw trainee"), _("Trainee withdrawn")
    )
