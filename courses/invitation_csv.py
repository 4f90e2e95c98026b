"""Reading a list of people to invite: pure, no database, no settings.

Administrators paste or upload what their spreadsheet gives them: UTF-8 with
or without a byte-order mark, or Windows' cp1252; commas, semicolons (Swedish
Excel) or tabs (pasted cells); with or without a header row. Every row gets a
verdict and a reason. The whole file is refused, before any row is looked at,
when it is too big, has too many rows, is not text or is not CSV: a large
import is never half-read.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254
DELIMITERS = (",", ";", "\t")
SNIFF_ROWS = 50

EMAIL_HEADINGS = frozenset(
    {"email", "e-mail", "e-post", "epost", "mail", "email address", "e-mail address"}
    | {"e-postadress", "epostadress"}
)
NAME_HEADINGS = frozenset(
    {"name", "namn", "legal name", "full name", "fullständigt namn", "juridiskt namn"}
)
# Spreadsheets run a cell that starts with one of these as a formula
# (OWASP "CSV injection"); such a cell is refused rather than stored.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text files hold no control characters but tab, line feed and carriage
# return; anything else means a binary file (or a mangled one).
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class RejectReason(models.TextChoices):
    FORMULA = "formula", _("Starts with =, +, -, @ or a tab (a spreadsheet formula)")
    MISSING_EMAIL = "missing_email", _("No e-mail address")
    BAD_EMAIL = "bad_email", _("Not a valid e-mail address")
    MISSING_NAME = "missing_name", _("No name")
    NAME_TOO_LONG = "name_too_long", _("The name is longer than 200 characters")
    DUPLICATE = "duplicate", _("The same e-mail address is on an earlier row")
    ALREADY_MEMBER = "already_member", _("Already a member of this cohort")
    OVER_CAPACITY = "over_capacity", _("The cohort is full")


@dataclass(frozen=True)
class InviteRow:
    line: int  # the row number a spreadsheet shows, header included
    email: str  # normalised: trimmed, lower case
    name: str


@dataclass(frozen=True)
class RejectedRow:
    line: int
    email: str  # as written, for the administrator to find the row
    name: str
    reason: RejectReason

    @property
    def message(self) -> str:
        return self.reason.label


@dataclass(frozen=True)
class ParsedImport:
    """The verdict on a whole file: an ``error`` refuses all of it."""

    rows: tuple[InviteRow, ...] = ()
    rejected: tuple[RejectedRow, ...] = ()
    error: str = ""
    text: str = ""  # the decoded text, re-posted by the confirm step
    has_header: bool = False
    delimiter: str = ","

    @property
    def ok(self) -> bool:
        return not self.error


def _refuse(message) -> ParsedImport:
    return ParsedImport(error=str(message))


def _decode(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else cp1252, else Latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # never fails: every byte is a character


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits most of the first rows into two or more cells."""
    sample = "\n".join(text.splitlines()[:SNIFF_ROWS])
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
        score = sum(1 for row in rows if len(row) >= 2)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _heading(cell: str) -> str:
    return " ".join(cell.strip().lower().replace("_", " ").split())


def _columns(first_row: list[str]) -> tuple[bool, int | None, int | None]:
    """(is a header, e-mail column, name column) judged from the first row."""
    headings = [_heading(cell) for cell in first_row]
    email_at = next((i for i, h in enumerate(headings) if h in EMAIL_HEADINGS), None)
    name_at = next((i for i, h in enumerate(headings) if h in NAME_HEADINGS), None)
    if email_at is not None or name_at is not None:
        return True, email_at, name_at
    # No header: e-mail then name, unless the first row plainly has them the
    # other way round.
    if len(first_row) >= 2 and "@" not in first_row[0] and "@" in first_row[1]:
        return False, 1, 0
    return False, 0, 1


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _looks_like_formula(raw: str) -> bool:
    return raw.startswith(FORMULA_STARTS) or raw.strip().startswith(FORMULA_STARTS)


def _verdict(email_raw: str, name_raw: str) -> RejectReason | None:
    if _looks_like_formula(email_raw) or _looks_like_formula(name_raw):
        return RejectReason.FORMULA
    email = email_raw.strip()
    name = " ".join(name_raw.split())
    if not email:
        return RejectReason.MISSING_EMAIL
    if len(email) > MAX_EMAIL_LENGTH:
        return RejectReason.BAD_EMAIL
    try:
        validate_email(email)
    except ValidationError:
        return RejectReason.BAD_EMAIL
    if not name:
        return RejectReason.MISSING_NAME
    if len(name) > MAX_NAME_LENGTH:
        return RejectReason.NAME_TOO_LONG
    return None


def invitation_rows_parse(*, data: bytes) -> ParsedImport:
    """Read ``data`` (a CSV file's bytes) into rows to invite and rows refused.

    Pure. Never raises for bad input: a file that cannot be used as a whole
    comes back with ``error`` set and no rows; otherwise every non-blank row
    is either in ``rows`` or in ``rejected`` with its reason. Checks that need
    the cohort (already a member, capacity) are made by the invitation
    service.
    """
    if len(data) > MAX_BYTES:
        return _refuse(
            _(
                "The file is larger than 1 MB. Split it into smaller files of at most "
                "%(rows)s rows."
            )
            % {"rows": MAX_ROWS}
        )
    text = _decode(data)
    if NOT_TEXT.search(text):
        return _refuse(
            _(
                "This is not a text file. Save the spreadsheet as CSV (comma- or "
                "semicolon-separated) and try again."
            )
        )
    if not text.strip():
        return _refuse(_("The file is empty: there is nobody to invite."))

    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for line, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue
            records.append((line, record))
            # One more than the limit is enough to know the file is too long.
            if len(records) > MAX_ROWS + 1:
                break
    except csv.Error:
        return _refuse(
            _(
                "Row %(line)s could not be read as CSV (a stray quotation mark?). "
                "Nothing was imported."
            )
            % {"line": reader.line_num}
        )

    if not records:
        return _refuse(_("The file is empty: there is nobody to invite."))
    has_header, email_at, name_at = _columns(records[0][1])
    if has_header:
        if email_at is None or name_at is None:
            return _refuse(_("The header row needs an “email” and a “name” column."))
        records = records[1:]
    if len(records) > MAX_ROWS:
        return _refuse(
            _("The file has more than %(rows)s rows. Split it into smaller files.")
            % {"rows": MAX_ROWS}
        )
    if not records:
        return _refuse(_("The file has a header row but nobody to invite."))

    rows: list[InviteRow] = []
    rejected: list[RejectedRow] = []
    seen: set[str] = set()
    for line, record in records:
        email_raw, name_raw = _cell(record, email_at), _cell(record, name_at)
        reason = _verdict(email_raw, name_raw)
        email = email_raw.strip().lower()
        if reason is None and email in seen:
            reason = RejectReason.DUPLICATE
        if reason is not None:
            rejected.append(
                RejectedRow(line=line, email=email_raw, name=name_raw, reason=reason)
            )
            continue
        seen.add(email)
        rows.append(InviteRow(line=line, email=email, name=" ".join(name_raw.split())))
    return ParsedImport(
        rows=tuple(rows),
        rejected=tuple(rejected),
        text=text,
        has_header=has_header,
        delimiter=delimiter,
    )
