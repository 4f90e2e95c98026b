"""Languages a person can say they speak (ISO 639 codes), with translated names.

Only codes listed here can be stored; the names are translated in the UI.
"""

from django.utils.translation import gettext_lazy as _

SPOKEN_LANGUAGES: dict[str, str] = {
    "am": _("Amharic"),
    "ar": _("Arabic"),
    "bn": _("Bengali"),
    "bs": _("Bosnian"),
    "ckb": _("Kurdish (Sorani)"),
    "de": _("German"),
    "el": _("Greek"),
    "en": _("English"),
    "es": _("Spanish"),
    "fa": _("Persian (Farsi)"),
    "fi": _("Finnish"),
    "fr": _("French"),
    "hi": _("Hindi"),
    "hr": _("Croatian"),
    "it": _("Italian"),
    "kmr": _("Kurdish (Kurmanji)"),
    "ku": _("Kurdish"),
    "mk": _("Macedonian"),
    "nl": _("Dutch"),
    "no": _("Norwegian"),
    "pl": _("Polish"),
    "prs": _("Dari"),
    "ps": _("Pashto"),
    "pt": _("Portuguese"),
    "ro": _("Romanian"),
    "ru": _("Russian"),
    "se": _("Northern Sami"),
    "so": _("Somali"),
    "sq": _("Albanian"),
    "sr": _("Serbian"),
    "sv": _("Swedish"),
    "sw": _("Swahili"),
    "th": _("Thai"),
    "ti": _("Tigrinya"),
    "tr": _("Turkish"),
    "uk": _("Ukrainian"),
    "ur": _("Urdu"),
    "vi": _("Vietnamese"),
    "yi": _("Yiddish"),
    "zh": _("Chinese"),
    "rom": _("Romani"),
    "fit": _("Meänkieli"),
}


def language_name(code: str) -> str:
    return str(SPOKEN_LANGUAGES.get(code, code))
