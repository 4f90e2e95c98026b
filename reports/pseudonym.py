"""Pseudonymous participant ids for exports.

An HMAC-SHA256 of the user id under the site's ``SECRET_KEY`` (with a salt of
its own): the same person always gets the same id, so exports made on
different days can be joined, but nobody without the key can turn an id back
into a person or test a guess. Rotating ``SECRET_KEY`` changes every id.
"""

from django.utils.crypto import salted_hmac

SALT = "reports.pseudonym.participant"
LENGTH = 16


def pseudonym(user_id: int) -> str:
    return salted_hmac(SALT, str(user_id), algorithm="sha256").hexdigest()[:LENGTH]
