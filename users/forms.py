from django import forms
from django.utils.translation import gettext_lazy as _

from users.models import Language, User


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves. E-mail has its own flow."""

    languages = forms.ModelMultipleChoiceField(
        queryset=Language.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Languages you speak"),
    )

    class Meta:
        model = User
        fields = [
            "legal_name",
            "preferred_name",
            "preferred_language",
            "municipality",
            "languages",
            "gender",
            "birth_year",
        ]
        widgets = {
            "gender": forms.RadioSelect,
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", _("Not answered")), *User.Gender.choices]
        self.fields["legal_name"].widget.attrs["autocomplete"] = "name"
        self.fields["preferred_name"].widget.attrs["autocomplete"] = "nickname"
