"""Find the credential attached to one of our certificate PDFs.

Untrusted input: this is not a PDF parser. It scans for embedded-file
streams (``/Type /EmbeddedFile``), inflates each within a size bound and keeps
the first one that is a JSON object with a ``proof``. That is enough for the
PDFs we make; anything else is reported as "no credential found".
"""

import json
import re
import zlib

MAX_CREDENTIAL_BYTES = 256 * 1024
MAX_EMBEDDED_FILES = 16
MAX_HEADER_BYTES = 4096

_EMBEDDED = re.compile(rb"/Type\s*/EmbeddedFile\b")
_LENGTH = re.compile(rb"/Length\s+(\d{1,9})(\s+\d+\s+\d+\s+R)?")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")


class NotAPdf(ValueError):
    pass


def _inflate(raw: bytes) -> bytes | None:
    decompressor = zlib.decompressobj()
    try:
        data = decompressor.decompress(raw, MAX_CREDENTIAL_BYTES + 1)
    except zlib.error:
        return None
    if len(data) > MAX_CREDENTIAL_BYTES:
        return None
    return data


def _stream_after(data: bytes, position: int) -> tuple[bytes, bytes] | None:
    start_of_object = data.rfind(b"obj", 0, position)
    keyword = data.find(b"stream", position)
    if (
        start_of_object < 0
        or keyword < 0
        or keyword - start_of_object > MAX_HEADER_BYTES
    ):
        return None
    header = data[start_of_object:keyword]
    start = keyword + len(b"stream")
    if data[start : start + 2] == b"\r\n":
        start += 2
    elif data[start : start + 1] in (b"\n", b"\r"):
        start += 1
    length = _LENGTH.search(header)
    if length and not length.group(2):
        end = start + int(length.group(1))
    else:
        end = data.find(b"endstream", start)
    if end < start:
        return None
    return header, data[start:end]


def credential_from_pdf(data: bytes) -> dict | None:
    """The embedded credential (a JSON object with a proof), or None.

    Raises NotAPdf unless ``data`` starts like a PDF.
    """
    if not data.startswith(b"%PDF-"):
        raise NotAPdf("not a PDF file")
    for count, match in enumerate(_EMBEDDED.finditer(data)):
        if count >= MAX_EMBEDDED_FILES:
            break
        found = _stream_after(data, match.end())
        if found is None:
            continue
        header, raw = found
        filters = _FILTER.search(header)
        names = re.findall(rb"/([A-Za-z0-9]+)", filters.group(1)) if filters else []
        if names == [b"FlateDecode"]:
            content = _inflate(raw)
        elif not names and len(raw) <= MAX_CREDENTIAL_BYTES:
            content = raw
        else:
            content = None
        if content is None:
            continue
        try:
            document = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
        if isinstance(document, dict) and "proof" in document:
            return document
    return None
