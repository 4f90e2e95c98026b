"""assessments.uploads: detection by content, size limits, bombs and clean output.

Every fixture is generated here; no binary files are committed.
"""

import io
import os
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from assessments.uploads import (
    MAX_IMAGE_PIXELS,
    MAX_ZIP_ENTRIES,
    MAX_ZIP_UNCOMPRESSED_BYTES,
    sanitise_filename,
    validate_attachment,
)

ALL_KINDS = {"pdf", "docx", "image"}
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _english_messages():
    """Render the lazy messages in English, with or without project settings.

    Run without Django (no settings module), minimal settings are configured
    here; under pytest-django the project's settings are used as they are and
    only the language is pinned, since the site's default language is Swedish.
    """
    from django.conf import settings
    from django.utils import translation

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(USE_I18N=False)
    with translation.override("en"):
        yield


def validate(data, *, name="upload.bin", kinds=None, max_bytes=5 * MB):
    return validate_attachment(
        name=name,
        data=data,
        allowed_kinds=ALL_KINDS if kinds is None else kinds,
        max_bytes=max_bytes,
    )


def rejection(data, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validate(data, **kwargs)
    return excinfo.value


# --- fixture builders ----------------------------------------------------------


def make_pdf() -> bytes:
    """A real one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Min reflektion</w:t></w:r></w:p></w:body></w:document>"
)


def make_docx(*, main=DOCX_MAIN, extra=None) -> bytes:
    """A real minimal .docx; ``extra`` maps part names to bytes to add."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", DOCUMENT)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_image(image_format="PNG", *, size=(40, 30), mode="RGB", **save_kwargs):
    colour = (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)
    image = Image.new(mode, size, colour[: len(mode)] if mode != "L" else 120)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **save_kwargs)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data))
    )


def make_huge_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of the given size, built by hand.

    All-black rows compress to almost nothing, so a few kilobytes claim
    hundreds of megapixels, which is what a decompression bomb looks like.
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    idat = bytearray()
    for _ in range(height):
        idat += compressor.compress(row)
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", bytes(idat))
        + png_chunk(b"IEND", b"")
    )


class CountingReader(io.RawIOBase):
    """A large upload that is generated on demand and counts what is read."""

    def __init__(self, size: int, prefix: bytes = b"%PDF-1.7\n"):
        self.size_left = size
        self.prefix = prefix
        self.bytes_read = 0

    def readable(self):
        return True

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.size_left
        n = min(n, self.size_left)
        chunk = (self.prefix + b"\x00" * n)[:n]
        self.prefix = b""
        self.size_left -= n
        self.bytes_read += n
        return chunk


class SizedUpload(CountingReader):
    """Like Django's UploadedFile: knows its size before being read."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


# --- accepted files ------------------------------------------------------------


def test_pdf_is_accepted_unchanged():
    pdf = make_pdf()
    clean = validate(pdf, name="Inlämning 1.pdf", kinds={"pdf"})
    assert clean.kind == "pdf"
    assert clean.content_type == "application/pdf"
    assert clean.extension == ".pdf"
    assert clean.data == pdf
    assert clean.original_name == "Inlämning 1.pdf"
    assert clean.safe_name.endswith(".pdf")
    assert "Inl" not in clean.safe_name


def test_docx_is_accepted_unchanged():
    docx = make_docx()
    clean = validate(docx, name="reflektion.docx", kinds={"docx"})
    assert clean.kind == "docx"
    assert clean.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (clean.extension, clean.data) == (".docx", docx)


@pytest.mark.parametrize(
    ("image_format", "mode", "content_type", "extension"),
    [
        ("JPEG", "RGB", "image/jpeg", ".jpg"),
        ("PNG", "RGB", "image/png", ".png"),
        ("PNG", "RGBA", "image/png", ".png"),
        ("WEBP", "RGB", "image/png", ".png"),
        ("GIF", "RGB", "image/png", ".png"),
    ],
)
def test_images_are_re_encoded(image_format, mode, content_type, extension):
    clean = validate(make_image(image_format, mode=mode), name="bild", kinds={"image"})
    assert (clean.kind, clean.content_type, clean.extension) == (
        "image",
        content_type,
        extension,
    )
    assert clean.original_name == f"bild{extension}"
    with Image.open(io.BytesIO(clean.data)) as reopened:
        assert reopened.format == ("JPEG" if extension == ".jpg" else "PNG")
        assert reopened.size == (40, 30)
        if mode == "RGBA":
            assert reopened.mode == "RGBA"
            assert reopened.getpixel((0, 0))[3] == 128


def test_animated_gif_keeps_only_its_first_frame():
    frames = [Image.new("RGB", (10, 10), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    clean = validate(buffer.getvalue(), kinds={"image"})
    with Image.open(io.BytesIO(clean.data)) as reopened:
        assert getattr(reopened, "n_frames", 1) == 1
        assert reopened.convert("RGB").getpixel((0, 0)) == (255, 0, 0)


def test_exif_and_other_metadata_are_stripped_after_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "Spy Camera Co."  # Make
    exif[0x0131] = "secret-software 1.0"  # Software
    jpeg = make_image("JPEG", size=(40, 30), exif=exif, icc_profile=b"fake icc")
    with Image.open(io.BytesIO(jpeg)) as original:
        assert original.getexif()[0x010F] == "Spy Camera Co."

    clean = validate(jpeg, name="photo.jpeg", kinds={"image"})

    assert b"Spy Camera" not in clean.data
    assert b"secret-software" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as reopened:
        assert reopened.size == (30, 40)  # turned upright
        assert len(reopened.getexif()) == 0
        assert "exif" not in reopened.info
        assert "icc_profile" not in reopened.info
    assert clean.original_name == "photo.jpg"


def test_png_text_chunks_are_stripped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Private Person")
    png = make_image("PNG", pnginfo=info)
    clean = validate(png, kinds={"image"})
    assert b"Private Person" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as reopened:
        assert "Author" not in reopened.info


def test_file_named_for_another_type_is_judged_by_content_and_renamed():
    clean = validate(make_image("PNG"), name="scan.pdf", kinds={"pdf", "image"})
    assert clean.kind == "image"
    assert clean.original_name == "scan.png"
    assert clean.safe_name.endswith(".png")


def test_file_like_objects_are_read_from_the_start():
    pdf = make_pdf()
    upload = io.BytesIO(pdf)
    upload.read(10)  # e.g. something peeked at it before
    assert validate(upload, kinds={"pdf"}).data == pdf


# --- wrong type ----------------------------------------------------------------


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, id="windows-exe"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 200, id="linux-elf"),
        pytest.param(plain_zip(), id="zip"),
        pytest.param(
            b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"
        ),
        pytest.param(b"just some text, nothing else", id="text"),
        pytest.param(b"  %PDF-1.4 not at the start %%EOF", id="pdf-not-at-start"),
    ],
)
def test_wrong_type_renamed_to_pdf_is_rejected_with_what_is_allowed(data):
    error = rejection(data, name="x.pdf")
    assert error.code == "wrong_type"
    assert error.messages == [
        "This file is not a PDF, Word (.docx) document or image. "
        "Allowed: PDF, DOCX, JPEG, PNG, WEBP, GIF."
    ]


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        ({"pdf"}, "This file is not a PDF. Allowed: PDF."),
        ({"docx"}, "This file is not a Word (.docx) document. Allowed: DOCX."),
        (
            {"image"},
            "This file is not an image. Allowed: JPEG, PNG, WEBP, GIF.",
        ),
        (
            {"pdf", "docx"},
            "This file is not a PDF or Word (.docx) document. Allowed: PDF, DOCX.",
        ),
        (
            {"pdf", "image"},
            "This file is not a PDF or image. Allowed: PDF, JPEG, PNG, WEBP, GIF.",
        ),
        (
            {"docx", "image"},
            "This file is not a Word (.docx) document or image. "
            "Allowed: DOCX, JPEG, PNG, WEBP, GIF.",
        ),
    ],
)
def test_wrong_type_message_lists_only_what_is_allowed(kinds, message):
    error = rejection(b"MZ" + b"\x00" * 100, name="x.pdf", kinds=kinds)
    assert error.code == "wrong_type"
    assert error.messages == [message]


def test_real_type_that_is_not_allowed_is_rejected():
    error = rejection(make_image("PNG"), name="x.pdf", kinds={"pdf"})
    assert (error.code, error.messages) == (
        "wrong_type",
        ["This file is not a PDF. Allowed: PDF."],
    )
    assert rejection(make_pdf(), kinds={"docx", "image"}).code == "wrong_type"


def test_zip_that_is_not_a_word_document_is_rejected_even_when_docx_is_allowed():
    assert rejection(plain_zip(), name="x.docx", kinds={"docx"}).code == "wrong_type"


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg onload="alert(1)"/>',
        b"\xef\xbb\xbf  <SVG><circle r='1'/></SVG>",
        "<svg><script>alert(1)</script></svg>".encode("utf-16"),
    ],
)
def test_svg_is_always_rejected(svg):
    error = rejection(svg, name="logo.png", kinds={"image"})
    assert error.code == "wrong_type"
    assert error.messages == [
        "SVG images are not accepted because they can contain scripts. "
        "Allowed: JPEG, PNG, WEBP, GIF."
    ]


def test_empty_file_is_rejected():
    error = rejection(b"", name="x.pdf")
    assert (error.code, error.messages) == ("empty", ["This file is empty."])


# --- size ----------------------------------------------------------------------


def test_fifty_megabytes_is_rejected_without_reading_it_all():
    upload = CountingReader(50 * MB)
    error = rejection(upload, name="big.pdf", kinds={"pdf"}, max_bytes=10 * MB)
    assert error.code == "too_large"
    assert error.messages == [
        "This file is too large. The maximum size is 10.0\xa0MB. Allowed: PDF."
    ]
    assert upload.bytes_read == 10 * MB + 1


def test_upload_that_knows_its_size_is_rejected_before_reading():
    upload = SizedUpload(50 * MB)
    assert rejection(upload, max_bytes=10 * MB).code == "too_large"
    assert upload.bytes_read == 0


def test_size_limit_is_inclusive():
    pdf = make_pdf()
    assert validate(pdf, max_bytes=len(pdf)).data == pdf
    assert validate(io.BytesIO(pdf), max_bytes=len(pdf)).data == pdf
    assert rejection(pdf, max_bytes=len(pdf) - 1).code == "too_large"
    assert rejection(io.BytesIO(pdf), max_bytes=len(pdf) - 1).code == "too_large"


# --- damaged files -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            make_pdf()[:-200],
            "This PDF appears to be damaged or incomplete.",
        ),
        (
            b"PK\x03\x04" + b"\x00" * 100,
            "This Word document appears to be damaged, incomplete or "
            "password-protected.",
        ),
        (
            make_image("PNG", size=(200, 200))[:-300],
            "This image appears to be damaged or incomplete.",
        ),
        (
            make_image("JPEG", size=(200, 200))[:200],
            "This image appears to be damaged or incomplete.",
        ),
    ],
)
def test_damaged_files_are_rejected(data, message):
    error = rejection(data)
    assert (error.code, error.messages) == ("corrupt", [message])


# --- bombs and active content --------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [
        # Above Pillow's hard limit: Pillow raises DecompressionBombError.
        (30_000, 30_000),
        # Above Pillow's warning limit: the warning must not slip through.
        (10_000, 10_000),
        # Below Pillow's limits, above ours.
        (7_000, 6_000),
    ],
)
def test_decompression_bomb_is_rejected(width, height):
    bomb = make_huge_png(width, height)
    assert len(bomb) < 200_000
    error = rejection(bomb, name="tiny.png", kinds={"image"})
    assert error.code == "decompression_bomb"
    assert error.messages == [
        "This image has too many pixels (more than 40 megapixels). "
        "Please resize it and try again."
    ]


def test_image_at_the_pixel_limit_is_accepted():
    side = int(MAX_IMAGE_PIXELS**0.5)
    clean = validate(make_huge_png(side, side), kinds={"image"}, max_bytes=20 * MB)
    assert clean.kind == "image"


@pytest.mark.parametrize(
    "extra",
    [
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake OLE macro storage"},
        {"word/VBAPROJECT.BIN": b"\xd0\xcf\x11\xe0"},
        {"word/vbaData.xml": b"<wne:vbaSuppData/>"},
        {"word/activeX/activeX1.xml": b"<ax:ocx/>"},
    ],
)
def test_docx_with_macro_content_is_rejected(extra):
    error = rejection(make_docx(extra=extra), name="x.docx", kinds={"docx"})
    assert error.code == "macro"
    assert error.messages == [
        "This Word document contains macros or other active content, which are "
        "not allowed. Save it as a plain Word document (.docx) and try again."
    ]


def test_macro_enabled_document_renamed_to_docx_is_rejected():
    assert rejection(make_docx(main=DOCM_MAIN), kinds={"docx"}).code == "macro"


def test_zip_bomb_is_rejected_by_declared_size():
    # 20 MB of zeros compress to about 20 KB; 10x a 1 MB limit is 10 MB.
    docx = make_docx(extra={"word/media/zeros.bin": b"\x00" * (20 * MB)})
    assert len(docx) < 100_000
    error = rejection(docx, kinds={"docx"}, max_bytes=1 * MB)
    assert error.code == "zip_bomb"
    assert error.messages == [
        "This Word document expands to far more data than a normal document "
        "and cannot be accepted."
    ]


def test_zip_bomb_ceiling_applies_whatever_the_upload_limit():
    buffer = io.BytesIO(make_docx())
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/zeros.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(MAX_ZIP_UNCOMPRESSED_BYTES // MB + 1):
            member.write(b"\x00" * MB)
    error = rejection(buffer.getvalue(), kinds={"docx"}, max_bytes=50 * MB)
    assert error.code == "zip_bomb"


def test_zip_with_too_many_entries_is_rejected():
    extra = {f"word/media/{i}.xml": b"<x/>" for i in range(MAX_ZIP_ENTRIES)}
    assert rejection(make_docx(extra=extra), kinds={"docx"}).code == "zip_bomb"


def test_zip_that_lies_about_its_sizes_is_rejected_without_inflating_it():
    # Claim 100 bytes for an entry that really inflates to 30 MB: reading
    # stops at the claimed size and the CRC check fails.
    docx = bytearray(make_docx(extra={"word/media/big.bin": b"\x00" * (30 * MB)}))
    with zipfile.ZipFile(io.BytesIO(bytes(docx))) as archive:
        entry = archive.getinfo("word/media/big.bin")
    struct.pack_into("<I", docx, entry.header_offset + 22, 100)
    central = docx.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", docx, central + 28)[0]
        if docx[central + 46 : central + 46 + name_length] == b"word/media/big.bin":
            struct.pack_into("<I", docx, central + 24, 100)
            break
        central = docx.find(b"PK\x01\x02", central + 4)
    with zipfile.ZipFile(io.BytesIO(bytes(docx))) as archive:
        assert archive.getinfo("word/media/big.bin").file_size == 100
    error = rejection(bytes(docx), kinds={"docx"}, max_bytes=1 * MB)
    assert error.code == "corrupt"


# --- names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../etc/passwd", ".pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system.ini", ".pdf", "system.pdf"),
        ("C:\\Users\\Anna\\Rapport.docx", ".docx", "Rapport.docx"),
        ("/var/www/../x.png", ".png", "x.png"),
        ("rapport\x00.pdf.exe", ".pdf", "rapport.pdf.pdf"),
        ("ny\x07rad\x1b.pdf", ".pdf", "nyrad.pdf"),
        ("tab\there\nand\rthere.pdf", ".pdf", "tab here and there.pdf"),
        ("evil\u202egpj.exe", ".png", "evilgpj.png"),
        ("invisible\u200b\u2066\u2069\ufeff.pdf", ".pdf", "invisible.pdf"),
        ("a" * 300 + ".pdf", ".pdf", "a" * 116 + ".pdf"),
        ("å" * 300 + ".docx", ".docx", "å" * 115 + ".docx"),
        ("Årsrapport \u2013 Malmö.pdf", ".pdf", "Årsrapport \u2013 Malmö.pdf"),
        ("تقرير التدريب.docx", ".docx", "تقرير التدريب.docx"),
        ("re\u0301sume\u0301.pdf", ".pdf", "r\u00e9sum\u00e9.pdf"),  # NFC
        ('what?<>:"|*.pdf', ".pdf", "what_______.pdf"),
        ("  .hidden.pdf  ", ".pdf", "hidden.pdf"),
        ("trailing dots...", ".pdf", "trailing dots.pdf"),
        ("CON.pdf", ".pdf", "_CON.pdf"),
        ("scan.PDF", ".png", "scan.png"),
        ("archive.tar.gz", ".pdf", "archive.tar.pdf"),
        ("no extension", ".pdf", "no extension.pdf"),
        ("..", ".pdf", "file.pdf"),
        ("", ".pdf", "file.pdf"),
        ("\u202e", ".pdf", "file.pdf"),
    ],
)
def test_filename_sanitising(name, extension, expected):
    cleaned = sanitise_filename(name, extension=extension)
    assert cleaned == expected
    assert len(cleaned) <= 120
    assert "/" not in cleaned
    assert "\\" not in cleaned


def test_original_name_is_sanitised_on_the_clean_file():
    clean = validate(make_pdf(), name="../../\u202eevil.pdf", kinds={"pdf"})
    assert clean.original_name == "evil.pdf"


# --- programming errors --------------------------------------------------------


@pytest.mark.parametrize("kinds", [set(), {"exe"}, {"pdf", "svg"}])
def test_unknown_kinds_are_a_programming_error(kinds):
    with pytest.raises(ValueError, match="allowed_kinds"):
        validate(make_pdf(), kinds=kinds)
