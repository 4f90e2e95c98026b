from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from config.storage import PrivateStorage


def test_files_go_under_the_private_root_read_when_used(settings, tmp_path):
    storage = PrivateStorage(subdirectory="reports")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")

    name = storage.save("exports/a.csv", ContentFile(b"x"))

    assert name == "exports/a.csv"
    assert Path(storage.path(name)) == tmp_path / "private" / "reports" / name
    assert (tmp_path / "private" / "reports" / name).read_bytes() == b"x"


def test_a_private_file_has_no_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    with pytest.raises(ValueError, match="no URL"):
        PrivateStorage().url("certificates/a.pdf")


def test_a_private_root_inside_media_root_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    with pytest.raises(ImproperlyConfigured):
        PrivateStorage().path("certificates/a.pdf")


def test_migrations_record_no_path():
    assert PrivateStorage(subdirectory="reports").deconstruct() == (
        "config.storage.PrivateStorage",
        (),
        {"subdirectory": "reports"},
    )
