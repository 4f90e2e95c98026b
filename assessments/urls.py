from django.urls import path

from assessments.views import assignments, practicum, quiz

urlpatterns = [
    path(
        "quizzes/<int:page_id>/attempts/",
        quiz.quiz_attempt_start,
        name="quiz_attempt_start",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/",
        quiz.quiz_attempt_detail,
        name="quiz_attempt_detail",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/save/",
        quiz.quiz_attempt_save,
        name="quiz_attempt_save",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/submit/",
        quiz.quiz_attempt_submit,
        name="quiz_attempt_submit",
    ),
    # Written assignments
    path(
        "assignments/<int:page_id>/draft/",
        assignments.assignment_draft_save,
        name="assignment_draft_save",
    ),
    path(
        "assignments/<int:page_id>/submit/",
        assignments.assignment_submit,
        name="assignment_submit",
    ),
    path(
        "assignments/<int:page_id>/attachments/",
        assignments.assignment_attachment_upload,
        name="assignment_attachment_upload",
    ),
    path(
        "assignments/files/<int:attachment_id>/",
        assignments.attachment_download,
        name="assignment_attachment_download",
    ),
    path(
        "assignments/files/<int:attachment_id>/remove/",
        assignments.assignment_attachment_delete,
        name="assignment_attachment_delete",
    ),
    path(
        "assignments/submissions/<int:submission_id>/",
        assignments.submission_detail,
        name="assignment_submission",
    ),
    # Practicum log
    path("practicum/", practicum.practicum_list, name="practicum_list"),
    path("practicum/new/", practicum.practicum_create, name="practicum_create"),
    path(
        "practicum/<int:session_id>/edit/",
        practicum.practicum_edit,
        name="practicum_edit",
    ),
    path(
        "practicum/review/",
        practicum.practicum_review_list,
        name="practicum_review_list",
    ),
    path(
        "practicum/review/<int:session_id>/",
        practicum.practicum_review,
        name="practicum_review",
    ),
]
