"""Content-Security-Policy: strict on the public site, workable in the admin."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

# The Wagtail admin's editors (Draftail, StreamField, the image chooser) still
# set inline styles and a few inline scripts; everything else keeps the strict
# policy. The admin is only reachable by staff who signed in with MFA.
ADMIN_PREFIX = "/admin/"
ADMIN_REPLACEMENTS = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": [
        "'self'",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ],
    "frame-ancestors": ["'self'"],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.replace = {**ADMIN_REPLACEMENTS, **(parts.replace or {})}
        return parts
