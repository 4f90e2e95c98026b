"""What the certificate services raise."""

from django.utils.translation import gettext as _

from certificates.eligibility import Eligibility
from certificates.keystore import SigningKeyUnavailable
from certificates.messages import message_text

__all__ = [
    "CertificateError",
    "CertificateStateError",
    "NotEligible",
    "NotRecommended",
    "SelfVerificationFailed",
    "SigningKeyUnavailable",
]


class CertificateError(Exception):
    """Base class: the request cannot be done as asked (message is for people)."""


class NotEligible(CertificateError):
    """The trainee does not meet the rule; ``missing`` lists what is missing."""

    def __init__(self, eligibility: Eligibility) -> None:
        self.eligibility = eligibility
        self.missing = [message_text(item.detail) for item in eligibility.missing]
        super().__init__(
            _("Not eligible: %(missing)s") % {"missing": "; ".join(self.missing)}
        )


class NotRecommended(CertificateError):
    """The certification needs a trainer's recommendation, and there is none."""


class CertificateStateError(CertificateError):
    """The certificate is in a state that does not allow this (e.g. revoked)."""


class SelfVerificationFailed(CertificateError):
    """A credential we just signed does not verify: nothing is stored."""
