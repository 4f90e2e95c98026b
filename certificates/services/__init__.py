"""Writes for certificates (``<entity>_<verb>``), split by subdomain."""

from certificates.services.email import certificate_send_email
from certificates.services.errors import (
    CertificateError,
    CertificateStateError,
    NotEligible,
    NotRecommended,
    SelfVerificationFailed,
    SigningKeyUnavailable,
)
from certificates.services.issuing import (
    certificate_issue,
    certificate_recommend,
    certificate_reissue,
    certificate_revoke,
    certificates_issue_chunk,
    certificates_issue_for_cohort,
    issue_job_refresh,
    issue_job_resume,
    recommendation_approve,
    recommendation_decline,
)
from certificates.services.keys import (
    signing_key_active,
    signing_key_create,
    signing_key_rotate,
)
from certificates.services.pdf import (
    certificate_render_pdf,
    certificates_render_missing,
)
from certificates.services.status import (
    status_list_publish,
    status_list_schedule_publish,
    status_lists_publish_dirty,
)
from certificates.services.verification import VerificationReport, certificate_verify

__all__ = [
    "CertificateError",
    "CertificateStateError",
    "NotEligible",
    "NotRecommended",
    "SelfVerificationFailed",
    "SigningKeyUnavailable",
    "VerificationReport",
    "certificate_issue",
    "certificate_recommend",
    "certificate_reissue",
    "certificate_render_pdf",
    "certificate_revoke",
    "certificate_send_email",
    "certificate_verify",
    "certificates_issue_chunk",
    "certificates_issue_for_cohort",
    "certificates_render_missing",
    "issue_job_refresh",
    "issue_job_resume",
    "recommendation_approve",
    "recommendation_decline",
    "signing_key_active",
    "signing_key_create",
    "signing_key_rotate",
    "status_list_publish",
    "status_list_schedule_publish",
    "status_lists_publish_dirty",
]
