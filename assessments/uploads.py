"""Attachment validation by content, never by name.

``validate_attachment`` decides what a file *is* from its bytes, checks it
against the kinds the caller allows, and returns a ``CleanFile`` that is safe
to store. It has no side effects and touches no database.

Detection rules
===============

- **PDF**: starts with ``%PDF-`` and has ``%%EOF`` in its last 1024 bytes
  (where PDF readers look for it). The PDF itself is stored unchanged.
- **DOCX**: a readable ZIP archive (``PK\\x03\\x04``) that contains
  ``[Content_Types].xml`` and ``word/document.xml``. Rejected as a zip bomb
  if it has more than ``MAX_ZIP_ENTRIES`` entries or its entries declare more
  than 10x ``max_bytes`` (and never more than ``MAX_ZIP_UNCOMPRESSED_BYTES``)
  uncompressed; every entry's CRC is then checked, which decompresses no
  more than the declared sizes. Rejected as macro content if it contains
  ``vbaProject.bin``/``vbaData.xml``, ActiveX parts or a macro-enabled
  content type (a renamed ``.docm``). Stored unchanged.
- **Image**: JPEG, PNG, WEBP or GIF by signature, opened with Pillow limited
  to those four formats. More than ``MAX_IMAGE_PIXELS`` (40 megapixels) is a
  decompression bomb. The image is verified, fully decoded, turned upright
  from its EXIF orientation and re-encoded from its pixels alone, which
  drops EXIF, XMP, ICC profiles and comments: JPEG stays JPEG, everything
  else becomes PNG (a GIF keeps its first frame only). A PNG too large for
  ``max_bytes`` is retried as JPEG when it has no transparency.
- **SVG** is always rejected: it can carry script.

The name the person gave the file plays no part in detection. A file whose
name disagrees with its content (a PNG called ``scan.pdf``) is judged by its
content alone and, if that kind is allowed, accepted and renamed with the
extension of what it really is (``scan.png``): rejecting it would only
punish a mislabelled but harmless file, and the stored name can never
mislead a browser or a desktop application about the type.

Size: at most ``max_bytes + 1`` bytes are read from a file-like object, and
a Django upload whose ``size`` is already too big is rejected unread.
"""

from __future__ import annotations

import io
import re
import unicodedata
import uuid
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

__all__ = [
    "KINDS",
    "MAX_IMAGE_PIXELS",
    "MAX_ORIGINAL_NAME_CHARS",
    "MAX_ZIP_ENTRIES",
    "MAX_ZIP_UNCOMPRESSED_BYTES",
    "CleanFile",
    "sanitise_filename",
    "validate_attachment",
]

KINDS = frozenset({"pdf", "docx", "image"})

#: Largest image accepted, in pixels (width x height).
MAX_IMAGE_PIXELS = 40_000_000
MAX_ZIP_ENTRIES = 1000
#: Ceiling on the declared uncompressed size of a DOCX, whatever max_bytes is.
MAX_ZIP_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
#: A DOCX may expand to at most this many times the upload limit.
ZIP_EXPANSION_FACTOR = 10
MAX_ORIGINAL_NAME_CHARS = 120

_PDF_EOF_WINDOW = 1024
_CONTENT_TYPES_MAX_BYTES = 1024 * 1024
_READ_CHUNK = 1024 * 1024

_PDF_TYPE = "application/pdf"
_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
_OUTPUT = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}

# What each kind means to the person uploading, in the "Allowed:" list.
_ALLOWED_NAMES = {
    "pdf": ("PDF",),
    "docx": ("DOCX",),
    "image": ("JPEG", "PNG", "WEBP", "GIF"),
}
_KIND_ORDER = ("pdf", "docx", "image")

# Whole sentences per combination, so translators never see fragments.
_NOT_ALLOWED = {
    frozenset({"pdf"}): _("This file is not a PDF. Allowed: %(allowed)s."),
    frozenset({"docx"}): _(
        "This file is not a Word (.docx) document. Allowed: %(allowed)s."
    ),
    frozenset({"image"}): _("This file is not an image. Allowed: %(allowed)s."),
    frozenset({"pdf", "docx"}): _(
        "This file is not a PDF or Word (.docx) document. Allowed: %(allowed)s."
    ),
    frozenset({"pdf", "image"}): _(
        "This file is not a PDF or image. Allowed: %(allowed)s."
    ),
    frozenset({"docx", "image"}): _(
        "This file is not a Word (.docx) document or image. Allowed: %(allowed)s."
    ),
    KINDS: _(
        "This file is not a PDF, Word (.docx) document or image. Allowed: %(allowed)s."
    ),
}
_SVG_NOT_ALLOWED = _(
    "SVG images are not accepted because they can contain scripts. "
    "Allowed: %(allowed)s."
)
_EMPTY = _("This file is empty.")
_TOO_LARGE = _(
    "This file is too large. The maximum size is %(max_size)s. Allowed: %(allowed)s."
)
_IMAGE_TOO_LARGE = _(
    "This image is too large once converted for safe storage. The maximum "
    "size is %(max_size)s; try a smaller image. Allowed: %(allowed)s."
)
_CORRUPT_PDF = _("This PDF appears to be damaged or incomplete.")
_CORRUPT_DOCX = _(
    "This Word document appears to be damaged, incomplete or password-protected."
)
_CORRUPT_IMAGE = _("This image appears to be damaged or incomplete.")
_DECOMPRESSION_BOMB = _(
    "This image has too many pixels (more than %(megapixels)s megapixels). "
    "Please resize it and try again."
)
_ZIP_BOMB = _(
    "This Word document expands to far more data than a normal document "
    "and cannot be accepted."
)
_MACRO = _(
    "This Word document contains macros or other active content, which are "
    "not allowed. Save it as a plain Word document (.docx) and try again."
)


@dataclass(frozen=True)
class CleanFile:
    """A validated attachment, ready to store.

    ``original_name`` is what to show people (the uploaded name made safe,
    with the extension of the detected type); ``safe_name`` is a random name
    for storage that reveals nothing about the upload.
    """

    kind: str
    content_type: str
    extension: str  # with the dot: ".pdf", ".docx", ".png", ".jpg"
    data: bytes
    original_name: str
    safe_name: str


def validate_attachment(
    *,
    name: str,
    data: bytes | bytearray | memoryview | BinaryIO,
    allowed_kinds: set[str] | frozenset[str],
    max_bytes: int,
) -> CleanFile:
    """Detect, check and clean one uploaded file.

    Pure function: no storage, no database. Raises ``ValidationError`` with
    code ``"empty"``, ``"too_large"``, ``"wrong_type"``, ``"corrupt"``,
    ``"decompression_bomb"``, ``"zip_bomb"`` or ``"macro"``; raises
    ``ValueError`` for a programming error (unknown kind, bad ``max_bytes``).
    """
    allowed = frozenset(allowed_kinds)
    if not allowed or not allowed <= KINDS:
        raise ValueError(f"allowed_kinds must be a non-empty subset of {set(KINDS)}")
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")

    content = _read_bounded(data, max_bytes=max_bytes, allowed=allowed)
    if not content:
        raise ValidationError(_EMPTY, code="empty")

    kind, image_format = _detect(content)
    if kind == "svg":
        raise ValidationError(
            _SVG_NOT_ALLOWED, code="wrong_type", params=_allowed_params(allowed)
        )
    if kind not in allowed:
        raise _wrong_type(allowed)

    if kind == "pdf":
        _check_pdf(content)
        content_type, extension = _PDF_TYPE, ".pdf"
    elif kind == "docx":
        _check_docx(content, max_bytes=max_bytes, allowed=allowed)
        content_type, extension = _DOCX_TYPE, ".docx"
    else:
        content, content_type, extension = _clean_image(
            content, image_format, max_bytes=max_bytes, allowed=allowed
        )

    return CleanFile(
        kind=kind,
        content_type=content_type,
        extension=extension,
        data=content,
        original_name=sanitise_filename(name, extension=extension),
        safe_name=f"{uuid.uuid4().hex}{extension}",
    )


# --- reading -----------------------------------------------------------------


def _read_bounded(data, *, max_bytes: int, allowed: frozenset[str]) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data)  # already in memory; bytes() is free for bytes
        if len(content) > max_bytes:
            raise _too_large(max_bytes, allowed)
        return content

    # Django's UploadedFile knows its size: reject without reading a byte.
    size = getattr(data, "size", None)
    if isinstance(size, int) and size > max_bytes:
        raise _too_large(max_bytes, allowed)
    seekable = getattr(data, "seekable", None)
    if seekable is not None and seekable():
        data.seek(0)

    buffer = bytearray()
    # One byte past the limit is enough to know the file is too large.
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = data.read(min(remaining, _READ_CHUNK))
        if not chunk:
            break
        buffer += chunk
        remaining -= len(chunk)
    if len(buffer) > max_bytes:
        raise _too_large(max_bytes, allowed)
    return bytes(buffer)


# --- detection ---------------------------------------------------------------

_SVG_RE = re.compile(rb"<svg[\s>/]", re.IGNORECASE)


def _detect(content: bytes) -> tuple[str | None, str | None]:
    """Return (kind, image format) from the first bytes; kind may be "svg"."""
    if content.startswith(b"%PDF-"):
        return "pdf", None
    if content.startswith(b"PK\x03\x04"):
        return "docx", None
    for signature, image_format in _IMAGE_SIGNATURES:
        if content.startswith(signature):
            return "image", image_format
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image", "WEBP"
    # SVG is XML text: look for an <svg> root near the start, also when the
    # text is UTF-16 (drop the NUL bytes) or preceded by a BOM or prolog.
    head = content[:4096].replace(b"\x00", b"")
    if _SVG_RE.search(head):
        return "svg", None
    return None, None


def _check_pdf(content: bytes) -> None:
    if b"%%EOF" not in content[-_PDF_EOF_WINDOW:]:
        raise ValidationError(_CORRUPT_PDF, code="corrupt")


def _check_docx(content: bytes, *, max_bytes: int, allowed: frozenset[str]) -> None:
    corrupt = ValidationError(_CORRUPT_DOCX, code="corrupt")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise corrupt from None

    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ValidationError(_ZIP_BOMB, code="zip_bomb")
        limit = min(ZIP_EXPANSION_FACTOR * max_bytes, MAX_ZIP_UNCOMPRESSED_BYTES)
        if sum(entry.file_size for entry in entries) > limit:
            raise ValidationError(_ZIP_BOMB, code="zip_bomb")

        # Part names in an Office package are case-insensitive.
        names = {entry.filename.lower() for entry in entries}
        if "[content_types].xml" not in names or "word/document.xml" not in names:
            # A ZIP, but not a Word document (a plain archive, .xlsx, .odt...).
            raise _wrong_type(allowed)
        if any(_is_macro_part(name) for name in names):
            raise ValidationError(_MACRO, code="macro")

        try:
            content_types = _read_member(archive, "[content_types].xml")
            # Reads every entry and checks its CRC; each read stops at the
            # entry's declared size, which the limit above already bounds.
            damaged = archive.testzip()
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            RuntimeError,  # encrypted entry
            NotImplementedError,  # unsupported compression method
            ValueError,
        ):
            raise corrupt from None
        if damaged is not None or content_types is None:
            raise corrupt
    if b"macroenabled" in content_types.lower():
        raise ValidationError(_MACRO, code="macro")


def _is_macro_part(name: str) -> bool:
    basename = name.rsplit("/", 1)[-1]
    return basename in ("vbaproject.bin", "vbadata.xml") or name.startswith(
        "word/activex/"
    )


def _read_member(archive: zipfile.ZipFile, lower_name: str) -> bytes | None:
    for entry in archive.infolist():
        if entry.filename.lower() == lower_name:
            with archive.open(entry) as member:
                data = member.read(_CONTENT_TYPES_MAX_BYTES + 1)
            return data if len(data) <= _CONTENT_TYPES_MAX_BYTES else None
    return None


# --- images ------------------------------------------------------------------


def _open_image(content: bytes, image_format: str) -> Image.Image:
    # Pillow warns above Image.MAX_IMAGE_PIXELS and raises above twice that;
    # turning the warning into an error here (and catching both) makes the
    # outcome the same whatever the process-wide warning filters are. Our own
    # lower limit is checked right after, on the header alone.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(content), formats=[image_format])
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise Image.DecompressionBombError(f"{width}x{height} pixels")
    return image


def _clean_image(
    content: bytes, image_format: str, *, max_bytes: int, allowed: frozenset[str]
) -> tuple[bytes, str, str]:
    if image_format not in _IMAGE_FORMATS:
        raise _wrong_type(allowed)
    try:
        # verify() checks the file's structure and leaves the image unusable,
        # so it is opened a second time to decode the pixels.
        _open_image(content, image_format).verify()
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open_image(content, image_format)
            image.seek(0)  # GIF/WEBP: only the first frame is kept
            image.load()
            pixels = _pixels_only(ImageOps.exif_transpose(image))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _DECOMPRESSION_BOMB,
            code="decompression_bomb",
            params={"megapixels": MAX_IMAGE_PIXELS // 1_000_000},
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        # Pillow reports truncated or malformed data with any of these.
        raise ValidationError(_CORRUPT_IMAGE, code="corrupt") from None

    output_format = "JPEG" if image_format == "JPEG" else "PNG"
    encoded = _encode(pixels, output_format)
    if (
        len(encoded) > max_bytes
        and output_format == "PNG"
        and pixels.mode in ("RGB", "L")
    ):
        output_format = "JPEG"
        encoded = _encode(pixels, output_format)
    if len(encoded) > max_bytes:
        raise ValidationError(
            _IMAGE_TOO_LARGE,
            code="too_large",
            params={"max_size": filesizeformat(max_bytes), **_allowed_params(allowed)},
        )
    content_type, extension = _OUTPUT[output_format]
    return encoded, content_type, extension


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only pixels: no info, EXIF, ICC or palette tricks."""
    has_alpha = (
        image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    )
    if has_alpha:
        mode = "RGBA"
    elif image.mode in ("1", "L", "I", "I;16", "I;16B", "I;16L", "F"):
        mode = "L"
    else:
        mode = "RGB"
    converted = image.convert(mode) if image.mode != mode else image
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, output_format: str) -> bytes:
    buffer = io.BytesIO()
    if output_format == "JPEG":
        if image.mode == "RGBA":
            image = image.convert("RGB")
        image.save(buffer, format="JPEG", quality=90, optimize=True)
    else:
        image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- names and messages ------------------------------------------------------

# Characters Windows forbids in names, plus both path separators.
_FORBIDDEN_CHARS_RE = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)


def sanitise_filename(name: str, *, extension: str) -> str:
    """A display-safe version of an uploaded name, ending in ``extension``.

    Keeps the last path component only (``/`` and ``\\`` both count), removes
    control and formatting characters (including the right-to-left override
    U+202E that makes ``evil\\u202egpj.exe`` look like ``evilexe.jpg``),
    replaces characters Windows forbids, trims dots and spaces, keeps
    letters from every script, and fits the result in
    ``MAX_ORIGINAL_NAME_CHARS`` characters including ``extension``, which
    replaces whatever extension the name had.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if unicodedata.category(char) == "Zs" or char in "\t\n\r" else char
        for char in name
        if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
        or char in "\t\n\r"
    )
    name = _FORBIDDEN_CHARS_RE.sub("_", name)
    name = re.sub(r" {2,}", " ", name).strip(" .")
    stem = name.rsplit(".", 1)[0].strip(" .") if "." in name else name
    if stem.split(".", 1)[0].lower() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    stem = stem[: MAX_ORIGINAL_NAME_CHARS - len(extension)].rstrip(" .")
    return f"{stem or 'file'}{extension}"


def _allowed_params(allowed: frozenset[str]) -> dict[str, str]:
    names = [n for kind in _KIND_ORDER if kind in allowed for n in _ALLOWED_NAMES[kind]]
    return {"allowed": ", ".join(names)}


def _wrong_type(allowed: frozenset[str]) -> ValidationError:
    return ValidationError(
        _NOT_ALLOWED[allowed], code="wrong_type", params=_allowed_params(allowed)
    )


def _too_large(max_bytes: int, allowed: frozenset[str]) -> ValidationError:
    return ValidationError(
        _TOO_LARGE,
        code="too_large",
        params={"max_size": filesizeformat(max_bytes), **_allowed_params(allowed)},
    )
