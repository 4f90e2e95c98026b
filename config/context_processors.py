from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from users.roles import is_staff_member, is_trainer


def site_chrome(request):
    """What every page's chrome needs: languages, direction, the role flags."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "site_languages": settings.LANGUAGES,
        "language_bidi": translation.get_language_bidi(),
        "current_language": language,
        "ACCOUNT_ALLOW_SIGNUP": settings.ACCOUNT_ALLOW_SIGNUP,
        # Evaluated only where a template asks; both read the user's groups,
        # which are fetched once per request (one query, cached on the user).
        "is_staff_member": SimpleLazyObject(lambda: is_staff_member(request.user)),
        "is_trainer": SimpleLazyObject(lambda: is_trainer(request.user)),
    }
