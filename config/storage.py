"""Storage for files that must never have a public address.

Submissions, certificate PDFs and exports live under ``PRIVATE_MEDIA_ROOT``,
outside ``MEDIA_ROOT``, and leave only through views that check access first.
Whatever serves ``MEDIA_URL`` in production must not serve this folder.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="config.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT`` (optionally in ``subdirectory``).

    The location is read from the settings on every use, not when the model
    is imported: a test that overrides ``PRIVATE_MEDIA_ROOT`` moves it, and a
    migration records no path. ``url()`` refuses, so a template can never link
    to a file directly.
    """

    base_url = None

    def __init__(self, *, subdirectory: str = "") -> None:
        self.subdirectory = subdirectory
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(Path(settings.PRIVATE_MEDIA_ROOT, self.subdirectory))

    @property
    def location(self) -> str:
        location = os.path.abspath(self.base_location)
        media_root = os.path.abspath(settings.MEDIA_ROOT)
        # Anything under MEDIA_ROOT may be served by whatever serves MEDIA_URL.
        if os.path.commonpath([location, media_root]) == media_root:
            raise ImproperlyConfigured(
                "PRIVATE_MEDIA_ROOT must be outside MEDIA_ROOT: files there "
                "could be served without an access check."
            )
        return location

    def url(self, name):
        raise ValueError("Private files have no URL; use the download view.")
