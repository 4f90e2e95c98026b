"""Demo data: the certification the demo courses lead to, a signing key, and
the certificates of those who met the rule."""

from decimal import Decimal

from django.db import transaction

from certificates.models import Certification, SigningKey
from courses.models import CoursePage

DEMO_COURSE_SLUGS = ("person-centred-wellbeing-coaching", "biopsychosocial-model")
DEMO_NAME_EN = "Certified person-centred wellbeing coach"


def _demo_courses() -> list[CoursePage]:
    # The originals (first of each translation group) with the demo slugs.
    courses = {}
    for course in CoursePage.objects.filter(slug__in=DEMO_COURSE_SLUGS).order_by("id"):
        courses.setdefault(course.translation_key, course)
    return list(courses.values())


@transaction.atomic
def demo_certification_ensure() -> tuple[Certification, bool]:
    """Create the demo certification (and a signing key) if missing.

    Idempotent: returns ``(certification, created)``. Requires the demo
    courses that exist at the time; run it after the course loader.
    """
    from certificates.services import signing_key_create

    if not SigningKey.objects.filter(is_active=True).exists():
        signing_key_create()  # written to CERTIFICATE_SIGNING_KEY_FILE (var/keys/)
    certification = Certification.objects.filter(name_en=DEMO_NAME_EN).first()
    if certification is not None:
        return certification, False
    certification = Certification(
        name_sv="Certifierad personcentrerad välbefinnandecoach",
        name_en=DEMO_NAME_EN,
        name_ar="مدرب رفاهية معتمد يركز على الشخص",
        description_sv=(
            "Innehavaren kan coacha människor som står långt från arbetsmarknaden "
            "utifrån deras egna resurser och mål, med helhetssyn på hälsa och "
            "samverkan mellan myndigheter."
        ),
        description_en=(
            "The holder can coach people who are far from the labour market, "
            "starting from their own resources and goals, with a whole-person view "
            "of health and of cooperation between authorities."
        ),
        description_ar=(
            "يستطيع حامل الشهادة تدريب الأشخاص البعيدين عن سوق العمل انطلاقًا من "
            "مواردهم وأهدافهم، مع نظرة شاملة إلى الصحة والتعاون بين الجهات."
        ),
        criteria_sv=(
            "Alla steg i båda kurserna klara, alla prov och uppgifter godkända och "
            "minst 10 timmar handledd praktik attesterad av en handledare."
        ),
        criteria_en=(
            "Every step of both courses done, every quiz and assignment passed, and "
            "at least 10 hours of supervised practice signed off by a supervisor."
        ),
        criteria_ar=(
            "إكمال جميع خطوات الدورتين، والنجاح في جميع الاختبارات والمهام، و10 "
            "ساعات على الأقل من الممارسة تحت الإشراف يوقّع عليها مشرف."
        ),
        learning_outcomes_sv=(
            "Leda personcentrerade, lösningsfokuserade coachningssamtal\n"
            "Göra en biopsykosocial kartläggning tillsammans med deltagaren\n"
            "Hantera sekretess, samtycke och dokumentation\n"
            "Samverka med aktörerna i fyrpartssamverkan"
        ),
        learning_outcomes_en=(
            "Lead person-centred, solution-focused coaching conversations\n"
            "Carry out a biopsychosocial mapping together with the participant\n"
            "Handle confidentiality, consent and documentation\n"
            "Work with the organisations in four-party cooperation"
        ),
        workload_hours=54,
        eqf_level=5,
        assessment_type=Certification.AssessmentType.TESTS_ASSIGNMENTS_PRACTICE,
        participation_form=Certification.Participation.BLENDED,
        quality_assurance=(
            "Course content approved by the programme board; assignments graded "
            "against published rubrics; practice signed off by named supervisors."
        ),
        min_practicum_hours=Decimal(10),
        validity_months=36,
    )
    certification.full_clean()
    certification.save()
    certification.required_courses.set(_demo_courses())
    return certification, True


def demo_certificates_ensure(*, cohort, by=None) -> list:
    """Certify every member of ``cohort`` who meets the demo rule.

    Through ``certificate_issue`` (eligibility, signature, self-check; the
    PDF follows in its task). Idempotent: those certified already are left
    alone. Returns the certificates issued now.
    """
    from certificates.selectors import eligible_user_ids
    from certificates.services import certificate_issue
    from users.models import User

    certification = Certification.objects.filter(name_en=DEMO_NAME_EN).first()
    if certification is None:
        return []
    holders = User.objects.filter(
        pk__in=eligible_user_ids(cohort=cohort, certification=certification)
    ).order_by("pk")
    return [
        certificate_issue(certification=certification, holder=holder, issued_by=by)
        for holder in holders
    ]
