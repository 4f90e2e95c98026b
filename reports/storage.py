"""Where export files are kept: never a directory the web server serves.

Files leave only through the access-checked download view. The location is
read each time, so tests can move it with ``REPORTS_PRIVATE_ROOT``.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def private_root() -> Path:
    value = getattr(settings, "REPORTS_PRIVATE_ROOT", None)
    if value:
        return Path(value)
    var_dir = getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")
    return Path(var_dir) / "private" / "reports"


@deconstructible(path="reports.storage.ExportStorage")
class ExportStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(private_root())

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Export files have no public URL.")


export_storage = ExportStorage()
