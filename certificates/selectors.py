"""Reads for certificates: eligibility, the dashboard panel, the DID document.

Every reader runs a fixed number of queries, whatever the number of trainees,
courses or steps: sets are fetched whole and joined in Python.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from wagtail.models import Page

from certificates.did import issuer_did, verification_method_id
from certificates.eligibility import (
    AssessmentReq,
    CourseReq,
    Eligibility,
    Rule,
    TraineeRecord,
    check_eligibility,
)
from certificates.messages import checklist
from certificates.models import (
    Certificate,
    Certification,
    Recommendation,
    SigningKey,
)
from courses.models import CohortMembership, CourseProgress
from courses.steps import STEP_DEPTH, step_content_type_ids, step_models

ASSESSMENT_KINDS = frozenset({"quiz", "assignment"})
# Members whose results count for a cohort's certificates.
COUNTING_MEMBERS = (
    CohortMembership.Status.ACTIVE,
    CohortMembership.Status.COMPLETED,
)


@cache
def assessment_content_type_ids() -> frozenset[int]:
    """Content types of the step pages that are graded (quizzes, assignments)."""
    models = [model for model in step_models() if model.step_kind in ASSESSMENT_KINDS]
    if not models:
        return frozenset()
    return frozenset(
        ct.pk for ct in ContentType.objects.get_for_models(*models).values()
    )


@dataclass(frozen=True)
class RuleInfo:
    """A certification's rule with the titles it was built with."""

    rule: Rule
    course_titles: dict[UUID, str]
    assessment_titles: dict[UUID, str]


def _any_path_prefix(paths: list[str]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return query


def certification_rule(*, certification: Certification) -> RuleInfo:
    """The pure ``Rule`` for ``certification``, with titles in the active language.

    Five queries, whatever the size of the courses.
    """
    courses = list(
        certification.required_courses.order_by("path").values(
            "path", "translation_key", "title"
        )
    )
    chosen = list(
        certification.required_assessments.order_by("path").values(
            "translation_key", "title"
        )
    )
    steps = list(
        Page.objects.live()
        .filter(
            _any_path_prefix([course["path"] for course in courses]),
            depth=STEP_DEPTH,
            content_type_id__in=step_content_type_ids(),
        )
        .order_by("path")
        .values("path", "translation_key", "title", "content_type_id")
    )
    if not chosen:
        graded = assessment_content_type_ids()
        chosen = [step for step in steps if step["content_type_id"] in graded]

    keys = [row["translation_key"] for row in (*courses, *chosen)]
    titles = {row["translation_key"]: row["title"] for row in (*courses, *chosen)}
    language = translation.get_language() or ""
    titles.update(
        Page.objects.filter(
            translation_key__in=keys, locale__language_code=language
        ).values_list("translation_key", "title")
    )

    course_reqs = []
    for course in courses:
        total = len(
            {
                step["translation_key"]
                for step in steps
                if step["path"].startswith(course["path"])
            }
        )
        key = course["translation_key"]
        course_reqs.append(
            CourseReq(course_id=key, title=titles[key], steps_total=total)
        )
    assessment_reqs = [
        AssessmentReq(
            assessment_id=row["translation_key"], title=titles[row["translation_key"]]
        )
        for row in chosen
    ]
    rule = Rule(
        required_courses=course_reqs,
        required_assessments=assessment_reqs,
        min_practicum_hours=certification.min_practicum_hours,
    )
    return RuleInfo(
        rule=rule,
        course_titles={req.course_id: req.title for req in course_reqs},
        assessment_titles={req.assessment_id: req.title for req in assessment_reqs},
    )


def trainee_records(*, rule: Rule, user_ids: list[int]) -> dict[int, TraineeRecord]:
    """What each trainee has done towards ``rule``: at most three queries.

    Passed assessments and signed practicum hours come from the assessments
    app's ledger (imported here, when needed, to keep the apps' layers apart).
    """
    user_ids = list(dict.fromkeys(user_ids))
    course_keys = [req.course_id for req in rule.required_courses]
    done: dict[int, dict] = defaultdict(dict)
    if course_keys and user_ids:
        rows = CourseProgress.objects.filter(
            user_id__in=user_ids, course__translation_key__in=course_keys
        ).values_list("user_id", "course__translation_key", "steps_done")
        for user_id, key, steps_done in rows:
            done[user_id][key] = max(done[user_id].get(key, 0), steps_done)

    passed: dict[int, set] = {}
    if rule.required_assessments and user_ids:
        from assessments.selectors.results import passed_assessment_keys

        passed = passed_assessment_keys(user_ids=user_ids)
    hours: dict[int, Decimal] = {}
    if rule.min_practicum_hours > 0 and user_ids:
        from assessments.selectors.practicum import signed_practicum_hours

        hours = signed_practicum_hours(user_ids=user_ids)

    return {
        user_id: TraineeRecord(
            courses_done=done.get(user_id, {}),
            passed_assessments=frozenset(passed.get(user_id, ())),
            signed_practicum_hours=Decimal(hours.get(user_id, 0)),
        )
        for user_id in user_ids
    }


def eligibility_for(
    *, certification: Certification, user_ids: list[int]
) -> dict[int, Eligibility]:
    """Whether each trainee meets ``certification``, and what is missing.

    A fixed number of queries for any number of trainees (at most eight).
    """
    info = certification_rule(certification=certification)
    records = trainee_records(rule=info.rule, user_ids=user_ids)
    return {
        user_id: check_eligibility(rule=info.rule, record=record)
        for user_id, record in records.items()
    }


def certificate_current(*, holder_id: int, certification_id: int) -> Certificate | None:
    """The holder's certificate for a certification that has not been superseded."""
    return Certificate.objects.filter(
        holder_id=holder_id,
        certification_id=certification_id,
        superseded_at__isnull=True,
    ).first()


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate with this (normalised) code, with what its page shows."""
    return (
        Certificate.objects.select_related("superseded_by", "certification")
        .filter(code=code)
        .first()
    )


# --- Who holds a certificate (placements, reports) ------------------------------


def _moment(on: datetime.date | datetime.datetime | None) -> datetime.datetime:
    """``None`` is now; a date is the start of that day in the site's time zone."""
    if on is None:
        return timezone.now()
    if isinstance(on, datetime.datetime):
        return on
    return timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))


def valid_certificate_holders(
    *,
    user_ids: Iterable[int] | QuerySet,
    on: datetime.date | datetime.datetime | None = None,
) -> set[int]:
    """The ids among ``user_ids`` holding at least one valid certificate ``on``.

    Valid: issued and in force by then (``valid_from``), not revoked, not
    superseded, and not expired (``valid_until`` after that moment, or none).
    ``on`` defaults to now; a date means the start of that day. One query;
    ``user_ids`` may be a queryset of ids, which runs as a subquery.
    """
    at = _moment(on)
    return set(
        Certificate.objects.filter(
            holder_id__in=user_ids,
            issued_at__lte=at,
            valid_from__lte=at,
            revoked_at__isnull=True,
            superseded_at__isnull=True,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))
        .values_list("holder_id", flat=True)
        .distinct()
    )


def ever_certified(*, user_ids: Iterable[int] | QuerySet) -> set[int]:
    """The ids among ``user_ids`` ever issued a certificate that was not revoked.

    For the funnel: someone certified in the programme stays counted when
    the certificate later expires or is replaced by a corrected one. One query.
    """
    return set(
        Certificate.objects.filter(holder_id__in=user_ids, revoked_at__isnull=True)
        .values_list("holder_id", flat=True)
        .distinct()
    )


# --- The trainee's dashboard ---------------------------------------------------


@dataclass
class DashboardCertification:
    """One certification on the trainee's dashboard."""

    certification: Certification
    name: str
    met: bool
    checklist: list[dict] = field(default_factory=list)
    certificate: Certificate | None = None

    @property
    def pdf_ready(self) -> bool:
        return bool(self.certificate and self.certificate.pdf)


def _course_keys_of(user) -> set:
    return set(
        CohortMembership.objects.filter(user=user, status__in=COUNTING_MEMBERS)
        .exclude(cohort__courses__isnull=True)
        .values_list("cohort__courses__translation_key", flat=True)
    )


def dashboard_certificates(*, user) -> list[DashboardCertification]:
    """The certifications of the trainee's cohorts: a checklist, or the certificate.

    A certification applies when one of its required courses is a course of a
    cohort the trainee is in; certifications the trainee holds are always
    listed. The checklist is worked out only for those not held yet.
    """
    if not user.is_authenticated:
        return []
    course_keys = _course_keys_of(user)
    held = {
        certificate.certification_id: certificate
        for certificate in Certificate.objects.filter(
            holder=user, superseded_at__isnull=True
        )
    }
    applicable = set(
        Certification.required_courses.through.objects.filter(
            coursepage__translation_key__in=course_keys
        ).values_list("certification_id", flat=True)
    )
    certifications = Certification.objects.filter(
        pk__in=applicable | set(held)
    ).order_by("pk")
    result = []
    for certification in certifications:
        certificate = held.get(certification.pk)
        item = DashboardCertification(
            certification=certification,
            name=certification.text("name"),
            met=certificate is not None,
            certificate=certificate,
        )
        if certificate is None:
            eligibility = eligibility_for(
                certification=certification, user_ids=[user.pk]
            )[user.pk]
            item.met = eligibility.met
            item.checklist = checklist(eligibility)
        result.append(item)
    return result


# --- Administrators ------------------------------------------------------------


@dataclass
class CohortEligibilityRow:
    user: object
    eligibility: Eligibility
    checklist: list[dict]
    certificate: Certificate | None
    recommendation: Recommendation | None


def certifications_for_cohort(*, cohort) -> list[Certification]:
    """Certifications that require at least one of the cohort's courses."""
    keys = cohort.courses.values("translation_key")
    return list(
        Certification.objects.filter(required_courses__translation_key__in=keys)
        .distinct()
        .order_by("name_en")
    )


def cohort_eligibility(*, cohort, certification) -> list[CohortEligibilityRow]:
    """Every counting member of ``cohort`` with their checklist and certificate."""
    members = list(
        CohortMembership.objects.filter(cohort=cohort, status__in=COUNTING_MEMBERS)
        .select_related("user")
        .order_by("user__legal_name", "user_id")
    )
    user_ids = [member.user_id for member in members]
    results = eligibility_for(certification=certification, user_ids=user_ids)
    certificates = {
        certificate.holder_id: certificate
        for certificate in Certificate.objects.filter(
            certification=certification,
            holder_id__in=user_ids,
            superseded_at__isnull=True,
        )
    }
    recommendations = {
        recommendation.trainee_id: recommendation
        for recommendation in Recommendation.objects.filter(
            certification=certification,
            trainee_id__in=user_ids,
            status=Recommendation.Status.PENDING,
        ).select_related("recommended_by")
    }
    return [
        CohortEligibilityRow(
            user=member.user,
            eligibility=results[member.user_id],
            checklist=checklist(results[member.user_id]),
            certificate=certificates.get(member.user_id),
            recommendation=recommendations.get(member.user_id),
        )
        for member in members
    ]


def eligible_user_ids(*, cohort, certification) -> list[int]:
    """Counting members of ``cohort`` who meet the rule and hold no certificate."""
    user_ids = list(
        CohortMembership.objects.filter(
            cohort=cohort, status__in=COUNTING_MEMBERS
        ).values_list("user_id", flat=True)
    )
    holders = set(
        Certificate.objects.filter(
            certification=certification,
            holder_id__in=user_ids,
            superseded_at__isnull=True,
        ).values_list("holder_id", flat=True)
    )
    results = eligibility_for(certification=certification, user_ids=user_ids)
    return sorted(
        user_id
        for user_id, eligibility in results.items()
        if eligibility.met and user_id not in holders
    )


# --- Public documents ----------------------------------------------------------

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def did_document() -> dict:
    """The issuer's DID document: every key ever used, active and retired.

    Retired keys stay so that certificates signed with them still verify; the
    verifier refuses a signature made after its key's retirement.
    """
    did = issuer_did()
    methods = [
        {
            "id": verification_method_id(key.key_id),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in SigningKey.objects.order_by("created_at", "pk")
    ]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
