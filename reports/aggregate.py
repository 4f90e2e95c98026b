"""Breakdown tables and the small-cell rule. Pure: no ORM, no settings.

Every figure is shown in total, by gender (woman, man, other, not stated) and
by age band (under 25, 25 to 54, 55 and over, not stated). Each person falls in
exactly one gender column and one age-band column, so both breakdowns of a
row add up to its total.

The small-cell rule (the funder's: nobody may be singled out):

- **Primary suppression.** A cell about 1 to 4 people shows "<5". A cell about
  0 people shows 0: it says nothing about anyone. For hours, the people are
  those the hours are summed over (all participants in that column, with or
  without hours), so the hours of two people are hidden like their count.
- **Secondary suppression.** A hidden cell must not be recoverable by
  subtraction. For every breakdown (a total and the cells that add up to it:
  a row's genders, a row's age bands, a column of a table whose rows
  partition a total), while exactly one part is hidden and the total is shown,
  the smallest other non-zero part is hidden too (if there is none, the
  total is hidden); and when a total is hidden but all its non-zero parts are
  shown, the smallest part is hidden. Cells that are the same figure in
  several tables (say, a cohort's participants in the overview and in its own
  funnel) are linked: hiding one hides them all. This repeats until nothing
  changes, so no hidden cell can be derived from the figures published
  together.
- Differences between funnel stages are not cells and are not protected.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

SMALL_CELL = 5
SUPPRESSED = "<5"

GENDERS = ("woman", "man", "other", "not_stated")
AGE_BANDS = ("under_25", "25_54", "55_plus", "not_stated")
# Column keys: "total", then "gender:<key>", then "age:<key>".
COLUMNS = (
    "total",
    *(f"gender:{key}" for key in GENDERS),
    *(f"age:{key}" for key in AGE_BANDS),
)
GENDER_COLUMNS = tuple(range(1, 1 + len(GENDERS)))
AGE_COLUMNS = tuple(range(1 + len(GENDERS), len(COLUMNS)))
_GENDER_INDEX = dict(zip(GENDERS, GENDER_COLUMNS, strict=True))
_AGE_INDEX = dict(zip(AGE_BANDS, AGE_COLUMNS, strict=True))


def gender_key(gender: str | None) -> str:
    """The report's gender column for a stored value ("" and "prefer not to
    say" are both "not stated")."""
    return gender if gender in ("woman", "man", "other") else "not_stated"


@dataclass(frozen=True)
class Person:
    id: Hashable
    gender: str  # a key of GENDERS
    age_band: str  # a key of AGE_BANDS


@dataclass
class Cell:
    value: int | Decimal
    people: int
    hidden: bool = False
    kind: str = "count"  # or "hours"
    # The same figure elsewhere (see ``Row.link``); set on a cell when the
    # column differs between the tables.
    link: Hashable | None = None

    @property
    def shown(self) -> str:
        """What the dashboard and the CSV show."""
        if self.hidden:
            return SUPPRESSED
        if self.kind == "hours":
            return format_hours(Decimal(self.value))
        return str(self.value)


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]
    # Rows with the same link are the same figure in different tables.
    link: Hashable | None = None


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row]
    kind: str = "count"
    # The last row is the total of the others (a column-wise breakdown).
    total_row: bool = False
    caption: str = ""
    columns: Sequence[str] = COLUMNS
    # Row-wise breakdowns (gender, age) apply to breakdown tables only.
    breakdown: bool = True
    extra: dict = field(default_factory=dict)

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)


def format_hours(hours: Decimal) -> str:
    """Hours with one decimal, rounded half up: ``Decimal("12.25")`` → "12.3"."""
    return str(Decimal(hours).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def breakdown_row(
    *,
    key: str,
    label: str,
    people: Iterable[Person],
    value: Callable[[Person], int | Decimal] | None = None,
    link: Hashable | None = None,
) -> Row:
    """One row: the total and each gender and age band.

    Without ``value`` each person counts 1; with it, the row sums
    ``value(person)`` (hours) and each cell still knows how many people it is
    about. Both breakdowns add up to the total by construction.
    """
    kind = "count" if value is None else "hours"
    zero = Decimal(0) if value is not None else 0
    sums = [zero] * len(COLUMNS)
    counts = [0] * len(COLUMNS)
    for person in people:
        amount = 1 if value is None else value(person)
        for column in (
            0,
            _GENDER_INDEX[person.gender],
            _AGE_INDEX[person.age_band],
        ):
            sums[column] += amount
            counts[column] += 1
    cells = [
        Cell(value=sums[c], people=counts[c], kind=kind) for c in range(len(COLUMNS))
    ]
    return Row(key=key, label=label, cells=cells, link=link)


def plain_row(*, key: str, label: str, values: Sequence[int | None], link=None) -> Row:
    """A row of counts that are not broken down (the cohort overview).

    ``None`` is a figure that is not a count of people (planned numbers):
    shown as it is, never suppressed.
    """
    cells = [
        Cell(value=v if v is not None else "", people=0 if v is None else v)
        for v in values
    ]
    return Row(key=key, label=label, cells=cells, link=link)


# --- Suppression ----------------------------------------------------------------


def suppress(
    people: Sequence[int],
    groups: Iterable[tuple[int, Sequence[int]]] = (),
    links: Iterable[Sequence[int]] = (),
    *,
    countable: Sequence[bool] | None = None,
) -> set[int]:
    """The indices of the cells to hide.

    ``people[i]`` is how many people cell ``i`` is about. ``groups`` are
    (total, parts) breakdowns; ``links`` are sets of cells that are the same
    figure. ``countable[i]`` False marks a cell that is not about people (it
    is never hidden).
    """
    countable = countable or [True] * len(people)
    groups = [(total, list(parts)) for total, parts in groups]
    links = [list(link) for link in links]
    hidden = {i for i, n in enumerate(people) if countable[i] and 0 < n < SMALL_CELL}

    def hide(i: int) -> bool:
        if i in hidden or not countable[i]:
            return False
        hidden.add(i)
        return True

    def smallest_shown(parts: list[int]) -> int | None:
        shown = [i for i in parts if i not in hidden and countable[i] and people[i] > 0]
        return min(shown, key=lambda i: (people[i], i)) if shown else None

    changed = True
    while changed:
        changed = False
        for link in links:
            if any(i in hidden for i in link):
                for i in link:
                    changed |= hide(i)
        for total, parts in groups:
            hidden_parts = [i for i in parts if i in hidden]
            if total not in hidden and len(hidden_parts) == 1:
                other = smallest_shown(parts)
                changed |= hide(other if other is not None else total)
            elif total in hidden and not hidden_parts and people[total] > 0:
                other = smallest_shown(parts)
                if other is not None:
                    changed |= hide(other)
    return hidden


def apply_small_cell_rule(tables: Sequence[Table]) -> None:
    """Hide cells in ``tables`` (all published together) by the rule above."""
    cells: list[Cell] = []
    index: dict[tuple[int, int, int], int] = {}
    for t, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                index[t, r, c] = len(cells)
                cells.append(cell)

    groups: list[tuple[int, list[int]]] = []
    for t, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            if table.breakdown and len(row.cells) == len(COLUMNS):
                groups.append(
                    (index[t, r, 0], [index[t, r, c] for c in GENDER_COLUMNS])
                )
                groups.append((index[t, r, 0], [index[t, r, c] for c in AGE_COLUMNS]))
        if table.total_row and len(table.rows) > 1:
            last = len(table.rows) - 1
            for c in range(len(table.rows[last].cells)):
                groups.append(
                    (index[t, last, c], [index[t, r, c] for r in range(last)])
                )

    linked: dict[Hashable, list[int]] = {}
    for t, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                key = cell.link
                if key is None and row.link is not None:
                    key = (row.link, c)
                if key is not None:
                    linked.setdefault(key, []).append(index[t, r, c])

    hidden = suppress(
        [cell.people for cell in cells],
        groups,
        [link for link in linked.values() if len(link) > 1],
        countable=[cell.value != "" for cell in cells],
    )
    for i in hidden:
        cells[i].hidden = True


def table_rows(table: Table) -> list[list[str]]:
    """The table as text, exactly as the dashboard shows it: label, cells…"""
    return [[row.label, *(cell.shown for cell in row.cells)] for row in table.rows]
