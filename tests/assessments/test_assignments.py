"""Written assignments: drafts, hand-in, due dates, grading with the rubric.

The helpers at the top build an assignment the way editors and trainees do
(pages through ``courses.factories``, work through the services); the other
``test_assignments_*`` modules and ``test_grading_queue`` import them.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.users.models import UserProfile

from assessments import grading
from assessments.demo import rubric_stream_data
from assessments.models import (
    AssessmentResult,
    AssessmentResultChange,
    AssignmentDueOverride,
    AssignmentPage,
    Review,
    Submission,
)
from assessments.services.assignments import (
    AlreadyGraded,
    AssignmentError,
    attachment_add,
    body_from_input,
    submission_draft_save,
    submission_grade,
    submission_review_start,
    submission_submit,
)
from courses.factories import (
    course_page_create,
    lesson_page_create,
    module_page_create,
    page_add,
)
from courses.models import StepCompletion
from courses.services import StepLocked
from tests.courses.conftest import enrol
from tests.mfa import enable_totp

pytestmark = pytest.mark.django_db

RUBRIC = {
    "kind": "levels",
    "criteria": [
        {
            "title": "Person-centred perspective",
            "description": "Starts from the person's resources and goals.",
            "levels": [
                {"title": "Not yet", "description": "Problems first.", "points": 0},
                {"title": "Meets", "description": "Resources named.", "points": 3},
                {"title": "Strong", "description": "Nuanced.", "points": 5},
            ],
        },
        {
            "title": "Solution-focused tools",
            "description": "Scaling, exceptions, miracle question.",
            "levels": [
                {"title": "Not yet", "description": "Missing.", "points": 0},
                {"title": "Meets", "description": "All three.", "points": 3},
                {"title": "Strong", "description": "Adapted.", "points": 5},
            ],
        },
    ],
}
PASS_FAIL_RUBRIC = {
    "kind": "pass_fail",
    "criteria": [
        {"title": "Anonymised", "description": "No names or numbers."},
        {"title": "Reflects", "description": "Links the case to the self."},
    ],
}


def png_bytes(size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 95, 91)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_assignment(module, *, rubric=RUBRIC, slug=None, **fields) -> AssignmentPage:
    """A published assignment under ``module``, built as an editor would."""
    slug = slug or f"assignment-{module.pk}-{AssignmentPage.objects.count() + 1}"
    stream_block = AssignmentPage.rubric.field.stream_block
    fields.setdefault("title", "Analyse a coaching process")
    fields.setdefault("instructions", "<p>Write an analysis of the case.</p>")
    fields.setdefault("pass_threshold_percent", Decimal(60))
    fields.setdefault("rubric_kind", rubric["kind"])
    fields.setdefault("allow_files", True)
    page = AssignmentPage(
        slug=slug,
        rubric=stream_block.to_python(rubric_stream_data(rubric, slug=slug)),
        **fields,
    )
    return page_add(parent=module, page=page)


def assignment_setup(make_user, **assignment_fields) -> SimpleNamespace:
    """One course with an assignment; a cohort with a trainee and its trainer;
    another cohort (same course) with another trainee and trainer."""
    course = course_page_create()
    module = module_page_create(parent=course, unlock_in_order=False)
    page = make_assignment(module, **assignment_fields)
    trainee, other_trainee = make_user("trainee"), make_user("trainee")
    trainer, other_trainer = make_user("trainer"), make_user("trainer")
    cohort = enrol(user=trainee, courses=[course], trainers=[trainer])
    other_cohort = enrol(user=other_trainee, courses=[course], trainers=[other_trainer])
    for staff in (trainer, other_trainer):
        enable_totp(staff)
        # The admin in English, whatever translations exist.
        profile = UserProfile.get_for_user(staff)
        profile.preferred_language = "en"
        profile.save()
    return SimpleNamespace(
        course=course,
        module=module,
        page=page,
        trainee=trainee,
        trainer=trainer,
        cohort=cohort,
        other_trainee=other_trainee,
        other_trainer=other_trainer,
        other_cohort=other_cohort,
    )


def level_ids(page: AssignmentPage, title: str) -> dict[str, str]:
    """{criterion id: id of the level called ``title``} for ``page``'s rubric."""
    return {
        criterion["id"]: next(
            level["id"] for level in criterion["levels"] if level["title"] == title
        )
        for criterion in page.rubric_snapshot()["criteria"]
    }


def hand_in(setup, text="<p>My analysis of the case.</p>", *, user=None):
    submission, _ = submission_submit(
        user=user or setup.trainee, page=setup.page, body=text
    )
    return submission


@pytest.fixture
def setup(make_user):
    return assignment_setup(make_user)


# --- rubrics -------------------------------------------------------------------


def test_the_rubric_snapshot_is_what_grade_rubric_expects(setup):
    rubric = setup.page.rubric_snapshot()

    assert rubric["kind"] == "levels"
    assert [c["title"] for c in rubric["criteria"]] == [
        "Person-centred perspective",
        "Solution-focused tools",
    ]
    assert [lv["points"] for lv in rubric["criteria"][0]["levels"]] == [
        "0.00",
        "3.00",
        "5.00",
    ]
    result = grading.grade_rubric(
        rubric=rubric,
        scores=level_ids(setup.page, "Meets"),
        pass_threshold_percent=Decimal(60),
    )
    assert (result.total, result.max_total, result.percent, result.passed) == (
        Decimal("6.00"),
        Decimal("10.00"),
        Decimal("60.00"),
        True,
    )


def test_rubric_ids_stay_the_same_when_the_page_is_edited(setup):
    before = setup.page.rubric_snapshot()
    setup.page.title = "Renamed"
    setup.page.save_revision().publish()
    after = AssignmentPage.objects.get(pk=setup.page.pk).rubric_snapshot()

    assert [c["id"] for c in after["criteria"]] == [c["id"] for c in before["criteria"]]


def test_a_levels_rubric_needs_levels_worth_points(setup):
    page = setup.page
    page.rubric = AssignmentPage.rubric.field.stream_block.to_python(
        rubric_stream_data(
            {
                "criteria": [
                    {"title": "Only one level", "levels": [{"title": "x", "points": 0}]}
                ]
            },
            slug="bad",
        )
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "rubric" in error.value.message_dict


def test_fixed_due_date_and_days_after_start_cannot_both_be_set(setup):
    page = setup.page
    page.due_at = timezone.now()
    page.due_days_after_start = 10
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "due_days_after_start" in error.value.message_dict


# --- drafts ----------------------------------------------------------------------


def test_plain_text_from_a_browser_without_javascript_becomes_paragraphs():
    assert body_from_input("First line\nsecond line\n\nIf x < 3 & y > 2") == (
        "<p>First line<br>second line</p><p>If x &lt; 3 &amp; y &gt; 2</p>"
    )
    assert body_from_input("<p>Already <em>HTML</em></p>") == (
        "<p>Already <em>HTML</em></p>"
    )


def test_autosave_keeps_one_draft_and_reports_words(client, setup):
    client.force_login(setup.trainee)
    url = reverse("assignment_draft_save", args=[setup.page.pk])

    for text in ("<p>One two</p>", "<p>One two three</p>"):
        response = client.post(url, {"body": text}, HTTP_ACCEPT="application/json")
        assert response.status_code == 200
    data = response.json()

    assert data["ok"] is True
    assert data["word_count"] == 3
    assert "3" in data["words_text"]
    drafts = Submission.objects.filter(user=setup.trainee)
    assert drafts.count() == 1
    assert drafts.get().status == Submission.Status.DRAFT
    assert drafts.get().body_html == "<p>One two three</p>"


def test_save_draft_without_javascript_redirects_back(client, setup):
    client.force_login(setup.trainee)
    response = client.post(
        reverse("assignment_draft_save", args=[setup.page.pk]), {"body": "Plain text"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(setup.page.url)
    assert Submission.objects.get(user=setup.trainee).body_html == "<p>Plain text</p>"


def test_the_page_shows_the_draft_in_the_editor(client, setup):
    submission_draft_save(
        user=setup.trainee, page=setup.page, body="<p>Half <strong>done</strong></p>"
    )
    client.force_login(setup.trainee)

    html = client.get(setup.page.url).content.decode()

    assert "data-autosave-url" in html
    assert "Half &lt;strong&gt;done&lt;/strong&gt;" in html  # inside the text area
    assert "Person-centred perspective" in html  # the rubric


def test_only_one_open_version_per_person_and_assignment(setup):
    submission_draft_save(user=setup.trainee, page=setup.page, body="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            user=setup.trainee, assignment=setup.page, version=2, status="draft"
        )


def test_a_locked_step_cannot_be_written(client, trainee):
    course = course_page_create()
    module = module_page_create(parent=course, unlock_in_order=True)
    lesson_page_create(parent=module)
    page = make_assignment(module)
    enrol(user=trainee, courses=[course])

    with pytest.raises(StepLocked):
        submission_draft_save(user=trainee, page=page, body="x")
    client.force_login(trainee)
    response = client.post(
        reverse("assignment_draft_save", args=[page.pk]),
        {"body": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert not Submission.objects.exists()


# --- handing in ----------------------------------------------------------------


def test_handing_in_snapshots_the_rubric_and_waits_for_review(setup):
    submission, handed_in = submission_submit(
        user=setup.trainee, page=setup.page, body="<p>My work</p>"
    )

    assert handed_in
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.version == 1
    assert submission.cohort == setup.cohort
    assert submission.rubric == setup.page.rubric_snapshot()
    assert submission.pass_threshold_percent == Decimal(60)
    assert submission.revision_id == setup.page.live_revision_id
    assert submission.late is False
    result = AssessmentResult.objects.get(user=setup.trainee)
    assert result.assessment_id == setup.page.pk
    assert result.awaiting_review is True
    assert result.passed is None


def test_handing_in_twice_is_harmless(client, setup):
    client.force_login(setup.trainee)
    url = reverse("assignment_submit", args=[setup.page.pk])

    first = client.post(url, {"body": "<p>Done</p>"})
    second = client.post(url, {"body": "<p>Done, again</p>"})

    assert first.status_code == second.status_code == 302
    submission = Submission.objects.get(user=setup.trainee)
    assert submission.body_html == "<p>Done</p>"
    assert (
        AssessmentResultChange.objects.filter(result__user=setup.trainee).count() == 1
    )


def test_work_waiting_for_review_cannot_be_changed(setup):
    hand_in(setup)
    with pytest.raises(AssignmentError):
        submission_draft_save(user=setup.trainee, page=setup.page, body="changed")


def test_empty_work_cannot_be_handed_in(setup):
    with pytest.raises(AssignmentError, match="Write your answer"):
        submission_submit(user=setup.trainee, page=setup.page, body="   ")


def test_an_attachment_alone_can_be_handed_in(setup):
    attachment_add(user=setup.trainee, page=setup.page, name="plan.pdf", data=PDF)
    submission, handed_in = submission_submit(user=setup.trainee, page=setup.page)
    assert handed_in
    assert submission.attachments.count() == 1


def test_work_over_the_word_limit_cannot_be_handed_in(make_user):
    setup = assignment_setup(make_user, word_limit=10)
    with pytest.raises(AssignmentError, match="11 words; the limit is 10"):
        submission_submit(user=setup.trainee, page=setup.page, body="word " * 11)
    submission, _ = submission_submit(
        user=setup.trainee, page=setup.page, body="w " * 10
    )
    assert submission.word_count == 10


def test_late_work_is_accepted_and_marked_late(make_user):
    due = timezone.now() - datetime.timedelta(days=1)
    setup = assignment_setup(make_user, due_at=due)

    submission = hand_in(setup)

    assert submission.status == Submission.Status.SUBMITTED
    assert submission.late is True
    assert submission.due_at == due
    assert AssessmentResult.objects.get(user=setup.trainee).late is True


def test_a_cohort_due_date_overrides_the_page(make_user):
    setup = assignment_setup(
        make_user, due_at=timezone.now() - datetime.timedelta(days=1)
    )
    later = timezone.now() + datetime.timedelta(days=7)
    AssignmentDueOverride.objects.create(
        assignment=setup.page, cohort=setup.cohort, due_at=later
    )

    mine = hand_in(setup)
    theirs = hand_in(setup, user=setup.other_trainee)

    assert (mine.late, mine.due_at) == (False, later)
    assert theirs.late is True


def test_due_days_after_the_cohort_start_end_with_that_day(make_user):
    setup = assignment_setup(make_user, due_days_after_start=3)
    start = setup.cohort.start_date  # 1 September 2026 (tests.courses.conftest)

    on_time = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    submission, _ = submission_submit(
        user=setup.trainee,
        page=setup.page,
        body="x",
        now=on_time + datetime.timedelta(days=3, hours=23, minutes=59),
    )

    assert timezone.localtime(submission.due_at).date() == start + datetime.timedelta(3)
    assert submission.late is False


# --- grading -------------------------------------------------------------------


def grade(setup, submission, title="Meets", *, decision="passed", feedback=""):
    return submission_grade(
        reviewer=setup.trainer,
        submission_id=submission.pk,
        scores=level_ids(setup.page, title),
        feedback=feedback,
        decision=decision,
    )


def test_passing_work_completes_the_step_and_emails_the_trainee_once(
    setup, django_capture_on_commit_callbacks
):
    setup.trainee.preferred_language = "en"
    setup.trainee.save()
    submission = hand_in(setup)
    with django_capture_on_commit_callbacks(execute=True):
        review = grade(setup, submission, feedback="<p>Clear and <b>kind</b>.</p>")

    submission.refresh_from_db()
    assert submission.status == Submission.Status.PASSED
    assert (review.total, review.max_total, review.percent) == (
        Decimal("6.00"),
        Decimal("10.00"),
        Decimal("60.00"),
    )
    assert review.feedback_html == "<p>Clear and <b>kind</b>.</p>"
    result = AssessmentResult.objects.get(user=setup.trainee)
    assert (result.passed, result.awaiting_review, result.percent) == (
        True,
        False,
        Decimal("60.00"),
    )
    assert StepCompletion.objects.filter(user=setup.trainee, step=setup.page).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [setup.trainee.email]
    assert "has been graded" in message.subject
    assert f"/en/assignments/submissions/{submission.pk}/" in message.body
    assert "Result: passed." in message.body

    from assessments.tasks import submission_graded_send_email

    submission_graded_send_email.delay(review.pk)  # a retry after a lost ack
    assert len(mail.outbox) == 1


def test_the_e_mail_is_in_the_trainees_language(
    setup, django_capture_on_commit_callbacks
):
    setup.trainee.preferred_language = "sv"
    setup.trainee.save()
    submission = hand_in(setup)
    with django_capture_on_commit_callbacks(execute=True):
        grade(setup, submission)
    assert mail.outbox[0].subject != ""
    assert "/en/" not in mail.outbox[0].body


def test_returned_work_is_revised_in_a_new_version_and_every_version_is_kept(setup):
    attachment_add(
        user=setup.trainee, page=setup.page, name="plan.png", data=png_bytes()
    )
    first = hand_in(setup, "<p>First try</p>")
    grade(setup, first, "Not yet", decision="returned", feedback="<p>Add tools.</p>")

    draft = submission_draft_save(
        user=setup.trainee, page=setup.page, body="<p>Second try</p>"
    )
    second, _ = submission_submit(user=setup.trainee, page=setup.page)

    first.refresh_from_db()
    assert (first.version, first.status, first.body_html) == (
        1,
        "returned",
        "<p>First try</p>",
    )
    assert second.pk == draft.pk
    assert (second.version, second.status) == (2, "submitted")
    assert [a.original_name for a in second.attachments.all()] == ["plan.png"]
    assert second.attachments.get().file.name != first.attachments.get().file.name
    result = AssessmentResult.objects.get(user=setup.trainee)
    assert (result.awaiting_review, result.passed) == (True, None)


def test_failed_work_closes_the_assignment(setup):
    grade(setup, hand_in(setup), "Not yet", decision="failed")
    with pytest.raises(AssignmentError, match="closed"):
        submission_draft_save(user=setup.trainee, page=setup.page, body="again")
    assert AssessmentResult.objects.get(user=setup.trainee).passed is False


@pytest.mark.parametrize(
    ("title", "decision"),
    [("Meets", "returned"), ("Meets", "failed"), ("Not yet", "passed")],
)
def test_the_decision_must_agree_with_the_rubric(setup, title, decision):
    submission = hand_in(setup)
    with pytest.raises(ValidationError) as error:
        grade(setup, submission, title, decision=decision)
    assert "decision" in error.value.message_dict
    assert not Review.objects.exists()


def test_every_criterion_needs_a_score(setup):
    submission = hand_in(setup)
    scores = level_ids(setup.page, "Strong")
    missing = next(iter(scores))
    scores[missing] = ""
    with pytest.raises(ValidationError) as error:
        submission_grade(
            reviewer=setup.trainer,
            submission_id=submission.pk,
            scores=scores,
            feedback="",
            decision="passed",
        )
    assert list(error.value.message_dict) == [missing]


def test_a_pass_fail_rubric_passes_only_when_every_criterion_passes(make_user):
    setup = assignment_setup(make_user, rubric=PASS_FAIL_RUBRIC)
    ids = [c["id"] for c in setup.page.rubric_snapshot()["criteria"]]
    first = hand_in(setup)

    with pytest.raises(ValidationError):
        submission_grade(
            reviewer=setup.trainer,
            submission_id=first.pk,
            scores={ids[0]: "pass", ids[1]: "fail"},
            feedback="",
            decision="passed",
        )
    review = submission_grade(
        reviewer=setup.trainer,
        submission_id=first.pk,
        scores={ids[0]: "pass", ids[1]: "pass"},
        feedback="",
        decision="passed",
    )
    assert review.scores == {ids[0]: True, ids[1]: True}
    assert review.percent == Decimal("100.00")


def test_work_is_graded_once(setup):
    submission = hand_in(setup)
    submission_review_start(reviewer=setup.trainer, submission_id=submission.pk)
    grade(setup, submission)

    with pytest.raises(AlreadyGraded):
        grade(setup, submission, "Strong")
    assert Review.objects.count() == 1


def test_only_trainers_of_the_cohort_grade(setup):
    from django.core.exceptions import PermissionDenied

    submission = hand_in(setup)
    for outsider in (setup.other_trainer, setup.other_trainee, setup.trainee):
        with pytest.raises(PermissionDenied):
            submission_grade(
                reviewer=outsider,
                submission_id=submission.pk,
                scores=level_ids(setup.page, "Meets"),
                feedback="",
                decision="passed",
            )


def test_editing_the_page_later_does_not_change_how_work_is_graded(setup):
    submission = hand_in(setup)
    page = AssignmentPage.objects.get(pk=setup.page.pk)
    page.pass_threshold_percent = Decimal(90)
    page.save_revision().publish()

    review = grade(setup, submission, "Meets")  # 60 % still passes: the snapshot

    assert review.passed is True


def test_the_trainee_reads_feedback_and_chosen_levels(client, setup):
    submission = hand_in(setup)
    grade(setup, submission, "Strong", feedback="<p>Excellent scaling question.</p>")
    client.force_login(setup.trainee)

    html = client.get(reverse("assignment_submission", args=[submission.pk])).content

    text = html.decode()
    assert "Excellent scaling question." in text
    assert text.count("rubric__level--chosen") == 2
    assert "10 of 10 points" in text


ASSIGNMENT_PAGE_BUDGET = 40


def test_the_assignment_page_costs_the_same_for_one_version_and_many(
    client, make_user, django_assert_max_num_queries
):
    setup = assignment_setup(make_user, max_files=10)
    client.force_login(setup.trainee)
    hand_in(setup)
    client.get(setup.page.url)  # warm caches (content types, site)
    with django_assert_max_num_queries(ASSIGNMENT_PAGE_BUDGET) as few:
        assert client.get(setup.page.url).status_code == 200
    for _ in range(4):
        submission = Submission.objects.filter(user=setup.trainee).latest("version")
        grade(setup, submission, "Not yet", decision="returned")
        attachment_add(user=setup.trainee, page=setup.page, name="a.pdf", data=PDF)
        submission_submit(user=setup.trainee, page=setup.page)
    with django_assert_max_num_queries(ASSIGNMENT_PAGE_BUDGET) as many:
        assert client.get(setup.page.url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_editors_can_open_the_assignment_in_the_admin(client, setup):
    client.force_login(setup.trainer)

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[setup.page.pk]))
    add = client.get(
        reverse(
            "wagtailadmin_pages:add",
            args=["assessments", "assignmentpage", setup.module.pk],
        )
    )

    assert edit.status_code == add.status_code == 200
    assert "Person-centred perspective" in edit.content.decode()


def test_a_graduate_reads_her_work_but_writes_nothing(client, setup):
    from courses.models import CohortMembership

    hand_in(setup, "<p>What I handed in.</p>")
    setup.cohort.memberships.update(status=CohortMembership.Status.COMPLETED)
    client.force_login(setup.trainee)

    html = client.get(setup.page.url).content.decode()

    assert reverse("assignment_draft_save", args=[setup.page.pk]) not in html
    assert reverse("assignment_attachment_upload", args=[setup.page.pk]) not in html
    submission = Submission.objects.get(user=setup.trainee)
    assert reverse("assignment_submission", args=[submission.pk]) in html
    response = client.post(
        reverse("assignment_draft_save", args=[setup.page.pk]), {"body": "<p>x</p>"}
    )
    assert response.status_code == 404
    assert Submission.objects.filter(user=setup.trainee).count() == 1
    # What she handed in stays hers to read.
    assert (
        client.get(reverse("assignment_submission", args=[submission.pk])).status_code
        == 200
    )
