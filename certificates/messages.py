"""Translated words for the eligibility checklist.

``certificates.eligibility`` names each piece of text by a stable code with
parameters; this module gives each code its translatable sentence. A code
missing here falls back to the rule's English default.
"""

from django.utils.translation import gettext_lazy as _

from certificates.eligibility import Eligibility, Message

MESSAGES = {
    "course_label": _("Complete %(title)s"),
    "assessment_label": _("Pass %(title)s"),
    "practicum_label": _("%(required)s practicum hours signed off"),
    "course_complete": _("%(title)s: completed"),
    "course_incomplete": _("%(title)s: %(done)s of %(total)s steps done"),
    "assessment_passed": _("%(title)s passed"),
    "assessment_not_passed": _("%(title)s not passed"),
    "practicum_hours_met": _("%(signed)s of %(required)s practicum hours signed"),
    "practicum_hours": _("%(signed)s of %(required)s practicum hours signed"),
}


def message_text(message: Message) -> str:
    """``message`` in the active language."""
    template = MESSAGES.get(message.code)
    if template is None:
        return message.default
    return str(template) % dict(message.params)


def snapshot_requirement_texts(snapshot: dict) -> list[str]:
    """The requirements recorded at issue, in the active language where the
    snapshot kept the code (older ones have the English text only)."""
    texts = []
    for item in snapshot.get("requirements") or []:
        code, default = item.get("code"), item.get("detail", "")
        if code:
            texts.append(message_text(Message(code, item.get("params") or {}, default)))
        else:
            texts.append(default)
    return texts


# The verification checks by name (certificates.services.verification).
CHECK_LABELS = {
    "format": _("Format"),
    "issuer": _("Issuer"),
    "signature": _("Signature"),
    "key": _("Signing key"),
    "status": _("Status"),
    "validity": _("Validity"),
}


def checklist(eligibility: Eligibility) -> list[dict]:
    """The requirements as template rows: ``kind``, ``met``, ``label``, ``detail``."""
    return [
        {
            "kind": item.kind,
            "met": item.met,
            "label": message_text(item.label),
            "detail": message_text(item.detail),
        }
        for item in eligibility.items
    ]
