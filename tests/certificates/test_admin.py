"""The Wagtail admin screens: certifications, certificates, cohorts, jobs."""

import pytest

from certificates.models import (
    Certificate,
    Certification,
    IssueJob,
    Recommendation,
)
from certificates.services import (
    CertificateStateError,
    certificate_recommend,
    recommendation_approve,
)
from tests.mfa import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, programme_admin):
    from wagtail.users.models import UserProfile

    # The admin speaks the user's language; these tests read English.
    profile = UserProfile.get_for_user(programme_admin)
    profile.preferred_language = "en"
    profile.save()
    enable_totp(programme_admin)
    client.force_login(programme_admin)
    return client


@pytest.fixture
def cohort(eligible_trainee):
    return eligible_trainee.memberships.get().cohort


def test_programme_administrators_create_certifications(admin_client, two_courses):
    assert admin_client.get("/admin/certification/").status_code == 200
    assert admin_client.get("/admin/certification/new/").status_code == 200
    data = {
        "name_sv": "Intyg",
        "name_en": "Certificate",
        "name_ar": "",
        "description_sv": "Beskrivning",
        "description_en": "Description",
        "description_ar": "",
        "criteria_sv": "Kriterier",
        "criteria_en": "Criteria",
        "criteria_ar": "",
        "learning_outcomes_sv": "Ett",
        "learning_outcomes_en": "One",
        "learning_outcomes_ar": "",
        "required_courses": [two_courses[0].pk],
        "min_practicum_hours": "10",
        "validity_months": "",
        "workload_hours": "40",
        "eqf_level": "4",
        "assessment_type": "portfolio",
        "participation_form": "online",
        "quality_assurance": "Programme board",
    }

    response = admin_client.post("/admin/certification/new/", data)

    assert response.status_code == 302, response.context["form"].errors
    certification = Certification.objects.get(name_en="Certificate")
    assert list(certification.required_courses.all()) == [two_courses[0]]
    assert certification.validity_months is None


def test_a_certification_needs_a_course(admin_client):
    response = admin_client.post("/admin/certification/new/", {"name_en": "X"})

    assert response.status_code == 200
    assert "required_courses" in response.context["form"].errors


def test_the_certificate_list_searches_and_filters(
    admin_client, issue, eligible_trainee, certification
):
    certificate = issue(holder=eligible_trainee, certification=certification)

    listing = admin_client.get("/admin/certificate/")
    by_code = admin_client.get("/admin/certificate/", {"q": certificate.code})
    by_name = admin_client.get("/admin/certificate/", {"q": "Öberg"})
    revoked = admin_client.get("/admin/certificate/", {"state": "revoked"})

    assert certificate.code in listing.content.decode()
    assert list(by_code.context["object_list"]) == [certificate]
    assert list(by_name.context["object_list"]) == [certificate]
    assert list(revoked.context["object_list"]) == []
    # Certificates are made by the services only: no add, edit or delete.
    assert "/admin/certificate/new/" not in listing.content.decode()
    assert admin_client.get("/admin/certificate/new/").status_code == 404


def test_revoke_then_re_issue_from_the_detail_page(
    admin_client, issue, eligible_trainee, certification
):
    certificate = issue(holder=eligible_trainee, certification=certification)
    detail = f"/admin/certificate/{certificate.pk}/"

    page = admin_client.get(detail)
    assert page.status_code == 200
    assert "Revoke certificate" in page.content.decode()

    response = admin_client.post(
        f"{detail}reissue/",
    )
    new = Certificate.objects.get(holder=eligible_trainee, superseded_at__isnull=True)
    assert response["Location"] == f"/admin/certificate/{new.pk}/"
    certificate.refresh_from_db()
    assert certificate.superseded_by == new

    admin_client.post(
        f"/admin/certificate/{new.pk}/revoke/",
        {"reason": "misconduct", "public_reason": "Breach of the code of conduct."},
    )
    new.refresh_from_db()
    assert new.revoked_at is not None
    assert new.public_reason == "Breach of the code of conduct."


def test_trainers_may_not_issue_or_revoke(
    client, trainer, issue, eligible_trainee, certification, cohort
):
    certificate = issue(holder=eligible_trainee, certification=certification)
    enable_totp(trainer)
    client.force_login(trainer)

    revoke = client.post(
        f"/admin/certificate/{certificate.pk}/revoke/",
        {"reason": "error", "public_reason": ""},
    )
    issue_all = client.post(
        f"/admin/certificate-cohorts/{cohort.pk}/{certification.pk}/",
        {"action": "issue_all"},
    )

    assert revoke.status_code in (302, 403)
    assert issue_all.status_code in (302, 403, 404)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not IssueJob.objects.exists()


def test_the_cohort_screen_lists_trainees_and_issues_to_all(
    admin_client,
    signing_key,
    cohort,
    certification,
    eligible_trainee,
    make_user,
    django_capture_on_commit_callbacks,
):
    slow = make_user("trainee", legal_name="Bertil Långsam")
    cohort.memberships.create(user=slow, status="active")
    url = f"/admin/certificate-cohorts/{cohort.pk}/{certification.pk}/"

    assert admin_client.get("/admin/certificate-cohorts/").status_code == 200
    page = admin_client.get(url)
    html = page.content.decode()
    assert "Åsa Öberg-Ärlig" in html
    assert "Bertil Långsam" in html
    assert "0 of 2 steps done" in html
    assert "Issue to all eligible" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"action": "issue_all"})

    job = IssueJob.objects.get()
    assert response["Location"] == f"/admin/certificate-cohorts/jobs/{job.pk}/"
    progress = admin_client.get(response["Location"])
    assert progress.status_code == 200
    job.refresh_from_db()
    assert (job.status, job.total, job.done) == ("finished", 1, 1)
    assert Certificate.objects.filter(holder=eligible_trainee).count() == 1
    assert not Certificate.objects.filter(holder=slow).exists()


def test_issue_one_from_the_cohort_screen_refuses_the_ineligible(
    admin_client, signing_key, cohort, certification, make_user
):
    slow = make_user("trainee")
    cohort.memberships.create(user=slow, status="active")
    url = f"/admin/certificate-cohorts/{cohort.pk}/{certification.pk}/"

    response = admin_client.post(url, {"action": "issue", "user": slow.pk}, follow=True)

    assert "Not eligible" in response.content.decode()
    assert not Certificate.objects.exists()


def test_two_people_recommend_and_approve(
    client,
    trainer,
    programme_admin,
    signing_key,
    cohort,
    certification,
    eligible_trainee,
):
    certification.requires_recommendation = True
    certification.save()
    cohort.trainers.add(trainer)
    enable_totp(trainer)
    client.force_login(trainer)
    url = f"/admin/certificate-cohorts/{cohort.pk}/{certification.pk}/"

    client.post(url, {"action": "recommend", "user": eligible_trainee.pk})

    recommendation = Recommendation.objects.get()
    assert recommendation.recommended_by == trainer
    with pytest.raises(CertificateStateError):
        recommendation_approve(recommendation=recommendation, by=trainer)
    certificate = recommendation_approve(
        recommendation=recommendation, by=programme_admin
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.APPROVED
    assert recommendation.decided_by == programme_admin
    assert recommendation.certificate == certificate


def test_without_a_recommendation_nothing_is_issued(
    signing_key, programme_admin, certification, eligible_trainee
):
    from certificates.services import NotRecommended, certificate_issue

    certification.requires_recommendation = True
    certification.save()

    with pytest.raises(NotRecommended):
        certificate_issue(
            certification=certification,
            holder=eligible_trainee,
            issued_by=programme_admin,
        )


def test_recommending_twice_keeps_one(trainer, certification, eligible_trainee):
    first = certificate_recommend(
        certification=certification, trainee=eligible_trainee, by=trainer
    )
    second = certificate_recommend(
        certification=certification, trainee=eligible_trainee, by=trainer
    )

    assert first == second


def test_the_admin_menu_has_the_certificates_group(admin_client):
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/admin/certificate/" in html
    assert "/admin/certificate-cohorts/" in html


def test_programme_administrators_hold_the_certificate_permissions(
    programme_admin, trainer
):
    assert programme_admin.has_perm("certificates.issue_certificate")
    assert programme_admin.has_perm("certificates.revoke_certificate")
    assert programme_admin.has_perm("certificates.change_certification")
    assert not trainer.has_perm("certificates.issue_certificate")
    assert trainer.has_perm("certificates.recommend_certificate")


def test_the_detail_page_reads_in_the_administrators_language(
    admin_client, programme_admin, issue, eligible_trainee, certification
):
    from wagtail.users.models import UserProfile

    certificate = issue(holder=eligible_trainee, certification=certification)
    profile = UserProfile.get_for_user(programme_admin)
    profile.preferred_language = "sv"
    profile.save()

    html = admin_client.get(f"/admin/certificate/{certificate.pk}/").content.decode()

    # The checks by their Swedish names, the requirements recorded at issue
    # in Swedish too (the snapshot keeps each one's code and values).
    assert "<strong>Signatur</strong>" in html
    assert "<strong>signature</strong>" not in html
    requirement = certificate.snapshot["requirements"][0]
    assert requirement["code"] == "course_complete"
    assert f"{requirement['params']['title']}: klar" in html
    assert f"{requirement['params']['title']}: completed" not in html
