from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Page

from courses.access import READING_STATUSES, access_step_by_id
from courses.models import CohortMembership, CoursePage, LessonPage
from courses.selectors import dashboard_courses, finished_cohorts, study_memberships
from courses.services import StepLocked, step_complete
from users.roles import is_staff_member

SEARCH_MAX_QUERY = 200
SEARCH_MAX_RESULTS = 30


@login_required
@require_GET
def dashboard(request):
    """The trainee's courses, certificates and placement: where they stand."""
    from certificates.selectors import dashboard_certificates
    from placements.selectors import my_placement

    memberships = study_memberships(user=request.user)
    return render(
        request,
        "courses/dashboard.html",
        {
            "courses": dashboard_courses(user=request.user, memberships=memberships),
            "finished": finished_cohorts(memberships),
            "certificate_panel": dashboard_certificates(user=request.user),
            "my_placement": my_placement(user=request.user),
        },
    )


@login_required
@require_POST
def step_complete_view(request, page_id: int):
    step = access_step_by_id(user=request.user, page_id=page_id)
    if not step.completed_by_trainee:
        # Quizzes and assignments complete themselves when they are passed.
        messages.error(request, _("This step is completed by passing it."))
        return redirect(step.get_url(request))
    try:
        step_complete(user=request.user, step=step)
    except StepLocked as locked:
        messages.error(request, locked.reason)
        return redirect(step.get_url(request))
    messages.success(request, _("Marked as done."))
    following = step.get_next_siblings().live().first()
    return redirect((following or step).get_url(request))


def _searchable_lessons(user):
    lessons = LessonPage.objects.live()
    if is_staff_member(user):
        return lessons
    keys = CohortMembership.objects.filter(
        user=user, status__in=READING_STATUSES
    ).values("cohort__courses__translation_key")
    paths = CoursePage.objects.filter(translation_key__in=keys).values_list(
        "path", flat=True
    )
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return lessons.filter(query)


@login_required
@require_GET
def search(request):
    """Search the lessons the person may study (all lessons for staff)."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_QUERY]
    results: list[Page] = []
    if query:
        results = list(
            _searchable_lessons(request.user).search(query)[:SEARCH_MAX_RESULTS]
        )
    return render(request, "courses/search.html", {"query": query, "results": results})
