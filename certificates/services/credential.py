"""What a certificate says: the snapshot and the unsigned credential.

Pure apart from reading the objects it is given: no queries, no writes.
"""

import calendar
from datetime import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from certificates import conf
from certificates.did import issuer_did
from certificates.eligibility import Eligibility, format_hours
from certificates.messages import message_text
from certificates.models import Certification
from certificates.vc import (
    Alignment,
    build_open_badge_credential,
    new_salt,
    status_entry,
    to_xsd_datetime,
)

EQF_URL = "https://europa.eu/europass/en/description-eight-eqf-levels"
ACHIEVEMENT_TYPE = "Certification"


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole calendar months; the day is clamped (31 Jan -> 28 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def status_list_url(number: int) -> str:
    return f"{conf.site_url()}/status/{number}"


def credential_url(certificate_uuid) -> str:
    return f"{conf.site_url()}/credentials/{certificate_uuid}"


def verification_url(code: str) -> str:
    return f"{conf.site_url()}/v/{code}"


def _outcomes(certification: Certification, language: str) -> list[str]:
    text = certification.text("learning_outcomes", language)
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


def criteria_narrative(certification: Certification, language: str) -> str:
    """The criteria, learning outcomes and EU micro-credential facts, as Markdown."""
    with translation.override(language):
        lines = [certification.text("criteria", language).strip(), ""]
        outcomes = _outcomes(certification, language)
        if outcomes:
            lines.append(_("Learning outcomes:"))
            lines += [f"- {outcome}" for outcome in outcomes]
            lines.append("")
        facts = [
            _("Workload: %(hours)s hours") % {"hours": certification.workload_hours},
            _("Type of assessment: %(type)s")
            % {"type": certification.get_assessment_type_display()},
            _("Form of participation: %(form)s")
            % {"form": certification.get_participation_form_display()},
            _("Quality assurance: %(text)s")
            % {"text": certification.quality_assurance.strip()},
        ]
        if certification.eqf_level:
            facts.insert(
                1, _("EQF level: %(level)s") % {"level": certification.eqf_level}
            )
        if certification.min_practicum_hours > 0:
            facts.append(
                _("Supervised practice: at least %(hours)s hours")
                % {"hours": format_hours(certification.min_practicum_hours)}
            )
        lines += [f"- {fact}" for fact in facts]
    return "\n".join(lines).strip()


def snapshot_build(
    *,
    certification: Certification,
    holder,
    language: str,
    eligibility: Eligibility | None,
    issued_at: datetime,
    valid_from: datetime,
    valid_until: datetime | None,
    reissue_of: str | None = None,
) -> dict:
    """What was certified, kept with the certificate so later edits change nothing."""
    practicum = None
    requirements = []
    if eligibility is not None:
        for item in eligibility.items:
            requirements.append(
                {
                    "kind": item.kind,
                    "met": item.met,
                    "detail": item.detail.default,
                    # To show it in the reader's language later (messages.py).
                    "code": item.detail.code,
                    "params": {k: str(v) for k, v in item.detail.params.items()},
                }
            )
            if item.kind == "practicum":
                practicum = str(item.detail.params.get("signed"))
    with translation.override(language):
        assessment_type = certification.get_assessment_type_display()
        participation = certification.get_participation_form_display()
    return {
        "language": language,
        "holder": {"legal_name": holder.legal_name},
        "certification": {
            "key": str(certification.key),
            "title": certification.text("name", language),
            "description": certification.text("description", language),
            "names": certification.texts("name"),
            "criteria": certification.texts("criteria"),
            "learning_outcomes": _outcomes(certification, language),
            "workload_hours": certification.workload_hours,
            "eqf_level": certification.eqf_level,
            "assessment_type": assessment_type,
            "participation_form": participation,
            "quality_assurance": certification.quality_assurance,
            "min_practicum_hours": format_hours(
                Decimal(certification.min_practicum_hours)
            ),
            "validity_months": certification.validity_months,
        },
        "requirements": requirements,
        "practicum_hours_signed": practicum,
        "issuer": {"name": conf.issuer_name(), "did": issuer_did()},
        "issued_at": issued_at.isoformat(),
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "reissue_of": reissue_of,
    }


def credential_build(
    *,
    certification: Certification,
    holder,
    language: str,
    certificate_uuid,
    valid_from: datetime,
    valid_until: datetime | None,
    status_list_number: int,
    status_index: int,
) -> dict:
    """The unsigned ``OpenBadgeCredential`` for a certificate, in the holder's language.

    The holder is named and identified by a salted hash of their e-mail address.
    Raises ValueError if a value cannot go into a credential.
    """
    alignments = []
    if certification.eqf_level:
        with translation.override(language):
            alignments.append(
                Alignment(
                    target_name=_("EQF level %(level)s")
                    % {"level": certification.eqf_level},
                    target_url=EQF_URL,
                    target_framework="European Qualifications Framework",
                    target_code=str(certification.eqf_level),
                )
            )
    site = conf.site_url()
    return build_open_badge_credential(
        credential_id=credential_url(certificate_uuid),
        issuer_id=issuer_did(),
        issuer_name=conf.issuer_name(),
        issuer_url=f"{site}/",
        valid_from=to_xsd_datetime(valid_from),
        valid_until=to_xsd_datetime(valid_until) if valid_until else None,
        recipient_email=holder.email,
        recipient_salt=new_salt(),
        recipient_name=holder.legal_name,
        achievement_id=f"urn:uuid:{certification.key}",
        achievement_name=certification.text("name", language),
        achievement_description=certification.text("description", language),
        criteria_narrative=criteria_narrative(certification, language),
        achievement_type=ACHIEVEMENT_TYPE,
        alignments=alignments,
        in_language=language,
        credential_status=status_entry(
            status_list_url(status_list_number), status_index
        ),
    )


def checklist_text(eligibility: Eligibility) -> list[str]:
    """The missing requirements in the active language (for errors and logs)."""
    return [message_text(item.detail) for item in eligibility.missing]
