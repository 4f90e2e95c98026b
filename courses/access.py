"""Who may open which course content, cohort and record.

Every view that takes an id from the URL goes through one function here. Each
answers 404 alike for "missing" and "not yours", so nobody can probe what
exists.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from wagtail.models import Page

from courses.models import Cohort, CohortMembership
from courses.steps import course_path
from users.roles import is_programme_admin, is_staff_member, is_trainer

# Those who completed a cohort may read its courses again, but not study.
READING_STATUSES = (CohortMembership.Status.ACTIVE, CohortMembership.Status.COMPLETED)


def _membership_statuses(*, user, course_path_value: str, statuses) -> set[str]:
    # The cohort lists the course's original page; the path may be any
    # translation of it, so the two meet on the translation key.
    translation_key = Page.objects.filter(path=course_path_value).values(
        "translation_key"
    )
    return set(
        CohortMembership.objects.filter(
            user=user,
            status__in=statuses,
            cohort__courses__translation_key__in=translation_key,
        ).values_list("status", flat=True)
    )


def enrolled_in_course(*, user, course_path_value: str) -> bool:
    """Is ``user`` active in a cohort that studies the course at that path?
    (Needed to do anything: mark done, take a quiz, hand in.)"""
    return bool(
        _membership_statuses(
            user=user,
            course_path_value=course_path_value,
            statuses=(CohortMembership.Status.ACTIVE,),
        )
    )


def access_course_content(*, request, page):
    """None when the user may see ``page``; a redirect to sign in; or Http404.

    Staff (trainers and programme administrators) may read every course: they
    write and check the content. Active members study it; members who
    completed their cohort may read it again (``request.course_review_only``).
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_staff_member(user):
        return None
    statuses = _membership_statuses(
        user=user, course_path_value=course_path(page.path), statuses=READING_STATUSES
    )
    if not statuses:
        raise Http404
    # A graduate reads the course again: the pages show, nothing can be done
    # (the views behind every action check enrolled_in_course).
    request.course_review_only = CohortMembership.Status.ACTIVE not in statuses
    return None


def cohorts_visible_to(user):
    """The cohorts a member of staff may report on."""
    if is_programme_admin(user):
        return Cohort.objects.all()
    if is_trainer(user):
        return Cohort.objects.filter(trainers=user)
    return Cohort.objects.none()


def access_cohort_by_id(*, user, cohort_id: int) -> Cohort:
    """The cohort, if ``user`` administers programmes or teaches it; else 404."""
    try:
        return cohorts_visible_to(user).get(pk=cohort_id)
    except (Cohort.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_step_by_id(*, user, page_id: int):
    """The live step page ``page_id`` (specific), if ``user`` is enrolled; else 404."""
    from courses.steps import STEP_DEPTH, step_content_type_ids

    page = (
        Page.objects.live()
        .filter(
            pk=page_id, depth=STEP_DEPTH, content_type_id__in=step_content_type_ids()
        )
        .first()
    )
    if page is None or not enrolled_in_course(
        user=user, course_path_value=course_path(page.path)
    ):
        raise Http404
    return page.specific
