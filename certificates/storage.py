"""Storage for certificate PDFs, outside anything the web server serves.

Files are only ever sent by the access-checked download view. The location is
read each time (``certificates.conf.private_root``) so tests can move it.
"""

import os

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from certificates import conf


@deconstructible(path="certificates.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(conf.private_root())

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL.")


private_storage = PrivateStorage()
