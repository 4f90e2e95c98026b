from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from certificates.codes import code_normalise
from certificates.models import Certificate, Certification


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        help_text=_("16 letters and digits, as printed on the certificate."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "XXXX-XXXX-XXXX-XXXX",
            }
        ),
    )

    def clean_code(self) -> str:
        code = code_normalise(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(
                _("That is not a certificate code. Check it against the certificate.")
            )
        return code


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            choice
            for choice in Certificate.RevocationReason.choices
            if choice[0] != Certificate.RevocationReason.SUPERSEDED
        ],
    )
    public_reason = forms.CharField(
        label=_("Public reason"),
        max_length=300,
        required=False,
        help_text=_("Shown to anyone who checks the certificate. Keep it factual."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IssueForm(forms.Form):
    certification = forms.ModelChoiceField(
        label=_("Certification"), queryset=Certification.objects.all()
    )
    trainee = forms.IntegerField(widget=forms.HiddenInput)


class CohortCertificationForm(forms.Form):
    certification = forms.ModelChoiceField(
        label=_("Certification"), queryset=Certification.objects.none()
    )

    def __init__(self, *args, certifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification"].queryset = Certification.objects.filter(
            pk__in=[certification.pk for certification in certifications]
        )
