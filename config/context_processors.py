from django.conf import settings
from django.utils import translation


def site_chrome(request):
    """What every page's chrome needs: languages, direction, the staff flag."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "site_languages": settings.LANGUAGES,
        "language_bidi": translation.get_language_bidi(),
        "current_language": language,
        "ACCOUNT_ALLOW_SIGNUP": settings.ACCOUNT_ALLOW_SIGNUP,
    }
