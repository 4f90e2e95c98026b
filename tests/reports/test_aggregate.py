"""The small-cell rule and the breakdowns, without a database."""

import random
from decimal import Decimal

import pytest

from reports.aggregate import (
    AGE_COLUMNS,
    COLUMNS,
    GENDER_COLUMNS,
    SUPPRESSED,
    Person,
    Table,
    apply_small_cell_rule,
    breakdown_row,
    format_hours,
    gender_key,
    suppress,
    table_rows,
)


def people(spec: str) -> list[Person]:
    """ "w25 m55 o- n25" → people by gender (w/m/o/n) and age band."""
    genders = {"w": "woman", "m": "man", "o": "other", "n": "not_stated"}
    bands = {"y": "under_25", "25": "25_54", "55": "55_plus", "-": "not_stated"}
    return [
        Person(id=n, gender=genders[token[0]], age_band=bands[token[1:]])
        for n, token in enumerate(spec.split())
    ]


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        pytest.param([0, 1, 4, 5, 12], {1, 2}, id="1 to 4 hidden, 0 and 5+ shown"),
        pytest.param([5, 5, 5], set(), id="nothing small"),
        pytest.param([0, 0], set(), id="zeros single nobody out"),
    ],
)
def test_primary_suppression(counts, hidden):
    assert suppress(counts) == hidden


@pytest.mark.parametrize(
    ("total", "parts", "hidden"),
    [
        pytest.param(20, [3, 9, 8, 0], {1, 3}, id="one small part: next smallest too"),
        pytest.param(20, [3, 2, 15, 0], {1, 2}, id="two small parts: enough"),
        pytest.param(7, [3, 0, 0, 4], {1, 4}, id="both parts small"),
        pytest.param(9, [4, 0, 5, 0], {1, 3}, id="the only other part goes"),
        pytest.param(3, [3, 0, 0, 0], {0, 1}, id="small total hides everything"),
        pytest.param(12, [0, 12, 0, 0], set(), id="nothing to hide"),
    ],
)
def test_secondary_suppression_within_a_breakdown(total, parts, hidden):
    counts = [total, *parts]
    assert suppress(counts, [(0, [1, 2, 3, 4])]) == hidden


def test_a_single_part_that_cannot_be_paired_hides_the_total():
    # total 6 = 2 + 4: both parts small; total shown → no single hidden part.
    assert suppress([6, 2, 4], [(0, [1, 2])]) == {1, 2}
    # total 7 = 3 + 4 + 0 (parts) but the 0 cannot help: both already hidden.
    assert suppress([9, 4, 0, 5], [(0, [1, 2, 3])]) == {1, 3}
    # One part hidden and no other non-zero part: the total must go.
    counts, groups = [7, 3, 0], [(0, [1, 2])]
    assert suppress(counts, groups, countable=[True, True, True]) == {0, 1}


def test_a_hidden_total_with_all_parts_shown_hides_a_part():
    counts = [30, 10, 20, 30]  # cell 0 hidden by a link below
    hidden = suppress(counts, [(0, [1, 2])], links=[[0, 3]], countable=None)
    assert hidden == set()
    # Force the total hidden through a linked small cell elsewhere.
    hidden = suppress([30, 10, 20, 3], [(0, [1, 2])], links=[[0, 3]])
    assert {0, 3} <= hidden
    assert 1 in hidden  # otherwise 10 + 20 gives the hidden total away


def test_links_hide_the_same_figure_everywhere():
    assert suppress([3, 3, 50], links=[[0, 2]]) == {0, 1, 2}


def test_cells_that_are_not_about_people_are_never_hidden():
    assert suppress([82, 3], countable=[False, True]) == {1}


def test_breakdowns_add_up_to_the_total():
    row = breakdown_row(
        key="x", label="X", people=people("w25 w25 wy m55 m- o25 n25 n- ny w55")
    )
    values = [cell.value for cell in row.cells]
    assert values[0] == 10
    assert sum(values[c] for c in GENDER_COLUMNS) == 10
    assert sum(values[c] for c in AGE_COLUMNS) == 10
    assert values[1:5] == [4, 2, 1, 3]  # woman, man, other, not stated


def test_hours_rows_sum_and_know_their_people():
    crowd = people("w25 w25 m55 m55 m55 o25")
    hours = {0: Decimal("1.5"), 1: Decimal(2), 2: Decimal("0.25"), 5: Decimal(9)}
    row = breakdown_row(
        key="h", label="H", people=crowd, value=lambda p: hours.get(p.id, Decimal(0))
    )
    assert row.cells[0].value == Decimal("12.75")
    assert row.cells[0].people == 6
    assert sum(row.cells[c].value for c in GENDER_COLUMNS) == row.cells[0].value
    assert [row.cells[c].people for c in GENDER_COLUMNS] == [2, 3, 1, 0]
    assert row.cells[0].shown == "12.8"


@pytest.mark.parametrize(
    ("stored", "column"),
    [
        ("woman", "woman"),
        ("man", "man"),
        ("other", "other"),
        ("prefer_not_to_say", "not_stated"),
        ("", "not_stated"),
        (None, "not_stated"),
    ],
)
def test_gender_key(stored, column):
    assert gender_key(stored) == column


@pytest.mark.parametrize(
    ("hours", "text"),
    [(Decimal(0), "0.0"), (Decimal("12.25"), "12.3"), (Decimal("2.04"), "2.0")],
)
def test_format_hours(hours, text):
    assert format_hours(hours) == text


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_can_be_worked_out_from_its_breakdown(seed):
    rng = random.Random(seed)
    crowd = [
        rng.choice("wmon") + rng.choice(["y", "25", "55", "-"])
        for _ in range(rng.randint(0, 60))
    ]
    kinds = [rng.randrange(4) for _ in crowd]
    everyone = people(" ".join(crowd))
    rows = [
        breakdown_row(
            key=f"k{k}",
            label=f"Kind {k}",
            people=[p for p in everyone if kinds[p.id] == k],
        )
        for k in range(4)
    ]
    rows.append(breakdown_row(key="all", label="All", people=everyone))
    table = Table(key="t", title="T", rows=rows, total_row=True)

    apply_small_cell_rule([table])

    for row in table.rows:
        for cell in row.cells:
            if 0 < cell.people < 5:
                assert cell.hidden
            assert (cell.shown == SUPPRESSED) is cell.hidden
        for parts in (GENDER_COLUMNS, AGE_COLUMNS):
            assert_not_derivable(row.cells[0], [row.cells[c] for c in parts])
    for c in range(len(COLUMNS)):
        assert_not_derivable(rows[-1].cells[c], [row.cells[c] for row in rows[:-1]])


def assert_not_derivable(total, parts):
    hidden = [p for p in parts if p.hidden]
    if not total.hidden:
        assert len(hidden) != 1
    elif not hidden:
        assert all(p.value == 0 for p in parts)


def test_table_rows_are_what_is_shown():
    row = breakdown_row(key="x", label="Women only", people=people("w25 w25 w25"))
    table = Table(key="t", title="T", rows=[row])
    apply_small_cell_rule([table])
    assert table_rows(table) == [
        ["Women only", "<5", "<5", "0", "0", "0", "0", "<5", "0", "0"]
    ]
