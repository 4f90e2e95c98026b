"""The issuer's ``did:web`` identifier, derived from the site's public origin."""

from urllib.parse import quote, urlsplit

from certificates import conf


def issuer_did(site_url: str | None = None) -> str:
    """The did:web of ``http://127.0.0.1:8000`` is ``did:web:127.0.0.1%3A8000``.

    The did:web method percent-encodes the port's colon; path segments, if the
    site lives under a path, become further colon-separated parts.
    """
    parts = urlsplit(site_url or conf.site_url())
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError("SITE_URL has no host name")
    identifier = host if parts.port is None else f"{host}%3A{parts.port}"
    segments = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", identifier, *segments])


def verification_method_id(key_id: str) -> str:
    return f"{issuer_did()}#{key_id}"


def key_id_from_method(method: str) -> str | None:
    """The key id of one of our verification methods, or None for anyone else's."""
    prefix = issuer_did() + "#"
    if not isinstance(method, str) or not method.startswith(prefix):
        return None
    return method[len(prefix) :] or None
